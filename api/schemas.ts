// Request schemas: the single source of what the API accepts.

import { z } from 'zod';
import { partyAttributesSchema } from '../compliance/attributes.ts';
import { ROLES, SCOPES } from '../access/scopes.ts';
import { EVENT_PATTERNS, EXACT_EVENT } from '../webhooks/events.ts';
import { DIRECTIONS, LEG_TYPES, TOKEN_STANDARDS, type TokenStandard } from '../domain/settlement.ts';
import { INSTRUCTION_STATUSES } from '../domain/matching.ts';
import { ACTION_TYPES } from '../domain/template.ts';
import { TENANT_NAME } from '../domain/ids.ts';
import { ENDPOINT_PATTERN } from '../access/restrictions.ts';
import { plainDecimal } from '../domain/money.ts';

// The .meta() lines say in the OpenAPI document what a refine checks, where JSON Schema can say it.
const WALLET = /^0x[0-9a-fA-F]{40}$/;
const evmAddress = z
  .string()
  .regex(WALLET, 'must be a 0x-prefixed 20-byte hex address')
  .refine((a) => !/^0x0{40}$/.test(a), 'must not be the zero address')
  .meta({ not: { pattern: '^0x0{40}$' } });
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);

// KeyStone's SDKs send every optional field, as null when unset: null means "not given".
const optional = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => v ?? undefined);

/** KeyStone names standards as ERC-20, ERC20 or erc20 (and ERC-3643 as ERC3643 or erc3643). */
const tokenStandard = z
  .string()
  .transform((s) => s.toLowerCase().replace(/[^a-z0-9]/g, ''))
  .refine((s): s is TokenStandard => (TOKEN_STANDARDS as readonly string[]).includes(s), 'cannot be settled here: this engine escrows ERC-20 tokens, and ERC-3643 tokens named as such');

/** A date-time with its offset; one without (as Python's naive datetimes are sent) is taken as UTC. */
const dateTime = z.iso
  .datetime({ offset: true, local: true, message: 'must be an ISO 8601 date-time such as 2026-03-17T00:00:00Z' })
  .transform((d) => (/(Z|[+-]\d{2}:?\d{2})$/i.test(d) ? d : `${d}Z`));

export const partySchema = z
  .strictObject({
    role: text(64),
    external_reference: text(256),
    name: optional(text(512)),
    wallet_address: evmAddress,
    chain_id: optional(z.number().int().positive()),
  })
  .extend(partyAttributesSchema.shape);

export const legSchema = z.strictObject({
  leg_type: z.enum(LEG_TYPES),
  instrument_id: text(128),
  // Python's Decimal may come as 1E+3; it is the same exact number.
  quantity: z
    .string()
    .regex(/^\d+(\.\d+)?([eE][+-]?\d+)?$/, 'must be a positive decimal string such as "100" or "12.5"')
    .transform(plainDecimal),
  direction: z.enum(DIRECTIONS),
  party_role: text(64),
  chain_id: optional(z.number().int().positive()),
  token_standard: optional(tokenStandard),
  external_reference: optional(text(256)),
});

export const createSettlementSchema = z.strictObject({
  // instruction:<trade reference> is the key of a settlement that two matched instructions made.
  idempotency_key: text(255).refine((k) => !k.startsWith('instruction:'), 'must not start with "instruction:", which Lockstep keeps for settlements made from instructions'),
  /** A template's id (a UUID) or its slug; KeyStone's SDK names it by template_slug. */
  template_id: optional(text(128)),
  template_slug: optional(text(128)),
  external_reference: optional(text(256)),
  /** Left out: the environment's default_timeout_seconds from now. */
  timeout_at: optional(dateTime),
  parties: z.array(partySchema).min(2).max(2),
  legs: z.array(legSchema).min(1).max(16),
});
export type CreateSettlementRequest = z.infer<typeof createSettlementSchema>;

/** POST /v1/instructions, KeyStone's InstructionCreate: one counterparty's side of a trade. */
export const instructionLegSchema = legSchema.omit({ party_role: true, external_reference: true }).extend({ leg_type: z.enum(LEG_TYPES).default('asset_delivery') });

export const createInstructionSchema = z.strictObject({
  idempotency_key: text(255),
  /** Left out: the first side, which gets a new unguessable reference to hand to its counterparty. */
  trade_reference: optional(text(128)),
  template_slug: text(128),
  role: text(64),
  party: partySchema.omit({ role: true }),
  legs: z.array(instructionLegSchema).min(1).max(16),
  timeout_at: dateTime,
  // KeyStone's repo lifecycle; Lockstep settles no repos, so only their absence is accepted.
  settlement_category: z.literal('dvp').nullish(),
  maturity_at: z.null().optional(),
  repo_rate: z.null().optional(),
  repayment_amount: z.null().optional(),
});
export type CreateInstructionRequest = z.infer<typeof createInstructionSchema>;

/** Every list pages the same way. */
/** PostgreSQL's integer: a larger number in a query is the caller's mistake, not a 500. */
const MAX_INT = 2_147_483_647;

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(MAX_INT).default(0),
});

export const listInstructionsQuery = pageQuery.extend({
  // KeyStone's SDK sends status= when it filters on none.
  status: z.preprocess((v) => (v === '' ? undefined : v), z.enum(INSTRUCTION_STATUSES).optional()),
  trade_reference: optional(text(128)),
});

// A bound on created_at, passed on in UTC: PostgreSQL refuses offsets beyond ±15:59 that ISO 8601
// allows (up to ±23:59), and its timestamps have no year 0.
const createdBound = optional(
  dateTime
    .transform((d) => new Date(d))
    .refine((d) => d.getUTCFullYear() >= 1 && d.getUTCFullYear() <= 9999, 'must be a date-time from year 1 to 9999 (in UTC)')
    .transform((d) => d.toISOString()),
);

export const listSettlementsQuery = pageQuery.extend({
  // KeyStone's SDK sends one state; the Web Office's tabs cover several, sent comma-separated or repeated.
  state: z
    .preprocess((v) => (Array.isArray(v) ? v.join(',') : v), z.string().regex(/^[A-Z_]+(,[A-Z_]+){0,31}$/, 'must be state names such as AWAITING_DEPOSITS, comma-separated'))
    .transform((v) => v.split(','))
    .optional(),
  /** A template's id or slug. */
  template_id: optional(text(128)),
  /** Created at or after this instant. */
  created_after: createdBound,
  /** Created before this instant. */
  created_before: createdBound,
  /** A party's external_reference, exactly. */
  party_reference: optional(text(256)),
});
export type ListSettlementsQuery = z.output<typeof listSettlementsQuery>;

const stateName = z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/, 'must be an upper-case state name such as AWAITING_DEPOSITS');

/** KeyStone's template format; templateProblems (domain) checks what a schema cannot. */
export const templateConfigSchema = z.object({
  states: z.array(stateName).min(2).max(64).meta({ uniqueItems: true }),
  initial_state: stateName,
  terminal_states: z.array(stateName).min(1),
  failure_states: z.array(stateName).min(1),
  transitions: z.record(stateName, z.object({ allowed_next: z.array(stateName) })),
  actions: z.record(stateName, z.object({ type: z.enum(ACTION_TYPES), on_flag: z.enum(['fail', 'await_decision']).optional() })),
  required_roles: z.array(text(64)).min(2).max(2),
  required_leg_types: z.array(z.enum(LEG_TYPES)).min(1).max(16),
});

export const createTemplateSchema = z.object({
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be lower-case letters, digits and dashes, such as my-dvp'),
  name: text(200),
  description: optional(text(2000)),
  config: templateConfigSchema,
});

export const publishVersionSchema = z.object({
  name: optional(text(200)),
  description: optional(text(2000)),
  config: templateConfigSchema,
});

export const templateVersionQuery = z.object({ version: z.coerce.number().int().min(1).max(MAX_INT).optional() });

export const complianceDecisionSchema = z.object({
  decision: z.enum(['approve', 'reject']),
  reason: z.string().trim().max(2000).default(''),
});

export const suppressionSchema = z.object({
  settlement_id: text(64),
  party_role: text(64),
  list: text(64),
  entry_id: text(64),
  reason: text(2000),
});

export const suppressionListQuery = pageQuery.extend({
  status: z.enum(['active', 'revoked', 'all']).default('active'),
});
export const revokeSuppressionSchema = z.object({ reason: text(2000) });

const threshold = z.number().gt(0).max(1);
export const thresholdsSchema = z
  .object({ review_threshold: threshold, fail_threshold: threshold })
  .refine((t) => t.review_threshold <= t.fail_threshold, { message: 'review_threshold must not be above fail_threshold', path: ['review_threshold'] });

/** One party screened on request: a name, optionally a wallet and what the party says of itself. */
export const adHocScreeningSchema = z
  .object({
    name: text(512),
    wallet_address: evmAddress.optional(),
  })
  .extend(partyAttributesSchema.shape);

export const stuckQuery = pageQuery.extend({ idle_minutes: z.coerce.number().int().min(1).max(100_000).default(60) });
export const reasonBody = z.object({ reason: z.string().trim().max(2000).default('') });

export const tokenRequestSchema = z.object({
  grant_type: z.literal('client_credentials'),
  client_id: text(128),
  client_secret: text(256),
  audience: text(512).optional(),
});

const webhookEvents = z
  .array(
    z
      .string()
      .refine(
        (e) => (EVENT_PATTERNS as readonly string[]).includes(e) || EXACT_EVENT.test(e),
        'must be *, settlement.*, settlement.state.*, settlement.compliance.* (or compliance.*) or an event name such as settlement.state.finalized',
      )
      .meta({ anyOf: [{ enum: [...EVENT_PATTERNS] }, { pattern: EXACT_EVENT.source }] }),
  )
  .min(1)
  .max(50);
const webhookUrl = z.string().trim().min(1).max(2048);

const webhookDescription = z.string().trim().max(500);
/** A caller's own signing secret: Standard Webhooks keys with the bytes after whsec_, so it must be that form. */
const webhookSecret = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]{32,}={0,2}$/, 'must be whsec_ followed by at least 24 random bytes in base64, as Lockstep makes them; leave it out to get one');

/** KeyStone names the subscription `events` (its SDK) and `event_types` (its REST reference); both given must say the same. */
const eventListsAgree = (b: { events?: string[] | undefined; event_types?: string[] | undefined }) =>
  !b.events || !b.event_types || JSON.stringify(b.events) === JSON.stringify(b.event_types);

export const createWebhookSchema = z
  .strictObject({
    url: webhookUrl,
    description: optional(webhookDescription),
    // KeyStone's SDK sends `events`; its REST reference says `event_types`.
    events: optional(webhookEvents),
    event_types: optional(webhookEvents),
    secret: optional(webhookSecret),
  })
  .refine(eventListsAgree, { message: 'events and event_types disagree', path: ['event_types'] })
  .transform(({ event_types, events, description, ...rest }) => ({ ...rest, description: description ?? '', events: events ?? event_types ?? ['*'] }));

export const updateWebhookSchema = z
  .strictObject({
    url: optional(webhookUrl),
    description: optional(webhookDescription),
    events: optional(webhookEvents),
    event_types: optional(webhookEvents),
    /** paused: deliveries wait, in order, until the endpoint is active again. */
    status: optional(z.enum(['active', 'paused'])),
    /** KeyStone's switch: false pauses, true resumes. */
    is_active: optional(z.boolean()),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), 'give at least one of url, description, events, status, is_active')
  .refine((b) => b.status === undefined || b.is_active === undefined || (b.status === 'active') === b.is_active, 'status and is_active disagree')
  .refine(eventListsAgree, { message: 'events and event_types disagree', path: ['event_types'] })
  .transform(({ event_types, events, is_active, status, ...rest }) => ({
    ...rest,
    events: events ?? event_types,
    status: status ?? (is_active === undefined ? undefined : is_active ? ('active' as const) : ('paused' as const)),
  }));

export const deliveryListQuery = pageQuery.extend({ status: z.enum(['pending', 'delivered', 'failed']).optional() });

/**
 * The event feed pages by cursor: events after `after` (an earlier answer's `next_after`), oldest
 * transaction first. A cursor is `<txid>.<seq>` (db/eventFeed.ts); all digits is a seq alone, the
 * cursor of earlier releases. Digits enough for any value either column will hold, and no more,
 * so every cursor the pattern allows is in range.
 */
export const eventFeedQuery = z.object({
  after: z.string().regex(/^(\d{1,19}\.)?\d{1,18}$/, "must be a cursor from an earlier answer's next_after").optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** IsSettled's session tokens: a subset of the caller's scopes, for a while, maybe for some settlements only. */
export const createSessionSchema = z.object({
  scopes: z.array(z.enum(SCOPES)).min(1).optional(),
  ttl_seconds: z.number().int().min(60).max(24 * 3600).default(3600),
  settlement_ids: z.array(z.uuid()).min(1).max(100).optional(),
  metadata: z
    .record(z.string().max(64), z.union([z.string().max(512), z.number(), z.boolean()]))
    .refine((m) => Object.keys(m).length <= 20, 'at most 20 keys')
    .optional(),
});

export const activityQuery = pageQuery.extend({
  client_id: text(128).optional(),
  /** A Web Office user's calls only. */
  user_id: z.uuid().optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  /** Only refusals and errors (status 400 and up). */
  failures: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
});

const IPV4_RANGE = '^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])/(3[0-2]|[12]?[0-9])$';
const restrictionFields = {
  // db/clients.ts checks each is an address or a CIDR range; the document says so for IPv4 ranges and plain addresses.
  ip_ranges: z.array(z.string().max(64).meta({ anyOf: [{ format: 'ipv4' }, { format: 'ipv6' }, { pattern: IPV4_RANGE }] })).max(50).optional(),
  endpoints: z.array(z.string().max(256).regex(ENDPOINT_PATTERN, 'must be "METHOD /path", such as GET /v1/settlements/*')).max(100).optional(),
  wallets: z.array(z.string().regex(WALLET, 'must be a 0x-prefixed 20-byte hex address')).max(100).optional(),
};

export const createClientSchema = z.object({
  name: text(128),
  scopes: z.array(z.enum(SCOPES)).min(1),
  refresh_policy: z.literal('issettled').optional(),
  ...restrictionFields,
});

export const updateClientSchema = z
  .object({ ...restrictionFields, active: z.boolean().optional() })
  .refine((b) => Object.values(b).some((v) => v !== undefined), 'give at least one of ip_ranges, endpoints, wallets, active')
  .meta({ minProperties: 1 });

/** `revoke_tokens`: a leaked secret; the client's live tokens fail at once too. */
export const rotateClientSecretSchema = z.object({ revoke_tokens: z.boolean().default(false) });

const tenantName = z.string().regex(TENANT_NAME, 'letters, digits, ".", "-" and "_", starting with a letter or digit, at most 64');
const rateLimit = z.number().int().min(1).max(1_000_000).nullable().describe('requests per minute; null: the deployment default');

export const createPlatformSchema = z.object({
  name: tenantName,
  environments: z.array(tenantName).min(1).max(20).default(['sandbox', 'production']),
});

export const createEnvironmentSchema = z.object({ name: tenantName, rate_limit_per_minute: rateLimit.default(null) });

export const updateEnvironmentSchema = z.object({ rate_limit_per_minute: rateLimit });

const timeoutSeconds = z.number().int().min(60).max(30 * 86_400);

/** POST /v1/platforms/me/environments, KeyStone's EnvironmentCreate. */
export const platformEnvironmentCreateSchema = z.strictObject({
  name: text(200),
  slug: z.string().regex(TENANT_NAME, 'must be letters, digits, dots, dashes and underscores, such as staging'),
  auth0_client_id: optional(text(256)),
  /** KeyStone's environment webhook: kept as a webhook endpoint of the environment for every event. */
  webhook_url: optional(webhookUrl),
  webhook_secret: optional(webhookSecret),
  default_timeout_seconds: optional(timeoutSeconds),
  /** Lockstep's: compliance decisions need compliance:review and a client other than the settlement's creator. */
  four_eyes: optional(z.boolean()),
});

/** PATCH /v1/platforms/me/environments/{id}, KeyStone's EnvironmentUpdate: only the fields sent change. */
export const platformEnvironmentUpdateSchema = z
  .strictObject({
    name: optional(text(200)),
    /** null removes the environment's webhook; a URL sets it. */
    webhook_url: webhookUrl.nullable().optional(),
    webhook_secret: optional(webhookSecret),
    default_timeout_seconds: optional(timeoutSeconds),
    is_active: optional(z.boolean()),
    rate_limit_rpm: rateLimit.optional(),
    four_eyes: optional(z.boolean()),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), 'give at least one field to change');

// The Web Office's own API (/office/api, docs/office.md). Passwords are checked against the
// policy by the code that sets them (access/passwords.ts), which knows the email too.
const password = z.string().min(1).max(1024);

export const officeLoginSchema = z.object({
  platform: z.string().regex(TENANT_NAME),
  environment: z.string().regex(TENANT_NAME),
  email: z.string().max(254),
  password,
  totp_code: z.string().max(16).optional(),
});

export const officeCreateUserSchema = z.object({
  email: z.string().max(254),
  name: text(128),
  role: z.enum(ROLES),
  /** Absent: Lockstep chooses one and shows it once. */
  password: password.optional(),
});

export const officePasswordChangeSchema = z.object({ current_password: password, new_password: password });

export const officeTotpConfirmSchema = z.object({ code: z.string().max(16) });
