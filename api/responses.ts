// The shapes the API answers with, for the OpenAPI document. End-to-end tests parse real
// responses with them, so the document cannot drift from what the presenters return.

import { z } from 'zod';
import { INSTRUCTION_STATUSES } from '../domain/matching.ts';
import { DRY_RUN_CHECKS } from '../domain/dryRun.ts';
import { DIRECTIONS, TOKEN_STANDARDS } from '../domain/settlement.ts';

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);
const hash = z.string().regex(/^0x[0-9a-fA-F]{64}$/);
const timestamp = z.string().datetime({ offset: true });

export const preparedCallSchema = z.object({
  step: z.enum(['approve', 'deposit']),
  chain_id: z.number().int(),
  from: address,
  to: address,
  data: z.string().regex(/^0x[0-9a-fA-F]*$/),
  value: z.literal('0'),
});

export const settlementSchema = z.object({
  id: z.uuid(),
  platform_id: z.uuid(),
  environment_id: z.uuid().describe("the platform environment's id, as in /v1/platforms/me/environments"),
  state: z.string(),
  settlement_type: z.literal('single_platform'),
  idempotency_key: z.string(),
  external_reference: z.string().nullable(),
  template_id: z.uuid(),
  template_version: z.number().int(),
  timeout_at: timestamp,
  failure_reason: z.string().nullable(),
  parties: z.array(
    z.object({
      id: z.uuid(),
      role: z.string(),
      platform_id: z.uuid(),
      environment_id: z.uuid(),
      external_reference: z.string(),
      name: z.string().nullable(),
      wallet_address: address,
      wallet_address_hint: z.null(),
      chain_id: z.number().int(),
      status: z.literal('confirmed').describe('both parties are given at creation on a single platform'),
      confirmed_at: timestamp,
      counterparty_reference: z.string().nullable().describe("the other party's external_reference"),
      created_at: timestamp,
      updated_at: timestamp,
      entity_type: z.enum(['individual', 'organization']).optional(),
      country: z.string().optional(),
      date_of_birth: z.string().optional(),
    }),
  ),
  legs: z.array(
    z.object({
      id: z.uuid(),
      settlement_id: z.uuid(),
      leg_type: z.string(),
      instrument_id: z.string(),
      quantity: z.string().describe('canonical decimal'),
      direction: z.string(),
      party_role: z.string(),
      chain_id: z.number().int(),
      token_standard: z.enum(TOKEN_STANDARDS),
      status: z.enum(['pending', 'deposited', 'settled', 'refunded', 'cancelled']),
      external_reference: z.string().nullable(),
      created_at: timestamp,
      updated_at: timestamp,
      token_address: address,
      decimals: z.number().int(),
      amount: z.string().describe('integer base units'),
      from_role: z.string(),
      to_role: z.string(),
      deposit: z.object({
        status: z.enum(['pending', 'deposited']),
        tx_hash: hash.nullable(),
        deposited_at: timestamp.nullable(),
        instructions: z.array(preparedCallSchema).nullable().describe('transactions to sign and send as they are, while deposits are awaited'),
      }),
    }),
  ),
  escrow: z.object({ chain_id: z.number().int(), contract_address: address, escrow_id: hash }),
  workflow: z.object({ id: z.string(), ui_url: z.string() }),
  created_at: timestamp,
  updated_at: timestamp,
});

export const relatedSettlementsSchema = z.object({ opening: settlementSchema.nullable(), closing: settlementSchema.nullable() });

export const eventSchema = z.object({
  id: z.uuid(),
  settlement_id: z.uuid(),
  sequence: z.number().int(),
  from_state: z.string().nullable(),
  to_state: z.string(),
  triggered_by: z.string(),
  payload: z.record(z.string(), z.unknown()),
  content_hash: z.string(),
  created_at: timestamp,
});

export const trailVerdictSchema = z.object({
  settlement_id: z.uuid(),
  valid: z.boolean(),
  events: z.number().int(),
  first_broken: z.object({ sequence: z.number().int(), reason: z.string() }).nullable(),
});

export const templateSchema = z.object({
  id: z.uuid(),
  slug: z.string(),
  version: z.number().int(),
  name: z.string(),
  description: z.string().nullable(),
  is_active: z.literal(true),
  built_in: z.boolean(),
  config: z.record(z.string(), z.unknown()).describe('the stored config; each action also says its provider, resolution, timeout_seconds and params, and `compliance` its providers'),
  created_at: timestamp,
  updated_at: timestamp,
});

export const suppressionResponseSchema = z.object({
  id: z.uuid(),
  settlement_id: z.uuid().nullable(),
  party_role: z.string().nullable(),
  list: z.string(),
  entry_id: z.string(),
  entry_name: z.string(),
  status: z.enum(['active', 'revoked']),
  reason: z.string(),
  created_by: z.string(),
  created_at: timestamp,
  history: z
    .array(z.object({ action: z.enum(['created', 'revoked', 'reactivated']), actor: z.string(), reason: z.string(), at: timestamp }))
    .describe('who created, revoked and reactivated it, oldest first'),
});

export const thresholdsResponseSchema = z.object({
  review_threshold: z.number(),
  fail_threshold: z.number(),
  source: z.enum(['platform', 'default']).describe('platform: set for this environment; default: the deployment\'s'),
  updated_by: z.string().nullable(),
  updated_at: timestamp.nullable(),
});

const screeningMatchSchema = z.object({
  party_role: z.string(),
  layer: z.enum(['name', 'wallet']),
  quality: z.enum(['strong', 'weak']),
  exact: z.boolean(),
  list: z.string(),
  entry_id: z.string(),
  entry_name: z.string(),
  matched: z.string().describe('the listed spelling or address that matched'),
  score: z.number(),
  reason: z.string(),
});

export const screeningResponseSchema = z.object({
  outcome: z.enum(['cleared', 'flagged', 'failed']),
  algorithm: z.string(),
  thresholds: z.object({ review: z.number(), fail: z.number() }),
  list_versions: z.array(
    z.object({ list: z.string(), content_hash: z.string(), entry_count: z.number().int(), published_at: z.string().nullable(), loaded_at: timestamp }),
  ),
  matches: z.array(screeningMatchSchema),
});

export const complianceReviewSchema = z.object({
  settlement: settlementSchema,
  flagged_at: timestamp.describe('when the screening flagged it and the workflow began to wait for a decision'),
  screening: screeningResponseSchema.describe('the flagged screening, as the trail holds it: each match with its score and reason'),
});

const baseUnits = z.string().regex(/^\d+$/).describe('an amount in the token\'s base units (a uint256, as a decimal string)');
const decimal = z.string().describe('a quantity in the token\'s units, as a decimal string');

const dryRunCheckSchema = z.object({
  check: z.enum(DRY_RUN_CHECKS),
  ok: z.boolean(),
  party: z.string().nullable().describe('the role it is about ("operator" for the engine\'s own transactions, "escrow" for the escrow contract)'),
  leg: z.number().int().nullable(),
  detail: z.string(),
});

export const dryRunSchema = z.object({
  object: z.literal('settlement_dry_run'),
  ok: z.boolean().describe('every check passed: a create now would go through to the swap, as far as the chain and the lists can tell'),
  checked_at: timestamp,
  chain_id: z.number().int(),
  escrow_address: address,
  block_number: z.string().describe('the latest block when the chain was read'),
  template: z.object({ id: z.uuid(), slug: z.string(), version: z.number().int() }),
  timeout_at: timestamp.describe('the request\'s, or the environment\'s default from now'),
  checks: z
    .array(dryRunCheckSchema)
    .describe('every check, per party and leg, in this order: screening, token, balance, allowance, erc3643, gas, timeout'),
  screening: screeningResponseSchema
    .extend({
      next: z.enum(['proceed', 'await_decision', 'roll_back']).describe('what the settlement would do after its screening, under its template\'s on_flag'),
      reason: z.string().nullable().describe('the rollback\'s reason, as failure_reason and the trail would give it'),
    })
    .nullable()
    .describe('null when the template screens nobody'),
  legs: z.array(
    z.object({
      index: z.number().int(),
      instrument_id: z.string(),
      token_standard: z.enum(TOKEN_STANDARDS),
      from_role: z.string(),
      to_role: z.string(),
      depositor: address,
      recipient: address,
      token: z.object({ address, symbol: z.string().nullable(), decimals: z.number().int() }).nullable().describe('null: the instrument is unknown'),
      amount: baseUnits.nullable(),
      balance: z.object({ held: decimal, held_amount: baseUnits, needed: decimal, enough: z.boolean() }).nullable().describe("the depositor's balance now"),
      erc3643_refusals: z.array(z.object({ party: z.string(), rule: z.string(), message: z.string() })),
    }),
  ),
  approvals: z
    .array(
      z.object({
        depositor: address,
        token: address,
        legs: z.array(z.number().int()),
        quantity: decimal,
        amount: baseUnits,
        allowance: baseUnits.describe("the escrow's allowance now"),
        needed: z.boolean(),
        transaction: preparedCallSchema.nullable().describe('the approve to sign and send before depositing, when needed'),
      }),
    )
    .describe('one per depositor and token: approve sets the allowance, so it covers all of that token\'s legs at once'),
  gas: z
    .array(
      z.object({
        step: z.enum(['register', 'approve', 'deposit', 'settle', 'refund']),
        sender: z.enum(['operator', 'depositor']),
        from: address,
        leg: z.number().int().nullable(),
        gas: z.string().regex(/^\d+$/).nullable().describe('null: it would revert (note says why) or could not be simulated'),
        method: z.enum(['eth_estimateGas', 'eth_simulateV1']).nullable(),
        note: z.string().nullable(),
      }),
    )
    .describe('every transaction the settlement will send, in order; settle and refund are its two endings'),
  timeout: z.object({
    ok: z.boolean(),
    seconds_left: z.number().int(),
    seconds_needed: z.number().int(),
    blocks_needed: z.number().int(),
    confirmations: z.number().int(),
    block_seconds: z.number().describe('measured over the chain\'s last blocks, at least 1'),
  }),
});

export const listLoadSchema = z.object({
  worker: z.string(),
  trigger: z.enum(['start', 'schedule', 'request']),
  request_id: z.uuid().nullable(),
  changed: z.boolean(),
  versions: z.array(z.unknown()),
  error: z.string().nullable(),
  loaded_at: timestamp,
});

export const listStatusSchema = z.object({ workers: z.array(listLoadSchema) });
export const refreshRequestSchema = z.object({ request_id: z.uuid(), status_url: z.string() });

export const stuckSchema = z.object({ id: z.uuid(), state: z.string(), timeout_at: timestamp, updated_at: timestamp, reason: z.string() });

export const operationSchema = z.object({ outcome: z.enum(['cancelling', 'rolling_back', 'already_rolled_back']), settlement: settlementSchema });

export const tokenSchema = z.object({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int(),
  scope: z.string(),
  refresh_within: z.number().int().optional().describe('IsSettled policy: seconds within which POST /oauth-token/refresh must be called, and again after each refresh'),
});
export const refreshedSchema = z.object({ refreshed_at: timestamp, refresh_by: timestamp });
export const revokedSchema = z.object({ revoked: z.literal(true) });
export const jwksSchema = z.object({ keys: z.array(z.object({ kty: z.string(), crv: z.string(), x: z.string(), y: z.string(), kid: z.string(), alg: z.string(), use: z.string() })) });

export const errorSchema = z.object({
  detail: z.union([z.string(), z.array(z.object({ loc: z.array(z.union([z.string(), z.number()])), msg: z.string(), type: z.string() }))]),
  code: z.string(),
  short_message: z.string(),
  long_message: z.string(),
  troubleshooting_id: z.uuid(),
  timestamp: z.number().int().describe('milliseconds since the epoch'),
  endpoint_url: z.string(),
  service_name: z.string(),
  build_version: z.string(),
  member_identification: z.string(),
  error: z.string().optional().describe('OAuth 2.0 (RFC 6749 §5.2), on the token routes and on a 401: the error code'),
  error_description: z.string().optional().describe('OAuth 2.0, beside `error`'),
});

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), total: z.number().int(), limit: z.number().int(), offset: z.number().int() });

export const platformEnvironmentSchema = z.object({
  id: z.uuid().describe('a name-based UUID of the platform and the slug, the same forever'),
  platform_id: z.uuid(),
  name: z.string().describe('for people; the slug unless one was given'),
  slug: z.string().describe("the environment's name in tokens and in the operator's routes"),
  auth0_client_id: z.string().describe("the platform's own identity-provider client for it, as given; else the environment's first Lockstep client id"),
  webhook_url: z.string().nullable().describe('the environment\'s webhook for every event, kept as one of its webhook endpoints'),
  webhook_secret: z.string().optional().describe('only in the answer that made the webhook without a caller\'s secret: shown once'),
  api_version: z.string().nullable().describe('the Keystone-Version its requests get when they name none, pinned at creation; null for one made before versions'),
  default_timeout_seconds: z.number().int().describe('the timeout_at a settlement gets when it names none'),
  is_active: z.boolean(),
  rate_limit_rpm: z.number().int().nullable().describe("requests per minute; null: the deployment's default"),
  four_eyes: z.boolean().describe("Lockstep's: a compliance decision needs the compliance:review scope and a client other than the settlement's creator"),
  created_at: timestamp,
  updated_at: timestamp,
});

export const webhookSchema = z.object({
  id: z.uuid(),
  url: z.string(),
  description: z.string(),
  events: z.array(z.string()),
  is_active: z.boolean().describe('KeyStone\'s switch: false while paused'),
  status: z.enum(['active', 'paused', 'failing']).describe('failing: a run of failed attempts; still delivered to'),
  consecutive_failures: z.number().int(),
  previous_secret_valid_until: timestamp.nullable().describe('while set and in the future, deliveries are signed with the previous secret too'),
  created_at: timestamp,
  updated_at: timestamp,
});

export const webhookCreatedSchema = webhookSchema.extend({ secret: z.string().describe('shown once: sign-checking key (whsec_...)') });

export const rotatedSecretSchema = z.object({ new_secret: z.string(), previous_secret_valid_until: timestamp });

export const webhookDeliverySchema = z.object({
  id: z.uuid(),
  endpoint_id: z.uuid(),
  event_id: z.uuid(),
  event: z.string(),
  success: z.boolean().describe('delivered'),
  response_status: z.number().int().nullable().describe("the latest attempt's HTTP status"),
  duration_ms: z.number().int().nullable().describe("the latest attempt's latency"),
  error: z.string().nullable().describe("the latest attempt's error"),
  settlement_id: z.uuid().nullable(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempt_count: z.number().int(),
  next_attempt_at: timestamp.nullable().describe('when pending'),
  delivered_at: timestamp.nullable(),
  created_at: timestamp,
  attempts: z.array(z.object({ number: z.number().int(), status_code: z.number().int().nullable(), latency_ms: z.number().int(), error: z.string().nullable(), at: timestamp })),
});

export const queuedDeliverySchema = z.object({ event_id: z.uuid(), delivery_id: z.uuid() });

export const webhookTestResultSchema = queuedDeliverySchema.extend({
  success: z.boolean(),
  status_code: z.number().int().nullable(),
  duration_ms: z.number().int().nullable(),
  error: z.string().nullable(),
});

export const eventFeedSchema = z.object({
  items: z.array(z.object({ id: z.uuid(), event: z.string(), body: z.object({ id: z.uuid(), event: z.string(), data: z.record(z.string(), z.unknown()) }), created_at: timestamp })),
  next_after: z.string().describe('an opaque cursor (`<txid>.<seq>`): pass as ?after= to get what came since'),
});

export const sessionSchema = z.object({
  session_id: z.uuid(),
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int(),
  expires_at: timestamp,
  scope: z.string(),
  settlement_ids: z.array(z.uuid()).nullable(),
  metadata: z.record(z.string(), z.unknown()).nullable(),
});

export const activitySchema = z.object({
  at: timestamp,
  client_id: z.string().nullable(),
  session_id: z.uuid().nullable(),
  session_metadata: z.unknown().nullable(),
  user_id: z.uuid().nullable().describe('a Web Office user, when the call came from their browser session'),
  method: z.string(),
  path: z.string(),
  status: z.number().int(),
  code: z.string().nullable(),
  ip: z.string(),
  by_operator: z.boolean().describe("the deployment's operator acted on this environment, from its own client"),
});

export const apiClientSchema = z.object({
  client_id: z.string(),
  name: z.string(),
  environment: z.string(),
  scopes: z.array(z.string()),
  active: z.boolean(),
  refresh_policy: z.literal('issettled').nullable(),
  ip_ranges: z.array(z.string()),
  endpoints: z.array(z.string()),
  wallets: z.array(z.string()),
  created_at: timestamp,
});
export const createdClientSchema = apiClientSchema.extend({ client_secret: z.string().describe('shown once') });
export const rotatedClientSecretSchema = z.object({
  client_id: z.string(),
  client_secret: z.string().describe('shown once'),
  revoked_tokens: z.number().int().describe('live tokens revoked (revoke_tokens)'),
});
export const operatorCreatedClientSchema = createdClientSchema.extend({ platform_id: z.uuid() });

export const environmentSchema = z.object({ name: z.string(), rate_limit_per_minute: z.number().int().nullable(), created_at: timestamp });
export const platformSchema = z.object({ id: z.uuid(), name: z.string(), created_at: timestamp, environments: z.array(environmentSchema) });
export const signingKeysSchema = z.object({
  items: z.array(z.object({ kid: z.string(), algorithm: z.string(), created_at: timestamp, retired_at: timestamp.nullable() })),
});
export const rotatedSigningKeySchema = z.object({ kid: z.string(), note: z.string() });

const mismatchesSchema = z.array(z.object({ field: z.string(), ours: z.string().nullable(), theirs: z.string().nullable(), reason: z.string() }));

/** KeyStone's Instruction, with Lockstep's mismatches. */
export const instructionSchema = z.object({
  id: z.uuid(),
  trade_reference: z.string().describe('hand it to the counterparty, who submits its side with it'),
  status: z.enum(INSTRUCTION_STATUSES),
  settlement_id: z.uuid().nullable().describe('the settlement the matched pair made'),
  template_slug: z.string(),
  role: z.string(),
  party: z.object({ external_reference: z.string(), name: z.string().nullable(), wallet_address: z.string(), chain_id: z.number().int() }),
  legs: z.array(z.object({ leg_type: z.string(), instrument_id: z.string(), chain_id: z.number().int(), token_standard: z.string().nullable(), quantity: z.string(), direction: z.enum(DIRECTIONS) })),
  timeout_at: timestamp,
  expires_at: timestamp.describe('the earlier of timeout_at less the minimum lead and the time to live; pending past it, the instruction is expired and never matches'),
  created_at: timestamp,
  mismatches: mismatchesSchema.describe("Lockstep's: why it did not match the counterparty's pending side when it was submitted (trade terms only, never the counterparty's party)"),
});

/** What a submit of this side would meet now: a match (and its settlement's dry run), a pending side (and why it did not match), or a repeat. */
export const instructionDryRunSchema = z.object({
  object: z.literal('instruction_dry_run'),
  would: z
    .enum(['match', 'stay_pending', 'repeat'])
    .describe("match: it matches the trade's pending side and would make the settlement below; stay_pending: no pending side it may match (a first side, or one with mismatches); repeat: the caller's idempotency_key already has this side, which a submit would answer with"),
  instruction_id: z.uuid().nullable().describe('the side a repeat would answer with'),
  mismatches: mismatchesSchema.describe("why it would not match the trade's pending side, as a submit would list them"),
  checks: z
    .array(dryRunCheckSchema)
    .describe("when it would stay pending, what the side alone allows to check, as a settlement's dry run checks it: its own party's screening, each leg's token, the balance and allowance of each leg it delivers (a receiving leg's token check names no party); empty otherwise"),
  settlement: dryRunSchema.nullable().describe("the settlements dry run of the settlement the match would create (both sides' parties, screening, balances, allowances, gas); null unless would is match"),
});
