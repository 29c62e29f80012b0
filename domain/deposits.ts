// What a settlement knows of its deposits while it waits for them: which legs a listener said
// were deposited (signals), reconciled with what the escrow contract says (reads). Signals only
// say when to look again; the contract alone says every leg is in. Pure: the settlement
// workflow holds one ledger and hands it its signals and reads.

/** How often a settlement waiting for deposits reads them from the contract, in case a listener's signal is lost. */
export const DEFAULT_DEPOSIT_POLL_MS = 5 * 60_000;

/** A confirmed escrow `Deposited` log, identified on-chain by (chainId, txHash, logIndex). */
export interface DepositLog {
  legIndex: number;
  chainId: number;
  txHash: string;
  logIndex: number;
}

export interface DepositLedger {
  legCount: number;
  /** Legs believed deposited: by the last contract read, and by signals since. */
  deposited: Set<number>;
  /** Logs already counted, by their on-chain identity. */
  seenLogs: Set<string>;
  /** Legs in signal arrival order, so a read cannot erase a signal that arrived while it ran. */
  signalled: number[];
}

export function depositLedger(legCount: number, resumed?: { deposited: number[]; seenLogs: string[] }): DepositLedger {
  return { legCount, deposited: new Set(resumed?.deposited), seenLogs: new Set(resumed?.seenLogs), signalled: [] };
}

/**
 * A listener's signal. Listeners may deliver the same log twice: it counts once while its leg
 * counts. But a leg a contract read found empty lost its deposit to a reorg, and the same
 * transaction back in the chain (what a reorg usually does with it) is news.
 */
export function acceptDeposit(ledger: DepositLedger, log: DepositLog): void {
  if (log.legIndex < 0 || log.legIndex >= ledger.legCount) return;
  const key = `${log.chainId}:${log.txHash.toLowerCase()}:${log.logIndex}`;
  if (ledger.seenLogs.has(key) && ledger.deposited.has(log.legIndex)) return;
  ledger.seenLogs.add(key);
  ledger.deposited.add(log.legIndex);
  ledger.signalled.push(log.legIndex);
}

export const allDeposited = (ledger: DepositLedger) => ledger.deposited.size === ledger.legCount;

/** Where the signals stood when a contract read began: what `reconcile` keeps as newer than the read. */
export const readMark = (ledger: DepositLedger) => ledger.signalled.length;

/**
 * A contract read that began at `mark` found `onChain` deposited. The contract is the truth for
 * the legs it reports; a signal that arrived during the read is newer than it, and is kept, so
 * the next look comes at once. Answers whether every leg is in, by the contract.
 */
export function reconcile(ledger: DepositLedger, onChain: number[], mark: number): boolean {
  if (onChain.length === ledger.legCount) return true;
  const newer = ledger.signalled.slice(mark);
  ledger.deposited.clear();
  for (const leg of [...onChain, ...newer]) ledger.deposited.add(leg);
  return false;
}

/** What a run hands its continuation. */
export const ledgerSnapshot = (ledger: DepositLedger) => ({ deposited: [...ledger.deposited], seenLogs: [...ledger.seenLogs] });
