// npm run bench:screening: the screening index over the full shipped lists (build time,
// memory, latency of one party screening) and the name scorer's quality on the labelled
// pairs of reference/name-pairs/cases.csv at the review and fail thresholds.
// Prints figures; asserts nothing.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsv } from '../compliance/csv.ts';
import { compareNames } from '../compliance/nameScore.ts';
import { listSources, readLists, screenerOf } from '../compliance/lists.ts';
import { DEFAULT_THRESHOLDS as thresholds } from '../domain/thresholds.ts';
import { BUNDLED_LISTS_DIR, REFERENCE_DIR } from '../config/paths.ts';

const say = (line: string) => process.stdout.write(`${line}\n`);
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

const heapBefore = process.memoryUsage().heapUsed;
let started = performance.now();
const lists = await readLists(listSources({ SANCTIONS_LISTS_DIR: BUNDLED_LISTS_DIR }));
const readMs = performance.now() - started;
started = performance.now();
const screener = await screenerOf(lists);
const buildMs = performance.now() - started;
global.gc?.();
const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;

// Party screenings as the workflow runs them: one name and one wallet, taken from the lists
// (exact and with a letter changed) and from made-up names that should clear.
const entries = lists.flatMap((l) => l.entries);
const queries = entries.filter((_, i) => i % 7 === 0).flatMap((e, i) => [e.name, e.name.replace(/[aeiou]/i, 'x'), `Person ${i} Example`]);
const wallet = '0x1111111111111111111111111111111111111111';
const screenOne = (name: string) => screener.screen([{ role: 'buyer', name, walletAddress: wallet }], { thresholds });
for (const q of queries.slice(0, 200)) screenOne(q); // warm up
const latencies = queries.map((q) => {
  const t = performance.now();
  screenOne(q);
  return performance.now() - t;
});

// A refresh rebuilds the index in slices while the old one keeps screening: how long can a
// screening wait behind a slice? Measured as the longest gap between 1 ms timer ticks.
let longestPause = 0;
let lastTick = performance.now();
const ticker = setInterval(() => {
  const now = performance.now();
  longestPause = Math.max(longestPause, now - lastTick);
  lastTick = now;
}, 1);
started = performance.now();
await screenerOf(lists);
const rebuildMs = performance.now() - started;
clearInterval(ticker);

const rows = parseCsv(readFileSync(join(REFERENCE_DIR, 'name-pairs', 'cases.csv'), 'utf8')).slice(1);
const scored = rows.map(([, schema, a, b, match, quality]) => ({ score: compareNames(a!, b!, schema).score, match: match === 'true', quality }));
const quality = (threshold: number) => {
  const tp = scored.filter((c) => c.match && c.score >= threshold).length;
  const fp = scored.filter((c) => !c.match && c.score >= threshold).length;
  const fn = scored.filter((c) => c.match && c.score < threshold).length;
  const precision = tp / (tp + fp);
  const recall = tp / (tp + fn);
  const strongWrong = scored.filter((c) => c.quality === 'STRONG' && c.match !== c.score >= threshold).length;
  return `precision ${precision.toFixed(3)}  recall ${recall.toFixed(3)}  F1 ${((2 * precision * recall) / (precision + recall)).toFixed(3)}  STRONG pairs wrong ${strongWrong}`;
};

say(`Lockstep screening benchmark (${new Date().toISOString()}, Node ${process.version})`);
say(`  lists                 ${lists.map((l) => `${l.version.list} ${l.version.entryCount} entries`).join(', ')}`);
say(`  read lists            ${readMs.toFixed(0)} ms`);
say(`  build index           ${buildMs.toFixed(0)} ms, ${screener.spellingCount} spellings, ${global.gc ? '' : '~'}${heapMb.toFixed(0)} MB heap for lists and index`);
say(`  rebuild on refresh    ${rebuildMs.toFixed(0)} ms, longest pause for screenings meanwhile ${longestPause.toFixed(1)} ms`);
say(`  one party screening   p50 ${percentile(latencies, 50).toFixed(2)} ms   p99 ${percentile(latencies, 99).toFixed(2)} ms   (n=${latencies.length})`);
say(`  cases.csv (${scored.length} labelled pairs)`);
say(`    review ${thresholds.review.toFixed(2)}           ${quality(thresholds.review)}`);
say(`    fail   ${thresholds.fail.toFixed(2)}           ${quality(thresholds.fail)}`);
