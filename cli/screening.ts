// `lockstep screen ...` and `lockstep lists status`: the screening engine from the command
// line, over the configured lists (the dev stack's, or SANCTIONS_OFAC_DIR / SANCTIONS_UN_FILE).

import { readFileSync } from 'node:fs';
import { parseCsv } from '../compliance/csv';
import { compareNames } from '../compliance/nameScore';
import { readLists, screenerOf } from '../compliance/lists';
import type { Screener } from '../compliance/screening';
import { loadConfig } from '../config/config';
import { cliEnv } from '../stack/manifest';

const print = (value: unknown, pretty = true) => process.stdout.write(`${JSON.stringify(value, null, pretty ? 2 : undefined)}\n`);

async function loadLists() {
  const config = loadConfig(cliEnv(), ['SANCTIONS_OFAC_DIR', 'SANCTIONS_UN_FILE', 'SCREENING_REVIEW_THRESHOLD', 'SCREENING_FAIL_THRESHOLD']);
  const lists = await readLists({ ofacDir: config.SANCTIONS_OFAC_DIR, unFile: config.SANCTIONS_UN_FILE });
  const thresholds = { review: config.SCREENING_REVIEW_THRESHOLD, fail: config.SCREENING_FAIL_THRESHOLD };
  return { lists, screener: screenerOf(lists, [], thresholds), thresholds };
}

function topMatches(screener: Screener, name: string, limit = 5) {
  return screener.matchName(name).slice(0, limit).map((m) => ({
    list: m.spelling.entry.list,
    entry_id: m.spelling.entry.entryId,
    entry_name: m.spelling.entry.name,
    matched: m.spelling.name,
    quality: m.spelling.quality,
    score: m.score,
    reason: m.reason,
  }));
}

export async function runScreen(command: string, args: string[]): Promise<void> {
  if (command === 'compare') {
    const [a, b, schema] = args;
    if (!a || !b) throw new Error('usage: lockstep screen compare "<name a>" "<name b>" [Person|Company]');
    print({ name_a: a, name_b: b, ...compareNames(a, b, schema) });
    return;
  }
  const { screener, thresholds } = await loadLists();
  if (command === 'name') {
    const [name] = args;
    if (!name) throw new Error('usage: lockstep screen name "<name>"');
    print({ name, thresholds, matches: topMatches(screener, name) });
    return;
  }
  if (command === 'batch') {
    // A CSV of pairs (name1,name2[,schema]) scores each pair; a CSV of single names screens each.
    const [file] = args;
    if (!file) throw new Error('usage: lockstep screen batch <file.csv>');
    const rows = parseCsv(readFileSync(file, 'utf8'));
    const header = rows[0]?.map((h) => h.trim().toLowerCase()) ?? [];
    const col = (name: string) => header.indexOf(name);
    const hasHeader = col('name') >= 0 || col('name1') >= 0;
    for (const row of hasHeader ? rows.slice(1) : rows) {
      const [a, b, schema] = col('name1') >= 0 ? [row[col('name1')], row[col('name2')], row[col('schema')]] : [row[Math.max(0, col('name'))], undefined, undefined];
      if (!a) continue;
      print(b ? { name_a: a, name_b: b, ...compareNames(a, b, schema) } : { name: a, matches: topMatches(screener, a, 3) }, false);
    }
    return;
  }
  throw new Error(`unknown screen command: ${command}`);
}

export async function runLists(command: string): Promise<void> {
  if (command !== 'status') throw new Error(`unknown lists command: ${command} (lists status)`);
  const { lists, screener } = await loadLists();
  print({ lists: lists.map((l) => l.version), spellings: screener.spellingCount, wallets: screener.walletCount });
}
