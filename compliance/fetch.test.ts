// `lockstep lists fetch` against a real local HTTP server standing in for OFAC and the UN,
// serving the shipped snapshot and publications made from it: what is swapped in, how a
// running index picks it up, and every way a download is refused with the folder untouched.

import { createHash } from 'node:crypto';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BUNDLED_LISTS_DIR, listsLayout, REFERENCE_DIR } from '../config/paths.ts';
import { fetchLists, type FetchOutcome } from './fetch.ts';
import { contentHash, listSources, ScreeningIndex } from './lists.ts';
import { OFAC_CSV_FILES } from './ofac.ts';
import { DEFAULT_THRESHOLDS as thresholds } from '../domain/thresholds.ts';

const bundled = listsLayout(BUNDLED_LISTS_DIR);
const ofacFiles = Object.fromEntries(OFAC_CSV_FILES.map((f) => [f, readFileSync(join(bundled.ofacDir, f))]));
const sdn = ofacFiles['sdn.csv']!;
const unXml = readFileSync(bundled.unFile);

// Later publications, each adding an entry: OFAC's before the closing DOS end-of-file line.
const withEntry = (csv: Buffer, id: number, name: string) => {
  const end = csv.lastIndexOf('\x1a');
  return Buffer.concat([csv.subarray(0, end), Buffer.from(`${id},"${name}",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n`, 'latin1'), csv.subarray(end)]);
};
const newerSdn = withEntry(sdn, 99_999_001, 'ZYLOVANT QUORBEX TRADING LLC');
const newestSdn = withEntry(newerSdn, 99_999_002, 'XENTHARO PLIMWICK HOLDINGS');
const newerUn = Buffer.from(
  unXml.toString('utf8').replace('<INDIVIDUALS>', '<INDIVIDUALS><INDIVIDUAL><DATAID>99999001</DATAID><REFERENCE_NUMBER>QDi.999</REFERENCE_NUMBER><FIRST_NAME>QUILLAN</FIRST_NAME><SECOND_NAME>VORTHESK</SECOND_NAME><UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE></INDIVIDUAL>'),
);
const ofacHash = (sdnCsv: Buffer) => contentHash(OFAC_CSV_FILES.map((f) => (f === 'sdn.csv' ? sdnCsv : ofacFiles[f]!)));
const version = (sdnCsv: Buffer) => `ofac-sdn-${ofacHash(sdnCsv).slice(0, 12)}`;

interface Served {
  body: Buffer | string;
  status?: number;
  type?: string;
  /** Announce the whole body, send this many bytes of it, then close the connection. */
  closeAfter?: number;
}

const served = new Map<string, Served>();
const publish = ({ sdn: sdnCsv = sdn, un = unXml }: { sdn?: Buffer; un?: Buffer } = {}) => {
  for (const f of OFAC_CSV_FILES) served.set(`/ofac/${f.toUpperCase()}`, { body: f === 'sdn.csv' ? sdnCsv : ofacFiles[f]! });
  served.set('/un/consolidated.xml', { body: un, type: 'application/xml' });
};

let server: Server;
let base: string;
let work: string;
let seed: string;
let seeded: FetchOutcome[];
const sources = () => ({ SANCTIONS_OFAC_SOURCE_URL: `${base}/ofac/`, SANCTIONS_UN_SOURCE_URL: `${base}/un/consolidated.xml` });
const ofacOnly = () => ({ SANCTIONS_OFAC_SOURCE_URL: `${base}/ofac/` });
const unOnly = () => ({ SANCTIONS_UN_SOURCE_URL: `${base}/un/consolidated.xml` });

beforeAll(async () => {
  server = createServer((req, res) => {
    const doc = served.get(req.url ?? '');
    if (!doc) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    const body = Buffer.from(doc.body);
    res.writeHead(doc.status ?? 200, { 'content-type': doc.type ?? 'text/csv', 'content-length': body.length });
    if (doc.closeAfter === undefined) res.end(body);
    else res.write(body.subarray(0, doc.closeAfter), () => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  work = mkdtempSync(join(tmpdir(), 'lockstep-fetch-'));
  // Every test starts from a folder one fetch of the snapshot made, copied.
  publish();
  seed = join(work, 'seed');
  seeded = await fetchLists({ into: seed, sources: sources() });
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(work, { recursive: true, force: true });
});

beforeEach(() => publish());

let copies = 0;
const copyOfSeed = () => {
  const dir = join(work, `lists-${++copies}`);
  cpSync(seed, dir, { recursive: true, verbatimSymlinks: true });
  return dir;
};

/** Every entry under `dir`: a file by its content and identity (so a rewrite shows), a symlink by its target. */
function tree(dir: string, at = ''): Record<string, string> {
  return Object.fromEntries(
    readdirSync(join(dir, at)).flatMap((name) => {
      const path = join(at, name);
      const info = lstatSync(join(dir, path));
      if (info.isSymbolicLink()) return [[path, `-> ${readlinkSync(join(dir, path))}`]];
      if (info.isDirectory()) return [[path, 'folder'], ...Object.entries(tree(dir, path))];
      return [[path, `${createHash('sha256').update(readFileSync(join(dir, path))).digest('hex')} ${info.ino} ${info.mtimeMs}`]];
    }),
  );
}

const party = (name: string) => [{ role: 'buyer', name, walletAddress: '0x1111111111111111111111111111111111111111' }];
const ofacCount = () => seeded[0]!.entryCount!;
const unCount = () => seeded[1]!.entryCount!;

describe('lists fetch', () => {
  it('fills an empty folder in the snapshot layout, the OFAC files behind a symlink to their version', () => {
    expect(seeded).toEqual([
      { list: 'ofac-sdn', status: 'updated', entryCount: expect.any(Number), previousEntryCount: null, contentHash: ofacHash(sdn), source: `${base}/ofac/` },
      { list: 'un-consolidated', status: 'updated', entryCount: expect.any(Number), previousEntryCount: null, contentHash: contentHash([unXml]), source: `${base}/un/consolidated.xml` },
    ]);
    expect(ofacCount()).toBeGreaterThan(8900);
    const { ofacDir, unFile } = listsLayout(seed);
    expect(readlinkSync(ofacDir)).toBe(join('.versions', version(sdn)));
    for (const f of OFAC_CSV_FILES) expect(readFileSync(join(ofacDir, f)).equals(ofacFiles[f]!)).toBe(true);
    expect(readFileSync(unFile).equals(unXml)).toBe(true);
    // No staging file or folder is left behind.
    expect(Object.keys(tree(seed)).sort()).toEqual(['.versions', join('.versions', version(sdn)), ...OFAC_CSV_FILES.map((f) => join('.versions', version(sdn), f)), 'ofac-sdn', 'un', join('un', 'consolidated.xml')].sort());
  });

  it('swaps in newer publications, which an index loaded before picks up on refresh, keeping only the previous version', async () => {
    const dir = copyOfSeed();
    const { ofacDir, unFile } = listsLayout(dir);
    const index = await ScreeningIndex.load(listSources({ SANCTIONS_OFAC_DIR: ofacDir, SANCTIONS_UN_FILE: unFile }));
    const screen = (name: string) => index.screener.screen(party(name), { thresholds }).outcome;
    expect(screen('Zylovant Quorbex Trading LLC')).toBe('cleared');
    expect(screen('Quillan Vorthesk')).toBe('cleared');

    publish({ sdn: newerSdn, un: newerUn });
    const [ofac, un] = await fetchLists({ into: dir, sources: sources() });
    expect(ofac).toMatchObject({ status: 'updated', entryCount: ofacCount() + 1, previousEntryCount: ofacCount(), contentHash: ofacHash(newerSdn) });
    expect(un).toMatchObject({ status: 'updated', entryCount: unCount() + 1, previousEntryCount: unCount(), contentHash: contentHash([newerUn]) });
    expect(readlinkSync(ofacDir)).toBe(join('.versions', version(newerSdn)));
    expect(readdirSync(join(dir, '.versions')).sort()).toEqual([version(sdn), version(newerSdn)].sort());
    expect(readFileSync(join(ofacDir, 'sdn.csv')).equals(newerSdn)).toBe(true);
    expect(readFileSync(unFile).equals(newerUn)).toBe(true);

    // Until the refresh the index screens with what it loaded; after it, with what was fetched.
    expect(screen('Zylovant Quorbex Trading LLC')).toBe('cleared');
    expect(await index.refresh()).toMatchObject({ changed: true });
    expect(index.screener.versions.map((v) => v.contentHash)).toEqual([ofac!.contentHash, un!.contentHash]);
    expect(screen('Zylovant Quorbex Trading LLC')).toBe('failed');
    expect(screen('Quillan Vorthesk')).toBe('failed');

    publish({ sdn: newestSdn });
    expect(await fetchLists({ into: dir, sources: ofacOnly() })).toEqual([expect.objectContaining({ status: 'updated', previousEntryCount: ofacCount() + 1 })]);
    expect(readdirSync(join(dir, '.versions')).sort()).toEqual([version(newerSdn), version(newestSdn)].sort());
  });

  it('reports an unchanged publication as unchanged and rewrites nothing', async () => {
    const dir = copyOfSeed();
    const before = tree(dir);
    expect(await fetchLists({ into: dir, sources: sources() })).toEqual([
      expect.objectContaining({ list: 'ofac-sdn', status: 'unchanged', entryCount: ofacCount(), previousEntryCount: ofacCount(), contentHash: ofacHash(sdn) }),
      expect.objectContaining({ list: 'un-consolidated', status: 'unchanged', entryCount: unCount(), previousEntryCount: unCount() }),
    ]);
    expect(tree(dir)).toEqual(before);
  });

  const half = Math.floor(sdn.length / 2);
  it.each([
    { what: 'a file whose connection closes halfway', path: '/ofac/SDN.CSV', doc: { body: sdn, closeAfter: half }, error: /cannot fetch http:\S+\/ofac\/SDN\.CSV: the document was cut off/ },
    { what: 'an HTML page', path: '/ofac/ALT.CSV', doc: { body: '<html><body>Service unavailable</body></html>', type: 'text/html' }, error: /cannot fetch http:\S+\/ofac\/ALT\.CSV: Content-Type text\/html, not one of text\/csv/ },
    { what: 'JSON', path: '/un/consolidated.xml', doc: { body: '{"error": "rate limited"}', type: 'application/json' }, error: /consolidated\.xml: Content-Type application\/json/ },
    { what: 'a server error', path: '/un/consolidated.xml', doc: { body: 'oops', status: 500, type: 'text/plain' }, error: /cannot fetch http:\S+\/un\/consolidated\.xml: HTTP 500/ },
    { what: 'XML cut in the middle', path: '/un/consolidated.xml', doc: { body: unXml.subarray(0, unXml.length / 2), type: 'application/xml' }, error: /consolidated\.xml does not read as un-consolidated: the XML is cut short/ },
  ])('refuses $what and leaves the folder as it was', async ({ path, doc, error }) => {
    const dir = copyOfSeed();
    const before = tree(dir);
    const ofac = path.startsWith('/ofac/');
    served.set(path, doc);
    const [outcome, ...others] = await fetchLists({ into: dir, sources: ofac ? ofacOnly() : unOnly() });
    const list = ofac ? 'ofac-sdn' : 'un-consolidated';
    expect(others).toEqual([]);
    expect(outcome).toMatchObject({ list, status: 'refused', error: expect.stringMatching(error) });
    expect(outcome!.error!.endsWith(`; the ${list} list in ${dir} is unchanged`)).toBe(true);
    expect(tree(dir)).toEqual(before);
  });

  it('refuses a publication with over 20% fewer entries, a file cut at a line, unless the drop is allowed', async () => {
    const dir = copyOfSeed();
    const before = tree(dir);
    const cut = sdn.subarray(0, sdn.lastIndexOf('\n', half) + 1);
    publish({ sdn: cut });
    const [refused] = await fetchLists({ into: dir, sources: ofacOnly() });
    expect(refused).toMatchObject({ status: 'refused', previousEntryCount: ofacCount(), error: expect.stringMatching(/lists \d+ entries against \d+ in .*, \d+% fewer/) });
    expect(tree(dir)).toEqual(before);

    expect(await fetchLists({ into: dir, sources: ofacOnly(), allowDrop: true })).toEqual([expect.objectContaining({ status: 'updated', entryCount: refused!.entryCount })]);
    expect(readFileSync(join(listsLayout(dir).ofacDir, 'sdn.csv')).equals(cut)).toBe(true);
  });

  it('keeps a good OFAC update when the UN download is refused, and says the run failed', async () => {
    const dir = copyOfSeed();
    const unBefore = tree(join(dir, 'un'));
    publish({ sdn: newerSdn });
    served.set('/un/consolidated.xml', { body: 'maintenance', status: 503, type: 'text/plain' });
    const outcomes = await fetchLists({ into: dir, sources: sources() });
    expect(outcomes.map((o) => o.status)).toEqual(['updated', 'refused']);
    expect(readFileSync(join(listsLayout(dir).ofacDir, 'sdn.csv')).equals(newerSdn)).toBe(true);
    expect(tree(join(dir, 'un'))).toEqual(unBefore);
  });

  it('says which server it cannot reach, and leaves the folder as it was', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const dir = copyOfSeed();
    const before = tree(dir);
    const outcomes = await fetchLists({ into: dir, sources: { SANCTIONS_OFAC_SOURCE_URL: `http://127.0.0.1:${port}/ofac/`, SANCTIONS_UN_SOURCE_URL: `http://127.0.0.1:${port}/un.xml` } });
    expect(outcomes.map((o) => o.error)).toEqual([
      expect.stringMatching(new RegExp(`^ofac-sdn not updated: cannot fetch http://127\\.0\\.0\\.1:${port}/ofac/SDN\\.CSV: connect ECONNREFUSED .*; the ofac-sdn list in .* is unchanged$`)),
      expect.stringMatching(new RegExp(`^un-consolidated not updated: cannot fetch http://127\\.0\\.0\\.1:${port}/un\\.xml: connect ECONNREFUSED`)),
    ]);
    expect(tree(dir)).toEqual(before);
  });

  it('moves a plain ofac-sdn folder, the older layout, into .versions as the previous version', async () => {
    const dir = join(work, 'plain');
    cpSync(BUNDLED_LISTS_DIR, dir, { recursive: true });
    publish({ sdn: newerSdn });
    const progress: string[] = [];
    expect(await fetchLists({ into: dir, sources: ofacOnly(), progress: (line) => progress.push(line) })).toEqual([expect.objectContaining({ status: 'updated', previousEntryCount: ofacCount() })]);
    expect(progress).toContainEqual(expect.stringMatching(/was a plain folder \(an older layout\); moved it to .*ofac-sdn-/));
    expect(readlinkSync(join(dir, 'ofac-sdn'))).toBe(join('.versions', version(newerSdn)));
    expect(readFileSync(join(dir, '.versions', version(sdn), 'sdn.csv')).equals(sdn)).toBe(true);
  });

  it("never writes into the repository's reference/ folder, the shipped snapshot", async () => {
    const link = join(work, 'reference-link');
    symlinkSync(REFERENCE_DIR, link);
    for (const into of [BUNDLED_LISTS_DIR, join(BUNDLED_LISTS_DIR, 'current'), join(link, 'sanctions', 'current')]) {
      await expect(fetchLists({ into, sources: sources() })).rejects.toThrow(/refusing to fetch into .*: it is inside .*reference, the snapshot that ships with the engine/);
    }
    expect(existsSync(join(BUNDLED_LISTS_DIR, 'current'))).toBe(false);
    expect(readdirSync(BUNDLED_LISTS_DIR).sort()).toEqual(['ofac-sdn', 'un']);
  });
});

describe('OFAC CSV reader over a symlinked folder', () => {
  it('resolves the link once per load, so a swap meanwhile cannot mix two versions', async () => {
    const dir = join(work, 'swapped');
    for (const v of ['v1', 'v2']) {
      mkdirSync(join(dir, v), { recursive: true });
      for (const f of OFAC_CSV_FILES) writeFileSync(join(dir, v, f), `${v} ${f}`);
    }
    symlinkSync('v1', join(dir, 'ofac-sdn'));
    const source = listSources({ SANCTIONS_OFAC_DIR: join(dir, 'ofac-sdn') })[0]!;
    const located = await source.locate();
    expect(located).toEqual(OFAC_CSV_FILES.map((f) => join(realpathSync(dir), 'v1', f)));

    symlinkSync('v2', join(dir, 'next'));
    renameSync(join(dir, 'next'), join(dir, 'ofac-sdn'));
    expect(located.map((l) => readFileSync(l, 'utf8'))).toEqual(OFAC_CSV_FILES.map((f) => `v1 ${f}`));
    expect(await source.locate()).toEqual(OFAC_CSV_FILES.map((f) => join(realpathSync(dir), 'v2', f)));
  });
});
