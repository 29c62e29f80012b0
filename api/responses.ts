// The shapes the API answers with, for the OpenAPI document. End-to-end tests parse real
// responses with them, so the document cannot drift from what the presenters return.

import { z } from 'zod';

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
  state: z.string(),
  settlement_type: z.literal('single_platform'),
  idempotency_key: z.string(),
  template_id: z.uuid(),
  template_version: z.number().int(),
  timeout_at: timestamp,
  failure_reason: z.string().nullable(),
  parties: z.array(z.object({ role: z.string(), external_reference: z.string(), name: z.string(), wallet_address: address, chain_id: z.number().int() })),
  legs: z.array(
    z.object({
      leg_type: z.string(),
      instrument_id: z.string(),
      quantity: z.string().describe('canonical decimal'),
      direction: z.string(),
      party_role: z.string(),
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

export const eventSchema = z.object({
  id: z.uuid(),
  settlement_id: z.uuid(),
  sequence: z.number().int(),
  from_state: z.string().nullable(),
  to_state: z.string(),
  triggered_by: z.string(),
  payload: z.record(z.string(), z.unknown()),
  content_hash: z.string().nullable(),
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
  built_in: z.boolean(),
  config: z.record(z.string(), z.unknown()),
  created_at: timestamp,
});

export const suppressionResponseSchema = z.object({
  id: z.uuid(),
  settlement_id: z.uuid(),
  party_role: z.string(),
  list: z.string(),
  entry_id: z.string(),
  reason: z.string(),
  created_by: z.string(),
  created_at: timestamp,
});

export const stuckSchema = z.object({ id: z.uuid(), state: z.string(), timeout_at: timestamp, updated_at: timestamp, reason: z.string() });

export const operationSchema = z.object({ outcome: z.enum(['cancelling', 'rolling_back', 'already_rolled_back']), settlement: settlementSchema });

export const tokenSchema = z.object({ access_token: z.string(), token_type: z.literal('Bearer'), expires_in: z.number().int(), scope: z.string() });

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
});

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), total: z.number().int(), limit: z.number().int(), offset: z.number().int() });
