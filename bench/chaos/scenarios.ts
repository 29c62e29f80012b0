// The settlements the chaos run drives, each with the end its scenario must reach whatever
// was killed meanwhile: the terminal state, the exact trail of states, what the escrow
// contract ends in, and which legs were deposited. Their mechanics are the end-to-end tests'
// (happyPath, rollback, complianceDecision, operations, listener), driven through the API.

import type { Hex } from 'viem';
import { guideInstruction } from '../../cli/instruction.ts';
import type { Manifest } from '../../stack/manifest.ts';
import type { SettlementView } from '../../test/support/settlements.ts';

export type Role = 'seller' | 'buyer';

/** What a scenario can do to a settlement, through the API and the chain only. */
export interface ScenarioContext {
  manifest: Manifest;
  create(body: object): Promise<SettlementView>;
  waitForState(id: string, states: string[], timeoutMs?: number): Promise<SettlementView>;
  /** Waits until the workflow recorded the flag and waits for a reviewer. */
  waitUntilFlagged(id: string): Promise<void>;
  /** Sends every call of the role's legs from the API's instructions, read just before. */
  deposit(id: string, role: Role): Promise<Hex[]>;
  /** Deposits as `deposit` does, then takes the deposit out of the chain by a reorg, before anything else from that wallet. */
  depositAndReorg(id: string, role: Role): Promise<void>;
  /** Waits until the API again asks the role for its deposit (the listener saw the reorg). */
  waitUntilPending(id: string, role: Role): Promise<void>;
  decide(id: string, decision: 'approve' | 'reject'): Promise<void>;
  cancel(id: string): Promise<void>;
  /** A pause of random length, so the wallets' deposits interleave differently. */
  dawdle(): Promise<void>;
  /** A seeded coin toss. */
  coin(): boolean;
}

/** ESCROW_STATUS in the contract: None, Registered, Settled, Refunded. */
export type EscrowStatus = 'None' | 'Registered' | 'Settled' | 'Refunded';

export interface Expectation {
  state: string;
  trail: string[];
  escrow: EscrowStatus;
  /** Leg indexes that must end with exactly one deposit counted (0: the seller's asset, 1: the buyer's payment). */
  depositedLegs: number[];
  swapped: boolean;
}

export interface Scenario {
  name: string;
  expected: Expectation;
  run(ctx: ScenarioContext): Promise<string>;
}

const SWAPPED = ['INSTRUCTED', 'COMPLIANCE_CHECKING', 'COMPLIANCE_CLEARED', 'REGISTERING_ESCROW', 'AWAITING_DEPOSITS', 'EXECUTING_SWAP', 'SETTLED', 'FINALIZED'];
const FLAGGED = ['INSTRUCTED', 'COMPLIANCE_CHECKING', 'COMPLIANCE_CHECKING'];
const FUNDING = SWAPPED.slice(0, 5);

/** Long enough that no kill makes a settlement meant to finish miss its deadline. */
const LONG_TIMEOUT_MS = 60 * 60_000;
/** Short enough that a run of minutes sees it pass, long enough to reach AWAITING_DEPOSITS under chaos. */
const SHORT_TIMEOUT_MS = 75_000;

function instruction(manifest: Manifest, timeoutMs: number, template = 'dvp-standard') {
  return { ...guideInstruction(manifest, timeoutMs), template_id: template };
}

/** "The Chess Player" with OFAC entry 4107's date of birth and country: a flag for review, never a hit (complianceDecision.test.ts). */
function flaggedInstruction(manifest: Manifest, timeoutMs: number) {
  const body = instruction(manifest, timeoutMs, 'dvp-review');
  Object.assign(body.parties[0]!, { name: 'The Chess Player', entity_type: 'individual', country: 'CO', date_of_birth: '1939-01-31' });
  return body;
}

async function bothDeposit(ctx: ScenarioContext, id: string): Promise<void> {
  const order: Role[] = ctx.coin() ? ['seller', 'buyer'] : ['buyer', 'seller'];
  await Promise.all(order.map(async (role) => (await ctx.dawdle(), ctx.deposit(id, role))));
}

export const SCENARIOS: Scenario[] = [
  {
    name: 'happy path',
    expected: { state: 'FINALIZED', trail: SWAPPED, escrow: 'Settled', depositedLegs: [0, 1], swapped: true },
    async run(ctx) {
      const { id } = await ctx.create(instruction(ctx.manifest, LONG_TIMEOUT_MS));
      await ctx.waitForState(id, ['AWAITING_DEPOSITS']);
      await bothDeposit(ctx, id);
      return id;
    },
  },
  {
    name: 'timeout, seller deposited',
    expected: { state: 'ROLLED_BACK', trail: [...FUNDING, 'ROLLED_BACK'], escrow: 'Refunded', depositedLegs: [0], swapped: false },
    async run(ctx) {
      const { id } = await ctx.create(instruction(ctx.manifest, SHORT_TIMEOUT_MS));
      await ctx.waitForState(id, ['AWAITING_DEPOSITS']);
      await ctx.deposit(id, 'seller');
      return id;
    },
  },
  {
    name: 'sanctioned party',
    expected: { state: 'ROLLED_BACK', trail: ['INSTRUCTED', 'COMPLIANCE_CHECKING', 'ROLLED_BACK'], escrow: 'None', depositedLegs: [], swapped: false },
    async run(ctx) {
      const body = instruction(ctx.manifest, LONG_TIMEOUT_MS);
      body.parties[0]!.name = 'Banco Nacional de Cuba';
      return (await ctx.create(body)).id;
    },
  },
  {
    name: 'flagged, approved',
    expected: { state: 'FINALIZED', trail: [...FLAGGED, ...SWAPPED.slice(2)], escrow: 'Settled', depositedLegs: [0, 1], swapped: true },
    async run(ctx) {
      const { id } = await ctx.create(flaggedInstruction(ctx.manifest, LONG_TIMEOUT_MS));
      await ctx.waitUntilFlagged(id);
      await ctx.decide(id, 'approve');
      await ctx.waitForState(id, ['AWAITING_DEPOSITS']);
      await bothDeposit(ctx, id);
      return id;
    },
  },
  {
    name: 'flagged, rejected',
    expected: { state: 'ROLLED_BACK', trail: [...FLAGGED, 'ROLLED_BACK'], escrow: 'None', depositedLegs: [], swapped: false },
    async run(ctx) {
      const { id } = await ctx.create(flaggedInstruction(ctx.manifest, LONG_TIMEOUT_MS));
      await ctx.waitUntilFlagged(id);
      await ctx.decide(id, 'reject');
      return id;
    },
  },
  {
    name: 'flagged, left to time out',
    expected: { state: 'TIMED_OUT', trail: [...FLAGGED, 'TIMED_OUT'], escrow: 'None', depositedLegs: [], swapped: false },
    async run(ctx) {
      const { id } = await ctx.create(flaggedInstruction(ctx.manifest, SHORT_TIMEOUT_MS));
      await ctx.waitUntilFlagged(id);
      return id;
    },
  },
  {
    name: 'cancelled, seller deposited',
    expected: { state: 'ROLLED_BACK', trail: [...FUNDING, 'ROLLED_BACK'], escrow: 'Refunded', depositedLegs: [0], swapped: false },
    async run(ctx) {
      const { id } = await ctx.create(instruction(ctx.manifest, LONG_TIMEOUT_MS));
      await ctx.waitForState(id, ['AWAITING_DEPOSITS']);
      await ctx.deposit(id, 'seller');
      await ctx.dawdle();
      await ctx.cancel(id);
      return id;
    },
  },
  {
    name: 'deposit removed by a reorg',
    expected: { state: 'FINALIZED', trail: SWAPPED, escrow: 'Settled', depositedLegs: [0, 1], swapped: true },
    async run(ctx) {
      const { id } = await ctx.create(instruction(ctx.manifest, LONG_TIMEOUT_MS));
      await ctx.waitForState(id, ['AWAITING_DEPOSITS']);
      await ctx.depositAndReorg(id, 'seller');
      // Half the time the buyer pays first, so the workflow reads the contract and finds the
      // seller's leg empty before the seller's deposit comes back (often the same transaction).
      const buyerFirst = ctx.coin();
      if (buyerFirst) await ctx.deposit(id, 'buyer');
      await ctx.waitUntilPending(id, 'seller');
      await ctx.deposit(id, 'seller');
      if (!buyerFirst) await ctx.deposit(id, 'buyer');
      return id;
    },
  },
];
