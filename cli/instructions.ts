// `lockstep instructions submit|get|list|cancel`: one counterparty's side of a bilateral
// trade, through the API as a platform would send it.

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { signedInApi } from './credentials.ts';

export const INSTRUCTIONS_USAGE = `  lockstep instructions submit FILE|- [--trade-reference REF]
                                            (FILE: an InstructionCreate as JSON; idempotency_key made when absent)
  lockstep instructions get ID
  lockstep instructions list [--status pending_match|matched|expired|cancelled] [--trade-reference REF] [--limit 50]
  lockstep instructions cancel ID`;

const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

export async function runInstructions(command: string | undefined, args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { 'trade-reference': { type: 'string' }, status: { type: 'string' }, limit: { type: 'string', default: '50' } },
  });
  const [target] = positionals;
  const api = await signedInApi();
  if (command === 'submit' && target) {
    const body = JSON.parse(readFileSync(target === '-' ? 0 : target, 'utf8')) as Record<string, unknown>;
    print(
      await api.request('POST', '/v1/instructions', {
        ...body,
        idempotency_key: body.idempotency_key ?? `cli-${randomUUID()}`,
        ...(values['trade-reference'] ? { trade_reference: values['trade-reference'] } : {}),
      }),
    );
    return;
  }
  if ((command === 'get' || command === 'cancel') && target) {
    print(await api.request(command === 'get' ? 'GET' : 'DELETE', `/v1/instructions/${encodeURIComponent(target)}`));
    return;
  }
  if (command === 'list') {
    const query = new URLSearchParams({ limit: values.limit, ...(values.status ? { status: values.status } : {}), ...(values['trade-reference'] ? { trade_reference: values['trade-reference'] } : {}) });
    print(await api.request('GET', `/v1/instructions?${query.toString()}`));
    return;
  }
  throw new Error(`usage:\n${INSTRUCTIONS_USAGE}`);
}
