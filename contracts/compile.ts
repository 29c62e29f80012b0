// The one way Solidity becomes bytecode here: solc from npm, pinned settings, imports from
// contracts/ or installed packages. contracts/build.ts writes what it compiles to
// contracts/generated/; the escrow's invariant tests compile deliberately broken variants with it.
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import solcModule from 'solc';

// solc's typings declare every member `any`: these are the two this module calls.
const solc = solcModule as {
  version(this: void): string;
  compile(this: void, input: string, callbacks: { import: typeof resolveImport }): string;
};

export const contractsDir = path.dirname(fileURLToPath(import.meta.url));
const rootDir = path.dirname(contractsDir);
const require = createRequire(import.meta.url);

export interface CompiledContract {
  contractName: string;
  sourceName: string;
  abi: unknown[];
  /** Creation bytecode, 0x-prefixed. */
  bytecode: `0x${string}`;
}

interface SolcOutput {
  errors?: { severity: 'error' | 'warning' | 'info'; formattedMessage: string }[];
  contracts?: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>>;
}

export class CompileError extends Error {}

export const solcVersion = (): string => solc.version();

/** Source unit names of every .sol file under contracts/, sorted. */
export async function findSources(): Promise<string[]> {
  const entries = await readdir(contractsDir, { recursive: true });
  return entries
    .filter((entry) => entry.endsWith('.sol'))
    // Source unit names end up in the metadata hash embedded in the bytecode, so they must not
    // depend on where the repository is checked out or on the host's path separator.
    .map((entry) => path.posix.join('contracts', entry.split(path.sep).join('/')))
    .sort();
}

export function readSource(sourceName: string): string {
  return readFileSync(path.join(rootDir, sourceName), 'utf8');
}

function resolveImport(importPath: string): { contents: string } | { error: string } {
  try {
    const file = importPath.startsWith('contracts/')
      ? path.join(rootDir, importPath)
      : require.resolve(importPath);
    return { contents: readFileSync(file, 'utf8') };
  } catch {
    return { error: `cannot resolve import "${importPath}" (not under contracts/ and not an installed package)` };
  }
}

/** Compiles the given sources (unit name → text); contracts without bytecode (interfaces) are left out. */
export function compile(sources: Record<string, string>): CompiledContract[] {
  const sourceNames = Object.keys(sources);
  if (sourceNames.length === 0) throw new CompileError('no .sol files found under contracts/');
  const input = {
    language: 'Solidity',
    sources: Object.fromEntries(sourceNames.map((name) => [name, { content: sources[name] }])),
    settings: {
      // Pinned so the bytecode does not change when solc's default target moves on.
      evmVersion: 'cancun',
      optimizer: { enabled: true, runs: 200 },
      outputSelection: Object.fromEntries(sourceNames.map((name) => [name, { '*': ['abi', 'evm.bytecode.object'] }])),
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: resolveImport })) as SolcOutput;

  const diagnostics = output.errors ?? [];
  for (const diagnostic of diagnostics) console.error(diagnostic.formattedMessage);
  const errorCount = diagnostics.filter((d) => d.severity === 'error').length;
  if (errorCount > 0) throw new CompileError(`compilation failed with ${errorCount} error(s)`);

  const compiled: CompiledContract[] = [];
  for (const [sourceName, contracts] of Object.entries(output.contracts ?? {})) {
    if (!sourceNames.includes(sourceName)) continue; // imported, not asked for
    for (const [contractName, { abi, evm }] of Object.entries(contracts)) {
      // Interfaces and abstract contracts have no bytecode and nothing to deploy.
      if (evm.bytecode.object === '') continue;
      compiled.push({ contractName, sourceName, abi, bytecode: `0x${evm.bytecode.object}` });
    }
  }
  return compiled;
}
