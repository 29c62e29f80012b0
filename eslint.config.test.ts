// The lint rules that guard determinism and promises, shown on sources written for the test:
// ESLint runs with the repository's own config, type information included.

import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The probes exist only in memory; the project service reads files from disk, so they get a
// project of their own with the repository's compiler options.
const eslint = new ESLint({
  cwd: import.meta.dirname,
  overrideConfig: { languageOptions: { parserOptions: { projectService: { allowDefaultProject: ['*/lint-probe.ts'], defaultProject: 'tsconfig.json' } } } },
});

/** The rule ids ESLint reports for `code` as if it were the file at `path`. */
async function rulesFor(path: string, code: string): Promise<(string | null)[]> {
  const [result] = await eslint.lintText(code, { filePath: path });
  return result!.messages.map((m) => m.ruleId);
}

// The first lint builds a TypeScript program, which takes a while on a busy machine.
describe('lint', { timeout: 120_000 }, () => {
  it.each([
    ['a Node builtin', "import { randomUUID } from 'node:crypto';\nexport const id = () => randomUUID();\n"],
    ['viem', "import { keccak256 } from 'viem';\nexport const hash = keccak256;\n"],
    ['activities by value', "import { createActivities } from '../activities/index.ts';\nexport const make = createActivities;\n"],
    ["Temporal's client", "import { Client } from '@temporalio/client';\nexport const C = Client;\n"],
  ])('refuses workflow code importing %s', async (_what, code) => {
    expect(await rulesFor('workflows/lint-probe.ts', code)).toContain('@typescript-eslint/no-restricted-imports');
  });

  it('lets workflow code import the workflow SDK, the domain, its siblings and anything by type', async () => {
    const code = [
      "import { sleep } from '@temporalio/workflow';",
      "import { SearchAttributeType } from '@temporalio/common';",
      "import { toBaseUnits } from '../domain/money.ts';",
      "import { workflowIdFor } from './names.ts';",
      "import type { Hex } from 'viem';",
      "import type { createActivities } from '../activities/index.ts';",
      'export type Used = [Hex, typeof createActivities];',
      "export const run = async () => { await sleep(1); return [toBaseUnits('1', 6), workflowIdFor('x'), SearchAttributeType.KEYWORD]; };",
      '',
    ].join('\n');
    expect(await rulesFor('workflows/lint-probe.ts', code)).toEqual([]);
  });

  it('lets activities import what they need', async () => {
    expect(await rulesFor('activities/lint-probe.ts', "import { randomUUID } from 'node:crypto';\nexport const id = () => randomUUID();\n")).toEqual([]);
  });

  it('keeps the domain free of imports from outside it', async () => {
    expect(await rulesFor('domain/lint-probe.ts', "import { keccak256 } from 'viem';\nexport const hash = keccak256;\n")).toContain(
      '@typescript-eslint/no-restricted-imports',
    );
  });

  it.each([
    ['db/lint-probe.ts', "import { errorHandler } from '../api/errors.ts';\nexport const h = errorHandler;\n"],
    ['cli/lint-probe.ts', "import { createApp } from '../api/app.ts';\nexport const app = createApp;\n"],
    ['config/lint-probe.ts', "import { createDb } from '../db/client.ts';\nexport const db = createDb;\n"],
  ])('refuses an import up the layers or between entry points: %s', async (path, code) => {
    expect(await rulesFor(path, code)).toContain('@typescript-eslint/no-restricted-imports');
  });

  it('lets an entry point import the layers below it', async () => {
    expect(await rulesFor('api/lint-probe.ts', "import { findActivity } from '../db/activity.ts';\nexport const find = findActivity;\n")).toEqual([]);
  });

  it('refuses a promise nobody awaits and one handed where nothing awaits it', async () => {
    const code = [
      'const work = async () => 1;',
      'export function start() {',
      '  work();',
      '  setTimeout(work, 10);',
      '}',
      '',
    ].join('\n');
    expect(await rulesFor('api/lint-probe.ts', code)).toEqual(['@typescript-eslint/no-floating-promises', '@typescript-eslint/no-misused-promises']);
  });
});
