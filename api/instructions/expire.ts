// Writes down the instructions whose time ran out before they matched, and tells their
// platforms (instruction.expired). Reads already show such a side as expired; this makes it
// so in the database and sends the event, once, whichever API process gets there first.

import type { Db } from '../../db/client.ts';
import { withTenant } from '../../db/tenant.ts';
import { queueInstructionEvent } from '../../webhooks/outbox.ts';
import { repeat } from '../periodic.ts';
import { lockTrade, TRADE_LOCK_WAIT } from './submit.ts';

export async function expireInstructions(db: Db, onError: (err: unknown) => void, now = new Date()): Promise<number> {
  const due = await db.instruction.findMany({ where: { status: 'pending_match', expiresAt: { lte: now } }, orderBy: { expiresAt: 'asc' }, take: 100 });
  let expired = 0;
  for (const row of due) {
    // Under the trade's lock, as a match or a cancel of it would be.
    expired += await withTenant(db, row, async (tx) => {
      await lockTrade(tx, row.tradeReference);
      const { count } = await tx.instruction.updateMany({ where: { id: row.id, status: 'pending_match' }, data: { status: 'expired' } });
      if (count) await queueInstructionEvent(tx, await tx.instruction.findUniqueOrThrow({ where: { id: row.id } }), 'instruction.expired');
      return count;
    }, TRADE_LOCK_WAIT).catch((err: unknown) => {
      onError(err); // one bad row must not stall the rest
      return 0;
    });
  }
  return expired;
}

export function sweepExpired(db: Db, onError: (err: unknown) => void, intervalMs = 2000): () => void {
  return repeat(intervalMs, async () => void (await expireInstructions(db, onError)), onError);
}
