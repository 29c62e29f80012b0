// Replays committed histories of real runs against the current workflow code, so a change that
// would break workflows already running fails here, not in production. One history per path a
// running workflow can be on (every template path, cancellation, a continued run, the
// force-rollback and party-screening workflows), each kept after the code that made it changed.
// Record new ones with test/support/recordHistories.ts.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { beforeAll, describe, expect, it } from 'vitest';

const dir = join(import.meta.dirname, 'histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
const historyOf = (file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as { events: Record<string, unknown>[] };

let workflowBundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  // One bundle for every history, as one worker would run them all.
  workflowBundle = await bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('./index.ts', import.meta.url)) });
}, 120_000);

describe('workflow replay', () => {
  it('has a history for each path', () => {
    for (const path of ['dvp-standard-finalized', 'dvp-standard-timeout-refund', 'dvp-standard-sanctioned-wallet', 'dvp-review-approved', 'dvp-review-rejected', 'dvp-review-decision-timed-out', 'dvp-standard-cancelled', 'dvp-standard-resumed', 'force-rollback', 'party-screening']) {
      expect(files, path).toContain(`${path}.json`);
    }
  });

  it('replays every recorded history deterministically', async () => {
    const results = Worker.runReplayHistories({ workflowBundle }, files.map((file) => ({ workflowId: file, history: historyOf(file) })));
    const replayed: string[] = [];
    for await (const result of results) {
      expect(result.error, result.workflowId).toBeUndefined();
      replayed.push(result.workflowId);
    }
    expect(replayed.sort()).toEqual([...files].sort());
  }, 120_000);

  it('fails a history the code did not make (the check itself works)', async () => {
    // The first activity the run scheduled, renamed: the code schedules the real one.
    const history = historyOf('dvp-standard-finalized.json');
    const scheduled = history.events.find((e) => e.activityTaskScheduledEventAttributes) as { activityTaskScheduledEventAttributes: { activityType: { name: string } } };
    scheduled.activityTaskScheduledEventAttributes.activityType.name = 'somethingElse';
    await expect(Worker.runReplayHistory({ workflowBundle }, history, 'tampered')).rejects.toBeInstanceOf(DeterminismViolationError);
  }, 60_000);
});
