// POST /v1/settlements: validate against the template, the chain and the token's
// decimals, then persist; the workflow starts from the committed row (start.ts).
// Idempotent by (platform, environment, idempotency_key) with a hash of the request body.

import { createHash, randomUUID } from 'node:crypto';
import { ChainUnavailableError, resolveInstrument, UnknownInstrumentError, type ResolvedInstrument } from '../../chain/instruments.ts';
import type { Chain } from '../../chain/client.ts';
import { permissionedLegs, permissionRefusals, type PermissionedLeg } from '../../chain/erc3643.ts';
import { escrowIdFor } from '../../chain/escrowId.ts';
import { canonicalJson } from '../../domain/canonicalJson.ts';
import { InvalidQuantityError, fromBaseUnits, toBaseUnits } from '../../domain/money.ts';
import { checkInstruction, InstructionError, transferOf, type PartyInstruction } from '../../domain/settlement.ts';
import type { Db, Models } from '../../db/client.ts';
import { createSettlementRows, settlementOfKey, type NewSettlement } from '../../db/settlementWrites.ts';
import { findLatestTemplate, type StoredTemplate } from '../../db/templates.ts';
import type { Tenant } from '../../db/tenant.ts';
import type { AuthContext } from '../auth/tokens.ts';
import { ApiError, conflict, validationFailed, type FieldError } from '../errors.ts';
import type { CreateSettlementRequest } from '../schemas.ts';
import type { StartRequests } from './start.ts';

export interface CreateDeps {
  db: Db;
  chain: Chain;
  /** Told of each settlement created, whose workflow it then starts. */
  starts: StartRequests;
  /** Shortest and longest acceptable time between now and timeout_at. */
  minLeadMs: number;
  maxLeadMs: number;
}

export const invalid = (loc: (string | number)[], msg: string, type = 'value_error'): never => {
  throw validationFailed([{ loc: ['body', ...loc], msg, type } satisfies FieldError]);
};

/** `db`: the caller's tenant view, which the settlement is written through. */
export async function createSettlement(
  deps: CreateDeps,
  db: Models,
  caller: AuthContext,
  body: CreateSettlementRequest,
): Promise<{ created: boolean; id: string }> {
  const requestHash = requestHashOf(body);
  const replay = async () => {
    const existing = sameRequest(await settlementOfKey(deps.db, caller, body.idempotency_key), body.idempotency_key, requestHash);
    return existing ? { created: false, id: existing.id } : undefined;
  };

  const earlier = await replay();
  if (earlier) return earlier;

  const settlement = await prepareSettlement(deps, db, caller, body, requestHash);
  if (!(await createSettlementRows(deps.db, caller, settlement))) {
    // A concurrent request with the same key made it first: answer as its replay.
    const winner = await replay();
    if (winner) return winner;
    throw new Error(`idempotency_key "${body.idempotency_key}" is taken, but by no settlement this tenant sees`);
  }
  // The row is its workflow's start request too: the starter takes it from here.
  deps.starts.wake();
  return { created: true, id: settlement.id };
}

/** What makes two create requests the same request, for their idempotency keys. */
export function requestHashOf(body: { timeout_at?: string | undefined }): string {
  // The same instant written differently (Z or +00:00) is the same request, and so is one
  // that sends unset fields as null (the schema made them undefined, which JSON leaves out).
  const canonical = JSON.parse(JSON.stringify({ ...body, timeout_at: body.timeout_at && new Date(body.timeout_at).toISOString() })) as unknown;
  return createHash('sha256').update(canonicalJson(canonical)).digest('hex');
}

/**
 * Checks a settlement request against its template, the chain and each token's decimals,
 * and answers the row to insert (with its parties and legs); 422 for what the caller got wrong.
 * `db`: the caller's tenant view, for the template, the instruments and the environment.
 * `resolved`: each leg's token and amount when they are known already (a matched pair's, whose
 * sides were resolved when submitted), so no chain is read while the trade's lock is held.
 * `caller`: the platform environment the settlement is of, and the client that makes it.
 */
export async function prepareSettlement(
  deps: CreateDeps,
  db: Models,
  caller: Pick<AuthContext, 'platformId' | 'environment' | 'clientId'>,
  body: CreateSettlementRequest,
  requestHash: string,
  resolved?: readonly { instrument: ResolvedInstrument; amount: bigint }[],
): Promise<NewSettlement> {
  const { template, parties, timeoutAt } = await checkRequest(deps, db, caller, body);
  checkLead(deps, timeoutAt);
  const amounts = resolved ?? (await resolveAmounts(deps, db, body.legs));
  const legs = body.legs.map((leg, index) => legRowOf(leg, index, parties, amounts[index]!));

  // A matched pair's legs (`resolved`) are checked by the workflow before registration instead:
  // no chain is read while the trade's lock is held.
  if (!resolved) await checkPermissions(deps, permissionedLegs(parties.map((p) => ({ role: p.role, walletAddress: p.wallet_address })), legs));

  const id = randomUUID();
  return {
    id,
    platformId: caller.platformId,
    environment: caller.environment,
    idempotencyKey: body.idempotency_key,
    requestHash,
    templateId: template.id,
    templateVersion: template.version,
    state: template.config.initial_state,
    settlementType: 'single_platform',
    counterpartyPlatformId: null,
    counterpartyEnvironment: null,
    timeoutAt,
    externalReference: body.external_reference ?? null,
    createdBy: caller.clientId,
    chainId: deps.chain.chainId,
    escrowAddress: deps.chain.escrowAddress.toLowerCase(),
    escrowId: escrowIdFor(id),
    parties: parties.map((p) => partyRowOf(p, caller.platformId)),
    legs,
  };
}

/**
 * What a create checks of the request before it reads any token: the template, the parties, the
 * legs' chains and roles, and the timeout (the environment's default when none is given); 422 for
 * what the caller got wrong. A dry run checks the same (api/settlements/dryRun.ts).
 */
export async function checkRequest(deps: { chain: Chain }, db: Models, caller: Tenant, body: CreateSettlementRequest) {
  const template = await templateOf(db, caller, body);
  const parties = body.parties.map((p, i) => {
    checkParty(deps, template, p, ['parties', i]);
    return { ...p, name: p.name ?? '', chain_id: deps.chain.chainId };
  });
  checkLegChains(deps, body.legs);
  try {
    checkInstruction(parties, body.legs, template.config);
  } catch (err) {
    if (err instanceof InstructionError) return invalid(err.loc, err.message);
    throw err;
  }
  const timeoutAt = body.timeout_at ? new Date(body.timeout_at) : await defaultTimeoutAt(db, caller);
  return { template, parties, timeoutAt };
}

/** A party as stored, from the request's party (checked by checkRequest); the platform that speaks for it. */
export function partyRowOf(p: Awaited<ReturnType<typeof checkRequest>>['parties'][number], platformId: string) {
  return {
    role: p.role,
    platformId,
    externalReference: p.external_reference,
    name: p.name,
    walletAddress: p.wallet_address.toLowerCase(),
    chainId: p.chain_id,
    entityType: p.entity_type ?? null,
    country: p.country ?? null,
    dateOfBirth: p.date_of_birth ?? null,
  };
}

/** A leg as stored, from the request's leg and its resolved token and amount. */
export function legRowOf(
  leg: CreateSettlementRequest['legs'][number],
  index: number,
  parties: PartyInstruction[],
  { instrument, amount }: { instrument: ResolvedInstrument; amount: bigint },
) {
  const transfer = transferOf(leg, parties);
  return {
    index,
    legType: leg.leg_type,
    instrumentId: leg.instrument_id,
    tokenAddress: instrument.address.toLowerCase(),
    decimals: instrument.decimals,
    tokenStandard: leg.token_standard ?? 'erc20',
    quantity: fromBaseUnits(amount, instrument.decimals),
    amount: amount.toString(),
    direction: leg.direction,
    partyRole: leg.party_role,
    fromRole: transfer.fromRole,
    toRole: transfer.toRole,
    externalReference: leg.external_reference ?? null,
  };
}

/** The row already made under an idempotency key, when the request is the same; 409 when it is another. */
export function sameRequest<T extends { requestHash: string }>(existing: T | null, key: string, requestHash: string): T | null {
  if (existing && existing.requestHash !== requestHash) {
    throw conflict('idempotency_key_reused', `idempotency_key "${key}" was already used with a different request body`);
  }
  return existing;
}

/** A party without a name cannot be screened by name (only a template that screens nobody takes one), and it must be on this chain. */
export function checkParty(deps: { chain: Chain }, template: StoredTemplate, party: { name?: string | undefined; chain_id?: number | undefined }, loc: (string | number)[]): void {
  const screens = Object.values(template.config.actions).some((a) => a.type === 'compliance_check');
  if (party.name === undefined && screens) invalid([...loc, 'name'], `is required: template "${template.slug}" screens every party by name`, 'missing');
  if (party.chain_id !== undefined && party.chain_id !== deps.chain.chainId) {
    invalid([...loc, 'chain_id'], `chain ${party.chain_id} is not served here; this engine settles on chain ${deps.chain.chainId}`);
  }
}

export function checkLegChains(deps: { chain: Chain }, legs: readonly { chain_id?: number | undefined }[]): void {
  legs.forEach((l, i) => {
    if (l.chain_id !== undefined && l.chain_id !== deps.chain.chainId) {
      invalid(['legs', i, 'chain_id'], `chain ${l.chain_id} is not served here; this engine settles on chain ${deps.chain.chainId}`);
    }
  });
}

/** timeout_at must leave the engine time to screen and register, and not lie too far ahead; 422 otherwise. */
export function checkLead(deps: Pick<CreateDeps, 'minLeadMs' | 'maxLeadMs'>, timeoutAt: Date): void {
  if (timeoutAt.getTime() < Date.now() + deps.minLeadMs) {
    invalid(['timeout_at'], `must be at least ${deps.minLeadMs / 1000} seconds in the future`);
  }
  checkHorizon(deps, timeoutAt);
}

/** timeout_at must not lie too far ahead; 422 otherwise. (Too close is a dry run's finding, too far is a mistake.) */
export function checkHorizon(deps: Pick<CreateDeps, 'maxLeadMs'>, timeoutAt: Date): void {
  if (timeoutAt.getTime() > Date.now() + deps.maxLeadMs) {
    invalid(['timeout_at'], `must be at most ${deps.maxLeadMs / 86_400_000} days in the future`);
  }
}

export type LegResolution = { ok: true; instrument: ResolvedInstrument; amount: bigint } | { ok: false; field: FieldError };

/**
 * Each leg's token and its quantity in the token's base units, or what is wrong with it (an
 * unknown token, a quantity finer than its decimals), leg by leg; an RPC outage is a 503.
 */
export async function resolveLegs(deps: { chain: Chain }, db: Models, legs: readonly { instrument_id: string; quantity: string }[]): Promise<LegResolution[]> {
  const resolveLeg = async (leg: { instrument_id: string; quantity: string }, index: number): Promise<LegResolution> => {
    let instrument: ResolvedInstrument;
    try {
      instrument = await resolveInstrument(db, deps.chain, leg.instrument_id);
    } catch (err) {
      if (err instanceof ChainUnavailableError) throw new ApiError(503, 'chain_unavailable', 'Chain unavailable', `${err.message}; try again`);
      if (err instanceof UnknownInstrumentError) return { ok: false, field: legField(index, 'instrument_id', err.message, 'not_found') };
      throw err;
    }
    try {
      return { ok: true, instrument, amount: toBaseUnits(leg.quantity, instrument.decimals) };
    } catch (err) {
      if (err instanceof InvalidQuantityError) return { ok: false, field: legField(index, 'quantity', err.message, 'value_error') };
      throw err;
    }
  };
  return Promise.all(legs.map(resolveLeg));
}

const legField = (index: number, field: string, msg: string, type: string): FieldError => ({ loc: ['body', 'legs', index, field], msg, type });

/** Each leg's token and its quantity in the token's base units; every bad leg at once (422), an RPC outage 503. */
export async function resolveAmounts(deps: { chain: Chain }, db: Models, legs: readonly { instrument_id: string; quantity: string }[]) {
  const resolved = await resolveLegs(deps, db, legs);
  const failures = resolved.flatMap((r) => (r.ok ? [] : [r.field]));
  if (failures.length) throw validationFailed(failures);
  return resolved.map((r) => r as Extract<LegResolution, { ok: true }>);
}

/** The chain's answer, or a 503 saying what it did not answer. */
export const chainRead = <T>(chain: Chain, what: string, read: Promise<T>) =>
  read.catch((err: unknown) => {
    throw new ApiError(503, 'chain_unavailable', 'Chain unavailable', `chain ${chain.chainId} did not answer ${what}: ${(err as Error).message.split('\n')[0]}; try again`);
  });

/**
 * What the chain will allow each ERC-3643 leg, now: every rule a leg breaks is a 422 naming the
 * leg (its loc), the party and the rule (its type, "erc3643_<rule>"); an RPC outage is a 503.
 */
async function checkPermissions(deps: { chain: Chain }, legs: PermissionedLeg[]): Promise<void> {
  const refusals = await chainRead(deps.chain, 'the ERC-3643 checks', permissionRefusals(deps.chain, legs));
  if (refusals.length) {
    throw validationFailed(refusals.map((r) => ({ loc: ['body', 'legs', r.leg, 'token_standard'], msg: `${r.message} (party "${r.party}", rule ${r.rule})`, type: `erc3643_${r.rule}` })));
  }
}

/** The template named by template_id (an id or a slug) and/or template_slug; two names must agree. */
async function templateOf(db: Models, caller: Tenant, body: CreateSettlementRequest): Promise<StoredTemplate> {
  const named = [
    ['template_id', body.template_id],
    ['template_slug', body.template_slug],
  ].filter((n): n is [string, string] => n[1] !== undefined);
  if (!named.length) return invalid(['template_id'], 'give template_id (an id or a slug) or template_slug', 'missing');
  const found = await Promise.all(named.map(async ([field, name]) => ({ field, name, template: await findLatestTemplate(db, caller, name) })));
  for (const f of found) if (!f.template) invalid([f.field], `no template "${f.name}" exists`, 'not_found');
  const [first, second] = found as { field: string; name: string; template: StoredTemplate }[];
  if (second && second.template.id !== first!.template.id) {
    invalid(['template_slug'], `template_id "${first!.name}" and template_slug "${second.name}" name different templates`);
  }
  return first!.template;
}

/** The environment's default_timeout_seconds from now, for a request that names no timeout_at. */
async function defaultTimeoutAt(db: Models, caller: Tenant): Promise<Date> {
  const environment = await db.environment.findUnique({ where: { platformId_name: { platformId: caller.platformId, name: caller.environment } } });
  return new Date(Date.now() + (environment?.defaultTimeoutSeconds ?? 3600) * 1000);
}
