// `npm run build`'s last step: the workflow bundle, built once by the SDK's own bundler
// (webpack) instead of in every worker at start-up, which costs a worker seconds and
// hundreds of MB. The compiled worker loads it; a worker run from the sources bundles itself.

import { writeFile } from 'node:fs/promises';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { WORKFLOW_BUNDLE, WORKFLOWS_PATH } from './workflowCode.ts';

const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
await writeFile(WORKFLOW_BUNDLE, code);
