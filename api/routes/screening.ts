// Screening settings and tools: a platform environment's thresholds, and one party screened on
// request with the workers' live index. The lists themselves are the operator's (operator.ts).

import type { Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import type { ScreeningResult } from '../../compliance/screening.ts';
import type { Thresholds } from '../../domain/thresholds.ts';
import type { Db } from '../../db/client.ts';
import type { partyScreeningWorkflow } from '../../workflows/partyScreening.ts';
import { callerOf, tenantDbOf } from '../auth/middleware.ts';
import { ApiError } from '../errors.ts';
import { presentScreening } from '../presentScreening.ts';
import { adHocScreeningSchema, thresholdsSchema } from '../schemas.ts';
import { parseOr422 } from '../validation.ts';
import type { RouteHandlers } from '../routeTable.ts';

export interface ScreeningDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  /** The deployment's thresholds, where a platform environment has not set its own. */
  defaultThresholds: Thresholds;
}

type Policy = { reviewThreshold: number; failThreshold: number; updatedBy: string; updatedAt: Date };

const presentThresholds = (policy: Policy | null, defaults: Thresholds) =>
  policy
    ? { review_threshold: policy.reviewThreshold, fail_threshold: policy.failThreshold, source: 'platform', updated_by: policy.updatedBy, updated_at: policy.updatedAt.toISOString() }
    : { review_threshold: defaults.review, fail_threshold: defaults.fail, source: 'default', updated_by: null, updated_at: null };

/** A worker answers within a second; this long means none is running. */
const SCREENING_TIMEOUT = '20 seconds';

export function screeningRoutes(deps: ScreeningDeps) {
  return {
    'GET /v1/compliance/thresholds': async (req, res) => {
      const db = tenantDbOf(req);
      const { platformId, environment } = callerOf(req);
      const policy = await db.screeningPolicy.findUnique({ where: { platformId_environment: { platformId, environment } } });
      res.json(presentThresholds(policy, deps.defaultThresholds));
    },
    'PUT /v1/compliance/thresholds': async (req, res) => {
      const db = tenantDbOf(req);
      const { platformId, environment, clientId } = callerOf(req);
      const body = parseOr422(thresholdsSchema, req.body ?? {}, 'body');
      const data = { reviewThreshold: body.review_threshold, failThreshold: body.fail_threshold, updatedBy: clientId };
      const policy = await db.screeningPolicy.upsert({
        where: { platformId_environment: { platformId, environment } },
        create: { platformId, environment, ...data },
        update: data,
      });
      res.json(presentThresholds(policy, deps.defaultThresholds));
    },
    'POST /v1/admin/screening/screen': async (req, res) => {
      const { platformId, environment } = callerOf(req);
      const body = parseOr422(adHocScreeningSchema, req.body ?? {}, 'body');
      const party = {
        role: 'party',
        name: body.name,
        // No wallet given: the zero address, which no list holds, leaves layer 2 silent.
        walletAddress: body.wallet_address ?? '0x0000000000000000000000000000000000000000',
        entityType: body.entity_type,
        country: body.country,
        dateOfBirth: body.date_of_birth,
      };
      let result: ScreeningResult;
      try {
        result = await deps.temporal.workflow.execute<typeof partyScreeningWorkflow>('partyScreeningWorkflow', {
          workflowId: `party-screening-${randomUUID()}`,
          taskQueue: deps.taskQueue,
          workflowExecutionTimeout: SCREENING_TIMEOUT,
          args: [{ platformId, environment, party }],
        });
      } catch (err) {
        throw new ApiError(503, 'screening_unavailable', 'Screening unavailable', `No worker screened the party within ${SCREENING_TIMEOUT}: ${(err as Error).message}`);
      }
      res.json(presentScreening(result));
    },
  } satisfies RouteHandlers;
}
