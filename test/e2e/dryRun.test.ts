// A settlement's dry run on the real stack: the demo settlement, one that fails each check
// (a sanctioned party, an unknown token, a seller short of its asset, allowances missing, an
// ERC-3643 buyer the registry does not verify, a deposit whose gas estimate reverts, a deadline
// too close for the confirmations), a request validated exactly as a create is, the scope it
// asks, and that it creates nothing: no row, no workflow, no transaction.

import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Address } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ApiRequestError, LockstepApi } from '../../cli/apiClient.ts';
import { sendPreparedCalls, type PreparedCall } from '../../cli/depositor.ts';
import { lockstepEscrowAbi } from '../../contracts/generated/LockstepEscrow.ts';
import { dryRunSchema, instructionDryRunSchema, instructionSchema } from '../../api/responses.ts';
import { ROOT } from '../../config/paths.ts';
import { fixtureClient } from '../support/clients.ts';
import { deployBond } from '../support/erc3643.ts';
import { stackContext, withServices } from '../support/services.ts';
import { chainReader, dvpInstruction, instructionSide } from '../support/settlements.ts';

const { manifest } = stackContext();
const services = withServices();
const { buyer, seller } = manifest.wallets;
const reader = chainReader(manifest);

type Report = ReturnType<typeof dryRunSchema.parse>;
type Body = ReturnType<typeof dvpInstruction>;

const dryRun = async (body: unknown, api = services().api): Promise<Report> => dryRunSchema.parse(await api.request('POST', '/v1/settlements/dry-run', body));
const failed = (r: Report) => r.checks.filter((c) => !c.ok);
const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: ApiRequestError) => e);
const kinds = (r: Report) => [...new Set(r.checks.map((c) => c.check))];

let bond: Awaited<ReturnType<typeof deployBond>>;

/** What a dry run must leave as it was: every row it could write, the workflows, the chain's block and the nonces of those who would send. */
async function snapshot() {
  const { db, temporal } = services();
  const operator = await reader.readContract({ address: manifest.chain.escrow_address, abi: lockstepEscrowAbi, functionName: 'operator' });
  const wallets: Address[] = [operator, buyer.address, seller.address];
  // The activity log is written in batches a few tens of milliseconds after each answer.
  await new Promise((r) => setTimeout(r, 300));
  return {
    settlements: await db.settlement.count(),
    parties: await db.party.count(),
    legs: await db.leg.count(),
    trail: await db.settlementEvent.count(),
    idempotencyKeys: await db.idempotencyKey.count(),
    activity: await db.activityLog.count(),
    instructions: await db.instruction.count(),
    webhookEvents: await db.webhookEvent.count(),
    workflows: (await temporal.workflow.count()).count,
    block: await reader.getBlockNumber(),
    nonces: await Promise.all(wallets.map((address) => reader.getTransactionCount({ address, blockTag: 'pending' }))),
  };
}

/** The CLI from source, signed in as the manifest's client. */
const lockstep = (...args: string[]) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', join(ROOT, 'cli/main.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, LOCKSTEP_API_URL: manifest.api_url, LOCKSTEP_CLIENT_ID: manifest.client.client_id, LOCKSTEP_CLIENT_SECRET: manifest.client.client_secret },
  });

beforeAll(async () => {
  bond = await deployBond(manifest, 1000n);
});

describe('a settlement dry run', () => {
  it('answers every check for the demo settlement: the approvals it needs, then, once they are sent, all clear', async () => {
    const body = dvpInstruction(manifest);
    const first = await dryRun(body);
    expect(kinds(first)).toEqual(['screening', 'token', 'balance', 'allowance', 'erc3643', 'gas', 'timeout']);
    expect(first.screening).toMatchObject({ outcome: 'cleared', next: 'proceed', reason: null, matches: [] });
    expect(first.legs.map((l) => [l.token?.symbol, l.token?.decimals, l.amount])).toEqual([
      ['DEMO', 18, (100n * 10n ** 18n).toString()],
      ['USDC', 6, '50000250000'],
    ]);
    expect(first.legs.map((l) => l.balance?.enough)).toEqual([true, true]);
    expect(first.gas.map((g) => [g.step, g.sender, g.leg])).toEqual([
      ['register', 'operator', null],
      ...first.approvals.filter((a) => a.needed).map((a) => ['approve', 'depositor', a.legs[0]]),
      ['deposit', 'depositor', 0],
      ['deposit', 'depositor', 1],
      ['settle', 'operator', null],
      ['refund', 'operator', null],
    ]);
    for (const g of first.gas) expect(BigInt(g.gas!)).toBeGreaterThan(21_000n);
    expect(first.timeout).toMatchObject({ ok: true, confirmations: manifest.chain.confirmations });

    // The allowances the demo wallets have now decide the approvals; whatever they are, sending
    // the listed approve transactions makes every check pass.
    const needed = first.approvals.filter((a) => a.needed);
    expect(failed(first).map((c) => c.check)).toEqual(needed.map(() => 'allowance'));
    for (const a of needed) {
      const wallet = a.depositor.toLowerCase() === buyer.address.toLowerCase() ? buyer : seller;
      await sendPreparedCalls(manifest.chain.rpc_url, wallet.private_key, [a.transaction as PreparedCall]);
    }
    const second = await dryRun(body);
    expect(failed(second)).toEqual([]);
    expect(second.ok).toBe(true);
    expect(second.approvals.map((a) => a.needed)).toEqual([false, false]);
  });

  it('lists the approvals missing allowances need, one per depositor and token, ready to send', async () => {
    const body = dvpInstruction(manifest);
    body.legs[1]!.quantity = '90000000'; // beyond any allowance a previous test set: 90 million USDC
    const report = await dryRun(body);
    const allowance = report.checks.find((c) => c.check === 'allowance' && c.leg === 1)!;
    expect(allowance).toMatchObject({ ok: false, party: 'buyer', detail: expect.stringMatching(/needs 90000000 USDC: an approve must come before the deposit/) });
    const approval = report.approvals.find((a) => a.legs.includes(1))!;
    expect(approval).toMatchObject({ depositor: buyer.address, quantity: '90000000', amount: '90000000000000', needed: true, transaction: { step: 'approve', from: buyer.address, to: manifest.chain.tokens.USDC!.address } });
    expect(report.ok).toBe(false);
  });

  it('names a sanctioned party, with the reason the trail would give', async () => {
    const body = dvpInstruction(manifest);
    body.parties[1]!.name = 'Gilberto Jose Rodriguez Orejuela';
    const report = await dryRun(body);
    expect(report.screening).toMatchObject({ outcome: 'failed', next: 'roll_back', reason: 'compliance screening failed: a party matched a sanctions list entry', matches: [{ party_role: 'seller', entry_id: '4107', exact: true }] });
    expect(failed(report)).toEqual([
      { check: 'screening', ok: false, party: 'seller', leg: null, detail: expect.stringMatching(/^"seller" matched ofac-sdn entry 4107 .*it would roll back: compliance screening failed/) },
    ]);
    expect(report.checks.find((c) => c.check === 'screening' && c.party === 'buyer')).toMatchObject({ ok: true });
  });

  it('reports an unknown token as a failed check, not a 422, and estimates no gas without it', async () => {
    const body = dvpInstruction(manifest);
    body.legs[1]!.instrument_id = 'NOPE';
    const report = await dryRun(body);
    expect(report.legs[1]).toMatchObject({ token: null, amount: null, balance: null });
    expect(failed(report).map((c) => [c.check, c.leg, c.detail])).toEqual([
      ['token', 1, `no instrument "NOPE" is registered on chain ${manifest.chain.chain_id}`],
      ['gas', null, expect.stringMatching(/not estimated: a leg's token is unknown/)],
    ]);
    // What the create would answer: a 422 on the same leg.
    expect(await failure(services().api.request('POST', '/v1/settlements', body))).toMatchObject({ status: 422, body: { detail: [{ loc: ['body', 'legs', 1, 'instrument_id'], type: 'not_found' }] } });
  });

  it('names a seller short of its asset, and the deposit and swap whose gas estimates would revert, with the reason', async () => {
    const body = dvpInstruction(manifest);
    body.legs[0]!.quantity = '1000000000000'; // 10^12 DEMO, beyond the seller's balance
    const report = await dryRun(body);
    expect(report.legs[0]!.balance).toMatchObject({ needed: '1000000000000', enough: false });
    const byCheck = (check: string, leg: number | null) => failed(report).find((c) => c.check === check && c.leg === leg);
    expect(byCheck('balance', 0)).toMatchObject({ party: 'seller', detail: expect.stringMatching(/holds .* DEMO, less than the 1000000000000 DEMO/) });
    expect(report.gas.find((g) => g.step === 'deposit' && g.leg === 0)).toMatchObject({ gas: null, note: expect.stringMatching(/would revert after the transactions before it: ERC20InsufficientBalance/) });
    expect(report.gas.find((g) => g.step === 'settle')).toMatchObject({ gas: null, note: expect.stringMatching(/NotAllDeposited/) });
    expect(byCheck('gas', 0)).toMatchObject({ party: 'seller', detail: expect.stringMatching(/^deposit by seller: would revert .*ERC20InsufficientBalance/) });
  });

  it('answers for a buyer whose wallet holds nothing, not even the ether its transactions would cost', async () => {
    const body = dvpInstruction(manifest);
    const empty = privateKeyToAccount(generatePrivateKey()).address;
    body.parties[0]!.wallet_address = empty;
    const report = await dryRun(body);
    expect(report.legs[1]!.balance).toMatchObject({ held: '0', held_amount: '0', enough: false });
    expect(report.gas.find((g) => g.step === 'approve' && g.from === empty)!.gas).not.toBeNull();
    expect(report.gas.find((g) => g.step === 'deposit' && g.leg === 1)).toMatchObject({ gas: null, note: expect.stringMatching(/ERC20InsufficientBalance/) });
    // (The seller's allowance is what earlier tests left it.)
    expect(failed(report).filter((c) => c.party !== 'seller').map((c) => [c.check, c.party])).toEqual([
      ['balance', 'buyer'],
      ['allowance', 'buyer'],
      ['gas', 'buyer'],
      ['gas', 'operator'],
    ]);
  });

  it('names the ERC-3643 rule a permissioned leg breaks, the party and the leg', async () => {
    const body: Body = dvpInstruction(manifest);
    Object.assign(body.legs[0]!, { instrument_id: bond.token, quantity: '100', token_standard: 'ERC-3643' });
    const clear = await dryRun(body);
    expect(clear.checks.find((c) => c.check === 'erc3643' && c.leg === 0)).toMatchObject({ ok: true, detail: expect.stringMatching(/allows the deposit and the payout/) });

    await bond.mined(bond.registry.write.deleteIdentity([buyer.address]));
    try {
      const report = await dryRun(body);
      expect(report.checks.filter((c) => c.check === 'erc3643' && !c.ok)).toEqual([
        { check: 'erc3643', ok: false, party: 'buyer', leg: 0, detail: expect.stringMatching(/^leg 0: party "buyer" \(0x[0-9a-fA-F]{40}\) is not verified in token .* \[not_verified\]$/) },
      ]);
      expect(report.legs[0]!.erc3643_refusals).toEqual([{ party: 'buyer', rule: 'not_verified', message: expect.any(String) }]);
      // The token refuses the payout too: the swap's simulation names its reason.
      expect(report.gas.find((g) => g.step === 'settle')).toMatchObject({ gas: null, note: expect.stringMatching(/would revert/) });
    } finally {
      await bond.mined(bond.registry.write.registerIdentity([buyer.address, buyer.address, 56]));
    }
  });

  it('fails a timeout too close for the confirmations, where a create would refuse it', async () => {
    const body = dvpInstruction(manifest, { timeout_at: new Date(Date.now() + 3000).toISOString() });
    const report = await dryRun(body);
    expect(report.timeout).toMatchObject({ ok: false, confirmations: manifest.chain.confirmations });
    expect(report.timeout.seconds_needed).toBeGreaterThan(report.timeout.seconds_left);
    expect(report.checks.find((c) => c.check === 'timeout')).toMatchObject({ ok: false, detail: expect.stringMatching(/too close: the settlement needs at least \d+ s .*confirmation/) });
    expect(await failure(services().api.request('POST', '/v1/settlements', body))).toMatchObject({ status: 422 });
  });

  it('validates the request exactly as a create does, and asks the create\'s scope', async () => {
    const body = dvpInstruction(manifest);
    const broken = { ...body, parties: [body.parties[0], { ...body.parties[1], chain_id: 1 }], legs: [{ ...body.legs[0], quantity: 'ten' }, body.legs[1]] };
    const create = (await failure(services().api.request('POST', '/v1/settlements', broken))) as ApiRequestError;
    const dry = (await failure(services().api.request('POST', '/v1/settlements/dry-run', broken))) as ApiRequestError;
    expect(create.status).toBe(422);
    expect(dry.status).toBe(422);
    expect(dry.body.detail).toEqual(create.body.detail);

    const readerClient = await fixtureClient(services().db, { platform: 'dry-run-platform', environment: 'sandbox', name: 'reader', scopes: ['settlements:read'] });
    const readOnly = new LockstepApi(manifest.api_url);
    await readOnly.authenticate(readerClient.client_id, readerClient.client_secret);
    expect(await failure(readOnly.request('POST', '/v1/settlements/dry-run', body))).toMatchObject({ status: 403 });
    // Its path is no settlement id: GET is not served there.
    expect(await failure(services().api.request('GET', '/v1/settlements/dry-run'))).toMatchObject({ status: 405, body: { code: 'method_not_allowed' } });
  });

  it('creates nothing: no row, no workflow, no transaction, and answers the same request again', async () => {
    const body = dvpInstruction(manifest, { idempotency_key: `dry-${randomUUID()}` });
    const token = await new LockstepApi(manifest.api_url).authenticate(manifest.client.client_id, manifest.client.client_secret, manifest.client.audience);
    const before = await snapshot();

    const send = () =>
      fetch(new URL('/v1/settlements/dry-run', manifest.api_url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'Idempotency-Key': `key-${randomUUID()}` },
        body: JSON.stringify(body),
      });
    const answers = [await send(), await send()];
    expect(answers.map((a) => [a.status, a.headers.get('idempotent-replayed')])).toEqual([
      [200, null],
      [200, null],
    ]);
    const [one, two] = await Promise.all(answers.map(async (a) => dryRunSchema.parse(await a.json())));
    const stable = (r: Report) => ({ ...r, checked_at: undefined, block_number: undefined, timeout: { ...r.timeout, seconds_left: undefined } });
    expect(stable(two!).checks.map((c) => [c.check, c.ok])).toEqual(stable(one!).checks.map((c) => [c.check, c.ok]));
    await dryRun({ ...body, parties: [body.parties[0], { ...body.parties[1], name: 'Gilberto Jose Rodriguez Orejuela' }] });

    expect(await snapshot()).toEqual(before);
  });

  it('prints the same report from `lockstep settlements dry-run FILE`, and exits 1 when a check fails', async () => {
    const cli = (file: string) => lockstep('settlements', 'dry-run', file);
    const { idempotency_key: _, ...body } = dvpInstruction(manifest);
    const file = join(stackContext().dataDir, `dry-run-${randomUUID()}.json`);
    writeFileSync(file, JSON.stringify(body));
    // The first test sent the demo's approvals: this one passes every check.
    const printed = dryRunSchema.parse(JSON.parse((await cli(file)).stdout));
    expect(printed.ok).toBe(true);
    expect(printed.checks.map((c) => [c.check, c.party, c.leg, c.ok])).toEqual((await dryRun({ ...body, idempotency_key: 'any' })).checks.map((c) => [c.check, c.party, c.leg, c.ok]));

    writeFileSync(file, JSON.stringify({ ...body, legs: [body.legs[0], { ...body.legs[1], instrument_id: 'NOPE' }] }));
    const refused = await cli(file).then(() => undefined, (err: { code: number; stdout: string }) => err);
    expect(refused?.code).toBe(1);
    expect(dryRunSchema.parse(JSON.parse(refused!.stdout)).checks.find((c) => c.check === 'token' && !c.ok)).toMatchObject({ leg: 1 });
  });
});

describe('an instruction dry run', () => {
  type Answer = ReturnType<typeof instructionDryRunSchema.parse>;
  const side = (role: 'seller' | 'buyer', overrides: Record<string, unknown> = {}) => instructionSide(manifest, role, overrides);
  const dryRunSide = async (body: unknown): Promise<Answer> => instructionDryRunSchema.parse(await services().api.request('POST', '/v1/instructions/dry-run', body));
  const submit = async (body: unknown) => instructionSchema.parse(await services().api.request('POST', '/v1/instructions', body));

  it('answers a first side, a matching second side with its settlement\'s dry run, and a mismatching one, creating nothing', async () => {
    const first = await submit(side('seller'));
    const before = await snapshot();

    // A first side: no match to ask about, only what the side alone allows, its own party and the leg it deposits.
    const alone = await dryRunSide(side('seller'));
    expect(alone).toMatchObject({ object: 'instruction_dry_run', would: 'stay_pending', instruction_id: null, mismatches: [], settlement: null });
    expect(alone.checks.map((c) => [c.check, c.party, c.leg, c.ok])).toEqual([
      ['screening', 'seller', null, true],
      ['token', 'seller', 0, true],
      ['token', null, 1, true],
      ['balance', 'seller', 0, true],
      ['allowance', 'seller', 0, true],
    ]);
    expect(alone.checks.find((c) => c.check === 'token' && c.leg === 1)?.detail).toMatch(/USDC at 0x[0-9a-fA-F]{40}, 6 decimals: 50000\.25 is 50000250000 base units/);
    // The sanctioned seller is named by its own side's screening.
    const sanctioned = await dryRunSide(side('seller', { party: { ...side('seller').party, name: 'Gilberto Jose Rodriguez Orejuela' } }));
    expect(sanctioned.checks.find((c) => c.check === 'screening')).toMatchObject({ party: 'seller', ok: false });

    const matching = await dryRunSide(side('buyer', { trade_reference: first.trade_reference }));
    expect(matching).toMatchObject({ would: 'match', mismatches: [], checks: [] });
    const settlement = matching.settlement!;
    expect(kinds(settlement)).toEqual(['screening', 'token', 'balance', 'allowance', 'erc3643', 'gas', 'timeout']);
    expect(settlement.checks.filter((c) => c.check === 'screening').map((c) => c.party)).toEqual(['seller', 'buyer']);
    expect(settlement.legs.map((l) => [l.from_role, l.to_role, l.token?.symbol, l.amount])).toEqual([
      ['seller', 'buyer', 'DEMO', (100n * 10n ** 18n).toString()],
      ['buyer', 'seller', 'USDC', '50000250000'],
    ]);
    // The earlier of the two deadlines, as the match would make it.
    expect(settlement.timeout_at).toBe(new Date(first.timeout_at).toISOString());

    const short = side('buyer', { trade_reference: first.trade_reference });
    const mismatching = await dryRunSide({ ...short, legs: [{ ...short.legs[0], quantity: '99' }, short.legs[1]] });
    expect(mismatching).toMatchObject({ would: 'stay_pending', settlement: null });
    expect(mismatching.mismatches.map((m) => m.field)).toEqual(['legs[0].quantity']);

    expect(await snapshot()).toEqual(before);
  });

  it('answers a repeat with the side a submit would answer with, validates as a submit does, and asks its scope', async () => {
    const body = side('seller');
    const submitted = await submit(body);
    expect(await dryRunSide(body)).toMatchObject({ would: 'repeat', instruction_id: submitted.id });
    expect(await failure(dryRunSide({ ...body, role: 'buyer' }))).toMatchObject({ status: 409, body: { code: 'idempotency_key_reused' } });

    const broken = side('buyer', { legs: [{ ...side('buyer').legs[0], quantity: 'ten' }, side('buyer').legs[1]] });
    const refused = (await failure(submit(broken))) as ApiRequestError;
    const dry = (await failure(dryRunSide(broken))) as ApiRequestError;
    expect([refused.status, dry.status]).toEqual([422, 422]);
    expect(dry.body.detail).toEqual(refused.body.detail);

    const readerClient = await fixtureClient(services().db, { platform: 'dry-run-platform', environment: 'sandbox', name: 'instruction-reader', scopes: ['instructions:read'] });
    const readOnly = new LockstepApi(manifest.api_url);
    await readOnly.authenticate(readerClient.client_id, readerClient.client_secret);
    expect(await failure(readOnly.request('POST', '/v1/instructions/dry-run', body))).toMatchObject({ status: 403 });
    expect(await failure(services().api.request('GET', '/v1/instructions/dry-run'))).toMatchObject({ status: 405 });
  });

  it('prints the same answer from `lockstep instructions dry-run FILE [--trade-reference REF]`', async () => {
    const { idempotency_key: _, ...seller } = side('seller');
    const file = join(stackContext().dataDir, `instruction-dry-run-${randomUUID()}.json`);
    writeFileSync(file, JSON.stringify(seller));
    const alone = instructionDryRunSchema.parse(JSON.parse((await lockstep('instructions', 'dry-run', file)).stdout));
    expect(alone).toMatchObject({ would: 'stay_pending', settlement: null });
    expect(alone.checks.map((c) => c.check)).toEqual(['screening', 'token', 'token', 'balance', 'allowance']);

    const first = await submit(side('seller'));
    const { idempotency_key: __, ...buyer } = side('buyer');
    writeFileSync(file, JSON.stringify(buyer));
    const matching = instructionDryRunSchema.parse(JSON.parse((await lockstep('instructions', 'dry-run', file, '--trade-reference', first.trade_reference)).stdout));
    expect(matching).toMatchObject({ would: 'match', checks: [] });
    expect(matching.settlement?.legs.map((l) => l.from_role)).toEqual(['seller', 'buyer']);
  });

  // Last: the match makes a settlement whose workflow runs on.
  it('refuses a third side for a matched trade as a submit does', async () => {
    const first = await submit(side('seller'));
    expect(await submit(side('buyer', { trade_reference: first.trade_reference }))).toMatchObject({ status: 'matched' });
    expect(await failure(dryRunSide(side('buyer', { trade_reference: first.trade_reference })))).toMatchObject({ status: 409, body: { code: 'trade_already_matched' } });
  });
});
