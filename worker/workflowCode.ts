// Where the worker finds its workflow code: the sources when it runs from TypeScript,
// the prebuilt bundle beside the compiled workflows when it runs from dist/.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { WorkerOptions } from '@temporalio/worker';

const compiled = import.meta.url.endsWith('.js');

export const WORKFLOWS_PATH = fileURLToPath(new URL(`../workflows/index.${compiled ? 'js' : 'ts'}`, import.meta.url));
export const WORKFLOW_BUNDLE = fileURLToPath(new URL('../workflows/bundle.js', import.meta.url));

export function workflowCode(): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  if (!compiled) return { workflowsPath: WORKFLOWS_PATH };
  if (!existsSync(WORKFLOW_BUNDLE)) throw new Error(`no workflow bundle at ${WORKFLOW_BUNDLE}: run npm run build`);
  return { workflowBundle: { codePath: WORKFLOW_BUNDLE } };
}
