import { Router } from 'express';
import type { Client } from '@temporalio/client';
import type { Db } from '../../db/client.ts';

/** /healthz: the process is up. /readyz: it can serve, because the database and Temporal answer. */
export function healthRoutes(deps: { db: Db; temporal: Client; log: (message: string, fields: Record<string, unknown>) => void }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const check = async (probe: () => Promise<unknown>) => {
      try {
        await Promise.race([probe(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000))]);
        return 'ok';
      } catch (err) {
        // The reason goes to the log, not to an unauthenticated caller.
        deps.log('readiness check failed', { error: err instanceof Error ? err.message : String(err) });
        return 'unavailable';
      }
    };
    const [database, temporal] = await Promise.all([
      check(() => deps.db.$queryRaw`SELECT 1`),
      check(() => deps.temporal.workflowService.getSystemInfo({})),
    ]);
    const ready = database === 'ok' && temporal === 'ok';
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks: { database, temporal } });
  });
  return router;
}
