// Keeps a process's sanctions index current (each worker's, and each API process's for dry runs):
// re-reads the lists on a schedule and whenever an operator asks (`lockstep lists refresh` or the
// admin API write a refresh request), and records each load so operators can see which list
// versions every process screens with.
// A failed refresh keeps the index it had: screening never runs on a half-read list.

import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { BUNDLED_LISTS_DIR } from '../config/paths.ts';
import { listSources, ScreeningIndex, type ListSettings } from './lists.ts';
import { walletBlocklist, type Config } from '../config/config.ts';
import type { Logger } from '../config/logger.ts';
import type { Db } from '../db/client.ts';
import type { Prisma } from '../generated/prisma/client.ts';

export interface ListRefreshOptions {
  db: Db;
  index: ScreeningIndex;
  log: Logger;
  /** Scheduled refreshes; 0 turns them off. */
  intervalMs: number;
  /** How often to look for operators' refresh requests. */
  pollMs: number;
  /** What kind of process this is, when not a worker: its loads are recorded as `<kind> <host>:<pid>`. */
  kind?: string;
}

export async function startListRefresh({ db, index, log, intervalMs, pollMs, kind }: ListRefreshOptions): Promise<{ stop(): void }> {
  const worker = `${kind ? `${kind} ` : ''}${hostname()}:${process.pid}`;
  const record = (fields: { trigger: string; requestId?: string; changed: boolean; error?: string }) =>
    db.sanctionsListLoad.create({ data: { worker, versions: JSON.parse(JSON.stringify(index.screener.versions)) as Prisma.InputJsonObject, ...fields } });

  const refresh = async (trigger: string, requestId?: string) => {
    try {
      const { changed } = await index.refresh();
      await record({ trigger, requestId, changed });
      log.info('sanctions lists refreshed', { trigger, changed, versions: index.screener.versions });
    } catch (err) {
      const error = (err as Error).message;
      log.error('sanctions list refresh failed; screening continues with the previous lists', { trigger, error });
      await record({ trigger, requestId, changed: false, error }).catch(() => undefined);
    }
  };

  await record({ trigger: 'start', changed: true });
  // Requests made before this worker started are already reflected in what it just loaded.
  let seen = (await db.sanctionsRefreshRequest.findFirst({ orderBy: { createdAt: 'desc' } }))?.createdAt ?? new Date(0);
  const pollRequests = async () => {
    const latest = await db.sanctionsRefreshRequest.findFirst({ where: { createdAt: { gt: seen } }, orderBy: { createdAt: 'desc' } });
    if (!latest) return;
    seen = latest.createdAt;
    await refresh('request', latest.id);
  };

  const timers = [
    setInterval(() => void pollRequests().catch((err: Error) => log.warn('cannot read refresh requests', { error: err.message })), pollMs),
    ...(intervalMs > 0 ? [setInterval(() => void refresh('schedule'), intervalMs)] : []),
  ];
  return { stop: () => timers.forEach(clearInterval) };
}

/** What of a process's configuration its live index is loaded and kept current by. */
export type LiveIndexConfig = ListSettings & Pick<Config, 'WALLET_BLOCKLIST' | 'SANCTIONS_REFRESH_MINUTES' | 'SANCTIONS_REFRESH_POLL_MS'>;

/**
 * A process's live index: the configured lists (and the operators' wallet blocklist) loaded
 * now, then kept current by startListRefresh on the configured schedule. The worker screens
 * settlements with it, and each API process screens dry runs with its own
 * (docs/architecture.md, "Compliance screening").
 */
export async function loadLiveIndex(
  options: Pick<ListRefreshOptions, 'db' | 'log' | 'kind'>,
  lists: LiveIndexConfig,
): Promise<{ index: ScreeningIndex; refresher: { stop(): void } }> {
  const { log } = options;
  const index = await ScreeningIndex.load(listSources(lists), walletBlocklist(lists));
  for (const version of index.screener.versions) log.info('sanctions list loaded', { ...version });
  if ([lists.SANCTIONS_OFAC_DIR, lists.SANCTIONS_UN_FILE, lists.SANCTIONS_LISTS_DIR].some((l) => l && resolve(l).startsWith(BUNDLED_LISTS_DIR))) {
    log.warn('screening against the snapshot that ships in reference/ (OFAC 2021, UN 2026-02): keep current lists with lockstep lists fetch');
  }
  log.info('screening index built', { spellings: index.screener.spellingCount, wallets: index.screener.walletCount });
  const refresher = await startListRefresh({ ...options, index, intervalMs: lists.SANCTIONS_REFRESH_MINUTES * 60_000, pollMs: lists.SANCTIONS_REFRESH_POLL_MS });
  return { index, refresher };
}
