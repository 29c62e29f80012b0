// What the operator's tools show of the activity log and the workers' list loads: the same
// shapes over HTTP (the admin and operator routes) and at the command line.

import type { ActivityLog, SanctionsListLoad } from '../generated/prisma/client.ts';

export const presentActivity = (a: ActivityLog) => ({
  at: a.createdAt.toISOString(),
  client_id: a.clientId,
  session_id: a.sessionId,
  session_metadata: a.sessionMetadata,
  user_id: a.userId,
  method: a.method,
  path: a.path,
  status: a.status,
  code: a.code,
  ip: a.ip,
  by_operator: a.byOperator,
});

/** One worker's load of the sanctions lists: the versions it screens with, or its last error. */
export const presentListLoad = (l: SanctionsListLoad) => ({
  worker: l.worker,
  trigger: l.trigger,
  request_id: l.requestId,
  changed: l.changed,
  versions: l.versions,
  error: l.error,
  loaded_at: l.createdAt.toISOString(),
});
