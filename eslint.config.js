// `npm run lint` (and the first step of `npm test`). Type-aware: every rule that needs
// types reads them from the tsconfig nearest each file (office/ has its own).
// Plain JavaScript so that ESLint loads it on Node 20 without a TypeScript loader.

import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

// Workflow code is replayed and must be deterministic: it may import the workflow SDK,
// the pure domain and its own siblings (which this rule checks in turn); anything else,
// Node's builtins and viem included, only by type. The bundler would fail on some of
// these, but not on every import that does I/O, and only at build time.
const WORKFLOW_IMPORTS = {
  regex: '^(?!@temporalio/workflow$|@temporalio/common$|\\.\\./domain/|\\./)',
  allowTypeImports: true,
  message:
    'workflow code imports only @temporalio/workflow, @temporalio/common, domain/ and workflows/ (anything else by type only): it must be deterministic',
};

// The domain is what everyone imports; it imports nothing but itself.
const DOMAIN_IMPORTS = {
  regex: '^(?!\\./)',
  allowTypeImports: false,
  message: 'domain/ is pure: it imports only other domain/ modules',
};

// The layers, lowest first (docs/architecture.md, "Layers"): a folder imports from its own
// layer and those below, never from one above; the entry points of the top layer never
// import each other. Tests may import anything.
const LAYERS = [
  ['domain'],
  ['config', 'access'],
  ['db', 'chain', 'compliance', 'contracts'],
  ['workflows', 'activities', 'webhooks', 'operations'],
  ['stack'],
  ['api', 'worker', 'listeners', 'cli'],
  ['bench', 'test', 'prisma'],
];
const ENTRY_POINTS = LAYERS[5];

/** One no-restricted-imports pattern per folder: the folders it must not reach by a relative path. */
function layerRules() {
  return LAYERS.flatMap((layer, i) =>
    layer.map((folder) => {
      const above = LAYERS.slice(i + 1).flat();
      const forbidden = [...above, ...(layer === ENTRY_POINTS ? ENTRY_POINTS.filter((f) => f !== folder) : [])];
      const patterns = [];
      if (forbidden.length) {
        patterns.push({
          regex: `^(\\.\\./)+(${forbidden.join('|')})/`,
          message: `${folder}/ must not import from ${forbidden.join(', ')}: imports go down the layers (docs/architecture.md)`,
        });
      }
      if (folder === 'workflows') patterns.push(WORKFLOW_IMPORTS);
      if (folder === 'domain') patterns.push(DOMAIN_IMPORTS);
      return {
        files: [`${folder}/**/*.ts`],
        ignores: ['**/*.test.ts'],
        rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] },
      };
    }),
  );
}

export default defineConfig(
  globalIgnores(['dist/', 'generated/', 'node_modules/', 'data/', 'scratch/', 'contracts/generated/']),
  {
    files: ['**/*.ts', '**/*.tsx'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['prisma/*.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Promises: the ones that lose errors or run handlers out of order.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      // A switch over a union names every case, so a new state or action breaks the build.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      // `typeof import('…')` stays allowed: vitest's importOriginal<typeof import('…')>() needs it.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      // An async function that awaits nothing is often an async interface's implementation
      // (a fake, a provider); the bug this rule hunts, a promise not awaited, is
      // no-floating-promises' and no-misused-promises'.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Tests read untyped JSON (responses, files, SDK output) and check its shape with
    // expect at run time; a cast before every assertion would only hide that.
    files: ['**/*.test.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  ...layerRules(),
  {
    files: ['**/*.js'],
    extends: [js.configs.recommended],
    languageOptions: { globals: { console: 'readonly', process: 'readonly' } },
  },
);
