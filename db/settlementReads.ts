// A tenant's reads of settlements with their parties and legs: the API's hottest path (every
// GET of a settlement, every page of the list, the answer to every create). Through Prisma the
// read is a transaction of four statements and costs about 2 ms of the API's CPU, and
// PostgreSQL plans it anew each time, which under row-level security (the policies of parties
// and legs look up the settlement) costs more than running it. Here it is one prepared
// statement, whose plan PostgreSQL keeps, on a connection that is the tenant role (asTenant).
// Rows come back as Prisma's own row type; test/e2e/rowLevelSecurity.test.ts holds the two
// reads, and this file's scope filter and db/settlementScope.ts's, to the same answer.

import type { Prisma } from '../generated/prisma/client.ts';
import type { Db } from './client.ts';
import type { SettlementScope } from './settlementScope.ts';
import { asTenant } from './tenant.ts';

export const settlementInclude = { parties: { orderBy: { role: 'asc' } }, legs: { orderBy: { index: 'asc' } } } as const;
export type SettlementRow = Prisma.SettlementGetPayload<{ include: typeof settlementInclude }>;

/** The scope as SQL over `s`, its values from $3 on ($1 and $2 are the tenant), and the statement's name for its shape. */
function scopeSql(scope: SettlementScope, values: unknown[]): { sql: string; shape: string } {
  const next = (value: unknown) => `$${values.push(value)}`;
  const tenant = `${next(scope.platformId)}::uuid`;
  const environment = next(scope.environment);
  const own = `(s.platform_id = ${tenant} AND s.environment = ${environment})`;
  const counterparty = `(s.counterparty_platform_id = ${tenant} AND s.counterparty_environment = ${environment})`;
  const parts = [scope.acting ? own : `(${own} OR ${counterparty})`];
  let shape = scope.acting ? 'a' : 'v';
  if (scope.wallets?.length) {
    parts.push(`EXISTS (SELECT 1 FROM parties w WHERE w.settlement_id = s.id AND w.platform_id = ${tenant} AND w.wallet_address = ANY(${next(scope.wallets.map((w) => w.toLowerCase()))}::text[]))`);
    shape += 'w';
  }
  if (scope.settlementIds) {
    parts.push(`s.id::text = ANY(${next(scope.settlementIds.map((id) => id.toLowerCase()))}::text[])`);
    shape += 's';
  }
  return { sql: parts.join(' AND '), shape };
}

const DATES = new Set(['timeout_at', 'workflow_started_at', 'start_claim_expires_at', 'created_at', 'updated_at', 'deposited_at']);
/** Column names are few and asked for on every row: each converted once. */
const camelCase = new Map<string, string>();
const camel = (key: string) => {
  let name = camelCase.get(key);
  if (name === undefined) camelCase.set(key, (name = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())));
  return name;
};

/** A row as to_jsonb gives it (snake_case, timestamps without a zone, stored in UTC) as Prisma gives it. */
function fromJson(json: Record<string, unknown>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) {
    if (key === 'parties' || key === 'legs') row[key] = (value as Record<string, unknown>[]).map(fromJson);
    else row[camel(key)] = DATES.has(key) && typeof value === 'string' ? new Date(`${value}Z`) : value;
  }
  return row;
}

export interface SettlementQuery {
  /** A UUID (callers check it first). */
  id?: string;
  /** Any of these states. */
  states?: string[];
  /** A template's id or slug. */
  template?: string;
  /** ISO 8601 instants: created at or after, and before. */
  createdAfter?: string;
  createdBefore?: string;
  /** A party's external reference, exactly. */
  partyReference?: string;
  /** Only those waiting for a person's compliance decision: their last transition is a flagged screening's. */
  awaitingDecision?: boolean;
  limit: number;
  offset: number;
  /** Count every settlement the filter matches, beside the page. */
  total?: boolean;
}

/** The caller's settlements, newest first, under row-level security. */
export async function readSettlements(db: Db, scope: SettlementScope, q: SettlementQuery): Promise<{ rows: SettlementRow[]; total: number | null }> {
  const values: unknown[] = [];
  const scoped = scopeSql(scope, values);
  const next = (value: unknown) => `$${values.push(value)}`;
  // Each filter given adds its letter to the statement's name, so each shape keeps a plan of its own.
  const filters: [string, string | false][] = [
    ['i', q.id !== undefined && `s.id = ${next(q.id)}::uuid`],
    ['t', q.states !== undefined && `s.state = ANY(${next(q.states)}::text[])`],
    // Row-level security shows a tenant only the built-in templates and its own, so a slug never reaches a counterparty's template of the same name.
    ['m', q.template !== undefined && `s.template_id IN (SELECT t.id FROM settlement_templates t WHERE t.id::text = lower(${next(q.template)}) OR t.slug = $${values.length})`],
    // created_at is a UTC timestamp without a zone.
    ['a', q.createdAfter !== undefined && `s.created_at >= (${next(q.createdAfter)}::timestamptz AT TIME ZONE 'UTC')`],
    ['b', q.createdBefore !== undefined && `s.created_at < (${next(q.createdBefore)}::timestamptz AT TIME ZONE 'UTC')`],
    ['r', q.partyReference !== undefined && `EXISTS (SELECT 1 FROM parties r WHERE r.settlement_id = s.id AND r.external_reference = ${next(q.partyReference)})`],
    // state_sequence is the sequence of the settlement's last transition (activities/records.ts).
    ['d', q.awaitingDecision === true && `EXISTS (SELECT 1 FROM settlement_events d WHERE d.settlement_id = s.id AND d.sequence = s.state_sequence AND d.triggered_by = 'compliance:flagged')`],
  ];
  const given = filters.filter((f): f is [string, string] => f[1] !== false);
  const where = [scoped.sql, ...given.map((f) => f[1])].join(' AND ');
  const shape = scoped.shape + given.map((f) => f[0]).join('');
  return asTenant(db, scope, async (client) => {
    const page = await client.query<{ row: Record<string, unknown> }>({
      name: `lockstep-settlements-${shape}`,
      text: `SELECT to_jsonb(s) || jsonb_build_object(
          'parties', COALESCE((SELECT jsonb_agg(to_jsonb(p) ORDER BY p.role) FROM parties p WHERE p.settlement_id = s.id), '[]'::jsonb),
          'legs', COALESCE((SELECT jsonb_agg(to_jsonb(l) ORDER BY l.index) FROM legs l WHERE l.settlement_id = s.id), '[]'::jsonb)) AS row
        FROM settlements s WHERE ${where} ORDER BY s.created_at DESC, s.id ASC LIMIT $${values.length + 1} OFFSET $${values.length + 2}`,
      values: [...values, q.limit, q.offset],
    });
    const total = q.total ? (await client.query<{ total: number }>({ name: `lockstep-settlements-count-${shape}`, text: `SELECT count(*)::int AS total FROM settlements s WHERE ${where}`, values })).rows[0]!.total : null;
    return { rows: page.rows.map((r) => fromJson(r.row) as unknown as SettlementRow), total };
  });
}

/** A depositor's token on one escrow. */
export interface DepositorKey {
  chainId: number;
  escrowAddress: string;
  depositor: string;
  token: string;
}

export interface UndepositedLeg extends DepositorKey {
  amount: string;
  state: string;
  templateId: string;
  templateVersion: number;
}

/**
 * The legs not yet deposited whose depositing party is one of the scope's own with one of these
 * wallets, in one of these tokens on one of these escrows, over every settlement the scope sees:
 * one statement for every depositor a page of settlements shows.
 */
export async function undepositedLegs(db: Db, scope: SettlementScope, keys: DepositorKey[]): Promise<UndepositedLeg[]> {
  if (!keys.length) return [];
  const values: unknown[] = [];
  const scoped = scopeSql(scope, values);
  const next = (value: unknown) => `$${values.push(value)}`;
  const wanted = `unnest(${next(keys.map((k) => k.chainId))}::int[], ${next(keys.map((k) => k.escrowAddress))}::text[], ${next(keys.map((k) => k.depositor.toLowerCase()))}::text[], ${next(keys.map((k) => k.token.toLowerCase()))}::text[])`;
  return asTenant(db, scope, async (client) => {
    const found = await client.query<UndepositedLeg>({
      name: `lockstep-undeposited-${scoped.shape}`,
      text: `SELECT s.chain_id AS "chainId", s.escrow_address AS "escrowAddress", p.wallet_address AS depositor, l.token_address AS token,
          l.amount, s.state, s.template_id::text AS "templateId", s.template_version AS "templateVersion"
        FROM legs l JOIN settlements s ON s.id = l.settlement_id JOIN parties p ON p.settlement_id = l.settlement_id AND p.role = l.from_role
        WHERE ${scoped.sql} AND l.deposited_at IS NULL AND p.platform_id = $1::uuid
          AND (s.chain_id, s.escrow_address, p.wallet_address, l.token_address) IN (SELECT * FROM ${wanted})`,
      values,
    });
    return found.rows;
  });
}
