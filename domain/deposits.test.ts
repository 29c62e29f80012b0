import { describe, expect, it } from 'vitest';
import { acceptDeposit, allDeposited, depositLedger, ledgerSnapshot, readMark, reconcile } from './deposits.ts';

const log = (legIndex: number, txHash = `0x${legIndex}`, logIndex = 0) => ({ legIndex, chainId: 1, txHash, logIndex });

describe('the deposit ledger', () => {
  it('counts each leg once by its signals, whatever the repeats and the hash case', () => {
    const ledger = depositLedger(2);
    acceptDeposit(ledger, log(0, '0xAB'));
    acceptDeposit(ledger, log(0, '0xab'));
    expect([...ledger.deposited]).toEqual([0]);
    expect(ledger.signalled).toEqual([0]);
    expect(allDeposited(ledger)).toBe(false);
    acceptDeposit(ledger, log(1));
    expect(allDeposited(ledger)).toBe(true);
  });

  it('ignores a leg the settlement does not have', () => {
    const ledger = depositLedger(2);
    acceptDeposit(ledger, log(2));
    acceptDeposit(ledger, log(-1));
    expect(ledger.deposited.size).toBe(0);
    expect(ledger.signalled).toEqual([]);
  });

  it('takes the contract at its word: a signalled leg it finds empty is not deposited', () => {
    const ledger = depositLedger(2);
    acceptDeposit(ledger, log(0));
    acceptDeposit(ledger, log(1));
    expect(reconcile(ledger, [0], readMark(ledger))).toBe(false);
    expect([...ledger.deposited]).toEqual([0]);
  });

  it('answers done only when the contract holds every leg', () => {
    const ledger = depositLedger(2);
    expect(reconcile(ledger, [0, 1], readMark(ledger))).toBe(true);
  });

  it('keeps a signal that arrived while the contract was read: it is newer than the read', () => {
    const ledger = depositLedger(2);
    acceptDeposit(ledger, log(0));
    const mark = readMark(ledger);
    acceptDeposit(ledger, log(1)); // during the read
    expect(reconcile(ledger, [0], mark)).toBe(false);
    expect([...ledger.deposited].sort()).toEqual([0, 1]);
  });

  it('counts the same log again once a read found its leg empty: a reorg took it, and it came back', () => {
    const ledger = depositLedger(2);
    acceptDeposit(ledger, log(0));
    reconcile(ledger, [], readMark(ledger));
    expect(ledger.deposited.has(0)).toBe(false);
    acceptDeposit(ledger, log(0));
    expect(ledger.deposited.has(0)).toBe(true);
  });

  it('hands what it knows to a continuation, which goes on from there', () => {
    const ledger = depositLedger(2);
    acceptDeposit(ledger, log(1, '0xcd', 3));
    const resumed = depositLedger(2, ledgerSnapshot(ledger));
    expect([...resumed.deposited]).toEqual([1]);
    acceptDeposit(resumed, log(1, '0xCD', 3));
    expect(resumed.signalled).toEqual([]);
  });
});
