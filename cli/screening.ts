// `lockstep screen ...` and `lockstep lists status|refresh|fetch`: the screening engine from
// the command line, over the configured lists (the dev stack's, or SANCTIONS_OFAC_DIR,
// SANCTIONS_OFAC_XML and SANCTIONS_UN_FILE), the lists the running workers hold, and the
// publishers' current lists fetched into the deployment's lists folder.

import { readFileSync } from 'node:fs';
import { partyAttributesSchema, type PartyAttributes } from '../compliance/attributes.ts';
import { parseCsv } from '../compliance/csv.ts';
import { fetchLists, type FetchOutcome } from '../compliance/fetch.ts';
import { compareNames } from '../compliance/nameScore.ts';
import { listSources, readLists, screenerOf } from '../compliance/lists.ts';
import type { Screener } from '../compliance/screening.ts';
import { loadConfig, screeningThresholds } from '../config/config.ts';
import type { Db } from '../db/client.ts';
import { latestListLoads, loadsForRequest, requestListRefresh } from '../db/screening.ts';
import { presentListLoad } from '../operations/present.ts';
import { cliEnv } from '../stack/manifest.ts';
import type { CommandRunners } from './commands.ts';
import { withDb } from './db.ts';
import { parse, print, UsageError } from './options.ts';

async function loadLists() {
  const config = loadConfig(cliEnv(), ['SANCTIONS_OFAC_DIR', 'SANCTIONS_OFAC_XML', 'SANCTIONS_UN_FILE', 'SANCTIONS_LISTS_DIR', 'SCREENING_REVIEW_THRESHOLD', 'SCREENING_FAIL_THRESHOLD']);
  const lists = await readLists(listSources(config));
  return { lists, screener: await screenerOf(lists), thresholds: screeningThresholds(config) };
}

function topMatches(screener: Screener, name: string, floor: number, attributes: PartyAttributes = {}, limit = 5) {
  return screener.matchName(name, floor, attributes).slice(0, limit).map((m) => ({
    list: m.spelling.entry.list,
    entry_id: m.spelling.entry.entryId,
    entry_name: m.spelling.entry.name,
    matched: m.spelling.name,
    quality: m.spelling.quality,
    score: m.score,
    reason: m.reason,
  }));
}

const REFRESH_WAIT_MS = 120_000;

/** Asks every running worker to re-read its lists, and waits (dots on stderr) until one has answered. */
async function refreshWorkers(db: Db) {
  const requestId = await requestListRefresh(db, 'cli-operator');
  process.stderr.write(`refresh ${requestId} requested; waiting for the workers`);
  const started = Date.now();
  let loads = await loadsForRequest(db, requestId);
  while (!loads.length && Date.now() - started < REFRESH_WAIT_MS) {
    await new Promise((r) => setTimeout(r, 500));
    process.stderr.write('.');
    loads = await loadsForRequest(db, requestId);
  }
  process.stderr.write('\n');
  if (!loads.length) throw new Error(`no worker answered refresh ${requestId} within ${REFRESH_WAIT_MS / 1000} s; is a worker running against this database?`);
  return { requestId, loads };
}

const presentFetch = (o: FetchOutcome) => ({
  list: o.list,
  status: o.status,
  entry_count: o.entryCount,
  previous_entry_count: o.previousEntryCount,
  content_hash: o.contentHash,
  source: o.source,
  ...(o.error === undefined ? {} : { error: o.error }),
});

async function fetchCurrentLists(args: string[]): Promise<void> {
  const { values } = parse(args, { into: { type: 'string' }, 'allow-drop': { type: 'boolean', default: false }, 'no-refresh': { type: 'boolean', default: false } });
  const env = cliEnv();
  const config = loadConfig(env, ['SANCTIONS_LISTS_DIR', 'SANCTIONS_OFAC_SOURCE_URL', 'SANCTIONS_UN_SOURCE_URL']);
  const into = values.into ?? config.SANCTIONS_LISTS_DIR;
  if (!into) throw new Error('no folder to fetch the lists into: pass --into DIR or set SANCTIONS_LISTS_DIR');
  const outcomes = await fetchLists({ into, sources: config, allowDrop: values['allow-drop'], progress: (line) => process.stderr.write(`${line}\n`) });
  print(outcomes.map(presentFetch));
  if (outcomes.some((o) => o.status === 'refused')) process.exitCode = 1;
  if (!outcomes.some((o) => o.status === 'updated') || values['no-refresh']) return;
  if (!env.DATABASE_URL) {
    process.stderr.write('no DATABASE_URL: running workers pick the new lists up at their next scheduled refresh (SANCTIONS_REFRESH_MINUTES)\n');
    return;
  }
  const { loads } = await withDb(refreshWorkers);
  for (const l of loads) {
    const answer = l.error ? `cannot read its lists: ${l.error}` : l.changed ? 'screens with the new lists' : `unchanged; do its SANCTIONS_OFAC_DIR and SANCTIONS_UN_FILE point into ${into}?`;
    process.stderr.write(`worker ${l.worker}: ${answer}\n`);
  }
  if (loads.some((l) => l.error)) process.exitCode = 1;
}

export const commands = {
  'screen compare': (args) => {
    const [a, b, schema] = parse(args, {}, { positionals: true }).positionals;
    if (!a || !b) throw new UsageError('two names are required');
    print({ name_a: a, name_b: b, ...compareNames(a, b, schema) });
  },
  'screen name': async (args) => {
    const { values, positionals } = parse(args, { type: { type: 'string' }, country: { type: 'string' }, dob: { type: 'string' } }, { positionals: true });
    const [name] = positionals;
    if (!name) throw new UsageError('a name is required');
    const parsed = partyAttributesSchema.safeParse({ entity_type: values.type, country: values.country, date_of_birth: values.dob });
    if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `--${{ entity_type: 'type', country: 'country', date_of_birth: 'dob' }[String(i.path[0])]}: ${i.message}`).join('\n'));
    const attributes = { entityType: parsed.data.entity_type, country: parsed.data.country, dateOfBirth: parsed.data.date_of_birth };
    const { screener, thresholds } = await loadLists();
    print({ name, thresholds, matches: topMatches(screener, name, thresholds.review, attributes) });
  },
  'screen batch': async (args) => {
    // A CSV of pairs (name1,name2[,schema]) scores each pair; a CSV of single names screens each.
    const [file] = parse(args, {}, { positionals: true }).positionals;
    if (!file) throw new UsageError('a CSV file is required');
    const rows = parseCsv(readFileSync(file, 'utf8'));
    const { screener, thresholds } = await loadLists();
    const header = rows[0]?.map((h) => h.trim().toLowerCase()) ?? [];
    const col = (name: string) => header.indexOf(name);
    const hasHeader = col('name') >= 0 || col('name1') >= 0;
    for (const row of hasHeader ? rows.slice(1) : rows) {
      const [a, b, schema] = col('name1') >= 0 ? [row[col('name1')], row[col('name2')], row[col('schema')]] : [row[Math.max(0, col('name'))], undefined, undefined];
      if (!a) continue;
      print(b ? { name_a: a, name_b: b, ...compareNames(a, b, schema) } : { name: a, matches: topMatches(screener, a, thresholds.review, {}, 3) }, false);
    }
  },
  'lists status': async (args) => {
    parse(args, {});
    // What the configured sources hold now, and what each running worker screens with.
    const { lists, screener } = await loadLists();
    const workers = (await withDb(latestListLoads)).map(presentListLoad);
    print({ configured: lists.map((l) => l.version), spellings: screener.spellingCount, wallets: screener.walletCount, workers });
  },
  'lists refresh': async (args) => {
    parse(args, {});
    const { requestId, loads } = await withDb(refreshWorkers);
    print({ request_id: requestId, loads: loads.map(presentListLoad) });
    if (loads.some((l) => l.error)) process.exitCode = 1;
  },
  'lists fetch': fetchCurrentLists,
} satisfies CommandRunners;
