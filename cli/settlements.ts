// `lockstep settlements dry-run FILE`: what a create of this settlement would meet now, with
// nothing created; the API's report as it answers it (POST /v1/settlements/dry-run).

import { randomUUID } from 'node:crypto';
import type { CommandRunners } from './commands.ts';
import { signedInApi } from './credentials.ts';
import { parse, print, readJsonFile, UsageError } from './options.ts';

export const commands = {
  'settlements dry-run': async (args) => {
    const [file] = parse(args, {}, { positionals: true }).positionals;
    if (!file) throw new UsageError('a file (or - for stdin) is required');
    const body = readJsonFile(file);
    const report = await (await signedInApi()).request<{ ok: boolean }>('POST', '/v1/settlements/dry-run', { ...body, idempotency_key: body.idempotency_key ?? `cli-${randomUUID()}` });
    print(report);
    // A script can act on the verdict without reading the report: 1 when a check failed.
    if (!report.ok) process.exitCode = 1;
  },
} satisfies CommandRunners;
