// `lockstep instructions submit|dry-run|get|list|cancel`: one counterparty's side of a bilateral
// trade, through the API as a platform would send it.

import { randomUUID } from 'node:crypto';
import type { CommandRunners } from './commands.ts';
import { signedInApi } from './credentials.ts';
import { parse, print, readJsonFile, UsageError, wholeNumber } from './options.ts';

/** get and cancel: one instruction by id. */
const byId =
  (method: 'GET' | 'DELETE') =>
  async (args: string[]): Promise<void> => {
    const [id] = parse(args, {}, { positionals: true }).positionals;
    if (!id) throw new UsageError('an instruction id is required');
    print(await (await signedInApi()).request(method, `/v1/instructions/${encodeURIComponent(id)}`));
  };

/** FILE|- [--trade-reference REF]: the side's body, with an idempotency_key made when absent. */
function sideOf(args: string[]) {
  const { values, positionals } = parse(args, { 'trade-reference': { type: 'string' } }, { positionals: true });
  const [file] = positionals;
  if (!file) throw new UsageError('a file (or - for stdin) is required');
  const body = readJsonFile(file);
  return {
    ...body,
    idempotency_key: body.idempotency_key ?? `cli-${randomUUID()}`,
    ...(values['trade-reference'] ? { trade_reference: values['trade-reference'] } : {}),
  };
}

export const commands = {
  'instructions submit': async (args) => {
    print(await (await signedInApi()).request('POST', '/v1/instructions', sideOf(args)));
  },
  // What a submit of it would meet now, with nothing created; 1 when it would match into a settlement whose dry run fails a check.
  'instructions dry-run': async (args) => {
    const answer = await (await signedInApi()).request<{ settlement: { ok: boolean } | null }>('POST', '/v1/instructions/dry-run', sideOf(args));
    print(answer);
    if (answer.settlement && !answer.settlement.ok) process.exitCode = 1;
  },
  'instructions get': byId('GET'),
  'instructions cancel': byId('DELETE'),
  'instructions list': async (args) => {
    const { values } = parse(args, { 'trade-reference': { type: 'string' }, status: { type: 'string' }, limit: { type: 'string', default: '50' } });
    const limit = wholeNumber(values.limit, '--limit', { min: 1, max: 200 });
    const query = new URLSearchParams({ limit: String(limit), ...(values.status ? { status: values.status } : {}), ...(values['trade-reference'] ? { trade_reference: values['trade-reference'] } : {}) });
    print(await (await signedInApi()).request('GET', `/v1/instructions?${query.toString()}`));
  },
} satisfies CommandRunners;
