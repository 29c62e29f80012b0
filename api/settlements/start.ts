// Starting settlements' workflows, apart from the requests that create them. A settlement row
// without workflow_started_at is its own start request, committed in the same transaction as
// the settlement (an outbox): a create answers once it has committed, and the starter of every
// API process carries the requests out, oldest first, woken at once by its own process's creates
// and polling for the rest (a request whose process died, or another process's backlog).
// The workflow id comes from the settlement id, so a start made twice (a claim that lapsed
// while its start was on the way) attaches to the running workflow and never runs one twice.

import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import type { Db } from '../../db/client.ts';
import { findTemplateVersion } from '../../db/templates.ts';
import { PlatformId, SettlementState, TemplateId, workflowIdFor } from '../../workflows/names.ts';
import type { settlementWorkflow } from '../../workflows/settlement.ts';

export interface StartDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  depositPollIntervalMs: number;
}

/** What a create hands its start request to: the process's starter, woken to take it at once. */
export interface StartRequests {
  wake(): void;
}

interface StartRequest {
  id: string;
  template_id: string;
  template_version: number;
  state: string;
  platform_id: string;
  timeout_at: Date;
  leg_count: number;
}

export interface StarterOptions {
  /** Requests taken at a time, and started at once. */
  batch: number;
  /** How often to look for requests nobody woke this starter for. */
  pollMs: number;
  /** How long a taken request is this starter's; a starter that dies leaves it to another after that. */
  claimMs: number;
}

const DEFAULTS: StarterOptions = { batch: 50, pollMs: 1000, claimMs: 60_000 };

export interface Starter extends StartRequests {
  /** Waits for the batch on its way, then takes no more. */
  stop(): Promise<void>;
}

export function workflowStarter(deps: StartDeps, onError: (err: unknown) => void, options: Partial<StarterOptions> = {}): Starter {
  const { batch, pollMs, claimMs } = { ...DEFAULTS, ...options };
  let stopped = false;
  let woken = false;
  let wakeUp: () => void = () => undefined;

  // Taking requests is one statement: a request is locked only while it is claimed, so the
  // workflow it starts never waits for a starter's transaction to write its settlement.
  const claim = () => deps.db.$queryRaw<StartRequest[]>`
    UPDATE settlements s SET start_claim_expires_at = (now() AT TIME ZONE 'UTC') + ${claimMs} * interval '1 millisecond'
    FROM (
      SELECT id FROM settlements
      WHERE workflow_started_at IS NULL AND (start_claim_expires_at IS NULL OR start_claim_expires_at < (now() AT TIME ZONE 'UTC'))
      ORDER BY created_at, id LIMIT ${batch} FOR UPDATE SKIP LOCKED
    ) due
    WHERE s.id = due.id
    RETURNING s.id::text, s.template_id::text, s.template_version, s.state, s.platform_id::text, s.timeout_at,
      (SELECT count(*)::int FROM legs WHERE legs.settlement_id = s.id) AS leg_count`;

  async function startOne(r: StartRequest): Promise<void> {
    const template = await findTemplateVersion(deps.db, r.template_id, r.template_version);
    try {
      await deps.temporal.workflow.start<typeof settlementWorkflow>('settlementWorkflow', {
        workflowId: workflowIdFor(r.id),
        taskQueue: deps.taskQueue,
        // Running: attach to it. Closed: never run a settlement twice.
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        args: [
          {
            settlementId: r.id,
            template: { id: template.id, version: template.version, config: template.config },
            timeoutAt: r.timeout_at.toISOString(),
            legCount: r.leg_count,
            depositPollIntervalMs: deps.depositPollIntervalMs,
          },
        ],
        typedSearchAttributes: [
          { key: SettlementState, value: r.state },
          { key: TemplateId, value: r.template_id },
          { key: PlatformId, value: r.platform_id },
        ],
      });
    } catch (err) {
      // A closed workflow with this id means the settlement already ran: nothing to start.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }

  /** One batch: taken, started at once, and the started ones written; answers how many were taken. */
  async function startBatch(): Promise<number> {
    const due = await claim();
    const outcomes = await Promise.allSettled(due.map(startOne));
    const started = due.filter((_, i) => outcomes[i]!.status === 'fulfilled').map((r) => r.id);
    if (started.length) {
      await deps.db.$executeRaw`
        UPDATE settlements SET workflow_started_at = clock_timestamp() AT TIME ZONE 'UTC', start_claim_expires_at = NULL
        WHERE id = ANY(${started}::uuid[])`;
    }
    // A request that failed to start (Temporal unreachable) stays claimed until its claim lapses:
    // the next attempt is then a minute away, not a busy loop against a server that is down.
    const failed = outcomes.find((o) => o.status === 'rejected');
    if (failed) onError(failed.reason);
    return started.length < due.length ? 0 : due.length;
  }

  const running = (async () => {
    while (!stopped) {
      woken = false;
      const taken = await startBatch().catch((err: unknown) => {
        onError(err);
        return 0;
      });
      // A full batch: there may be more behind it. Otherwise wait for a create or the poll.
      if (taken === batch || woken || stopped) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        timer.unref();
        wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wakeUp = () => undefined;
    }
  })();

  return {
    wake() {
      woken = true;
      wakeUp();
    },
    async stop() {
      stopped = true;
      wakeUp();
      await running;
    },
  };
}
