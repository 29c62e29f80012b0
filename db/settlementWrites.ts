// A new settlement's rows, written by one call of the database function
// lockstep_insert_settlement (its migration says why a function): one round trip, where
// Prisma's nested write was a transaction of five and cost the API several times the
// database's work. As the tenant for a create (createSettlementRows), or inside the owner's
// transaction that matches two instructions (api/instructions/submit.ts).

import type pg from 'pg';
import type { Db } from './client.ts';
import { asTenant, type Tenant, type TenantTx } from './tenant.ts';

export interface NewParty {
  role: string;
  platformId: string;
  externalReference: string;
  name: string;
  walletAddress: string;
  chainId: number;
  entityType: string | null;
  country: string | null;
  dateOfBirth: string | null;
}

export interface NewLeg {
  index: number;
  legType: string;
  instrumentId: string;
  tokenAddress: string;
  decimals: number;
  tokenStandard: string;
  quantity: string;
  amount: string;
  direction: string;
  partyRole: string;
  fromRole: string;
  toRole: string;
  externalReference: string | null;
}

export interface NewSettlement {
  id: string;
  platformId: string;
  environment: string;
  idempotencyKey: string;
  requestHash: string;
  templateId: string;
  templateVersion: number;
  state: string;
  settlementType: 'single_platform' | 'cross_platform';
  counterpartyPlatformId: string | null;
  counterpartyEnvironment: string | null;
  timeoutAt: Date;
  externalReference: string | null;
  createdBy: string | null;
  chainId: number;
  escrowAddress: string;
  escrowId: string;
  parties: NewParty[];
  legs: NewLeg[];
}

/** Runs one prepared statement, answering its rows: over node-postgres or a Prisma transaction. */
export type Statement = (name: string, text: string, values: unknown[]) => Promise<unknown[]>;

export const onConnection =
  (client: pg.PoolClient): Statement =>
  async (name, text, values) =>
    (await client.query<Record<string, unknown>>({ name, text, values })).rows;

export const onPrisma =
  (tx: TenantTx): Statement =>
  (_name, text, values) =>
    tx.$queryRawUnsafe<unknown[]>(text, ...values);

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
/** A row as the function reads it: the columns' names; timestamps in UTC (a Date's JSON). */
const columns = (row: object) => Object.fromEntries(Object.entries(row).map(([k, v]) => [snake(k), v]));

/** Writes the settlement with its parties and legs; false, and nothing written, when its idempotency key is taken already. */
export async function insertSettlement(run: Statement, s: NewSettlement): Promise<boolean> {
  const now = new Date();
  const row = {
    ...columns({ ...s, parties: undefined, legs: undefined }),
    state_sequence: 0,
    created_at: now,
    updated_at: now,
    parties: s.parties.map((p) => ({ settlement_id: s.id, ...columns(p) })),
    legs: s.legs.map((l) => ({ settlement_id: s.id, ...columns(l) })),
  };
  const [answer] = (await run('lockstep-insert-settlement', 'SELECT lockstep_insert_settlement($1::jsonb) AS inserted', [JSON.stringify(row)])) as { inserted: boolean }[];
  return answer!.inserted;
}

/** The settlement already made under an idempotency key, as the tenant sees it. */
export async function settlementOfKey(db: Db, tenant: Tenant, idempotencyKey: string): Promise<{ id: string; requestHash: string } | null> {
  return asTenant(db, tenant, async (client) => {
    const { rows } = await client.query<{ id: string; requestHash: string }>({
      name: 'lockstep-settlement-of-key',
      text: 'SELECT id::text, request_hash AS "requestHash" FROM settlements WHERE platform_id = $1::uuid AND environment = $2 AND idempotency_key = $3',
      values: [tenant.platformId, tenant.environment, idempotencyKey],
    });
    return rows[0] ?? null;
  });
}

/** A create's rows, as the tenant: false when its idempotency key is taken already. */
export function createSettlementRows(db: Db, tenant: Tenant, s: NewSettlement): Promise<boolean> {
  return asTenant(db, tenant, (client) => insertSettlement(onConnection(client), s));
}
