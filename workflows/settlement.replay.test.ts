// Replays committed histories of real settlements against the current workflow code,
// so a change that would break workflows already running fails here, not in production.
// A new history: `temporal workflow show --workflow-id settlement-<id> -o json`.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { describe, it } from 'vitest';

const dir = join(import.meta.dirname, 'histories');

describe('settlement workflow replay', () => {
  it.each(readdirSync(dir).filter((f) => f.endsWith('.json')))('replays %s deterministically', async (file) => {
    const history = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    await Worker.runReplayHistory(
      { workflowsPath: fileURLToPath(new URL('./index.ts', import.meta.url)), replayName: file },
      history,
    );
  });
});
