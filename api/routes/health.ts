import type { Client } from '@temporalio/client';
import { readStackStatus } from '../../config/serviceStatus.ts';
import type { Db } from '../../db/client.ts';
import type { RouteHandlers } from '../routeTable.ts';

/**
 * /healthz: the process is up. /readyz: it can serve, because the database and Temporal answer;
 * under `npm start` it also says what the supervisor knows of every process of the stack
 * (informational: a worker being down does not make the API unready).
 */
export function healthRoutes(deps: {
  db: Db;
  temporal: Client;
  log: (message: string, fields: Record<string, unknown>) => void;
  stackStatusFile?: string | undefined;
}) {
  return {
    'GET /healthz': (_req, res) => {
      res.json({ status: 'ok' });
    },
    'GET /readyz': async (_req, res) => {
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
      res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks: { database, temporal }, ...stackServices(deps.stackStatusFile) });
    },
  } satisfies RouteHandlers;
}

function stackServices(file: string | undefined): { services?: Record<string, string> } {
  let stack: ReturnType<typeof readStackStatus>;
  try {
    stack = file ? readStackStatus(file) : undefined;
  } catch {
    // A status file cut short or unreadable says nothing; readiness is the API's own.
    return {};
  }
  if (!stack) return {};
  return { services: Object.fromEntries(stack.services.map((s) => [s.name, stack.supervisor_running ? s.state : 'unknown'])) };
}
