// Lists read from URLs, versioned, and swapped in one step by a refresh, against a real
// local HTTP server standing in for the publisher.

import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_LISTS_DIR } from '../config/paths.ts';
import { listSources, ScreeningIndex } from './lists.ts';
import { OFAC_CSV_FILES } from './ofac.ts';
import { DEFAULT_THRESHOLDS as thresholds } from '../domain/thresholds.ts';

const data = BUNDLED_LISTS_DIR;
const unXml = readFileSync(join(data, 'un/consolidated.xml'), 'utf8');
// The same list without ERIC BADEGE (CDi.001), as a later publication might be.
const withoutBadege = unXml.replace(/<INDIVIDUAL>(?:(?!<\/INDIVIDUAL>)[\s\S])*?CDi\.001[\s\S]*?<\/INDIVIDUAL>/, '');
const LAST_MODIFIED = 'Tue, 17 Mar 2026 08:00:00 GMT';

let server: Server;
let base: string;
const served: Record<string, { status: number; body: string | Buffer }> = {};

beforeAll(async () => {
  served['/un.xml'] = { status: 200, body: unXml };
  for (const f of OFAC_CSV_FILES) served[`/ofac/${f}`] = { status: 200, body: readFileSync(join(data, 'ofac-sdn', f)) };
  server = createServer((req, res) => {
    const doc = served[req.url ?? ''];
    res.writeHead(doc?.status ?? 404, { 'last-modified': LAST_MODIFIED }).end(doc?.body ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

const party = (name: string) => [{ role: 'buyer', name, walletAddress: '0x1111111111111111111111111111111111111111' }];

describe('list sources and refresh', () => {
  it("reads OFAC's CSV files under a base URL, dated by the server's Last-Modified", async () => {
    const index = await ScreeningIndex.load(listSources({ SANCTIONS_OFAC_DIR: `${base}/ofac` }));
    expect(index.screener.versions).toEqual([
      expect.objectContaining({ list: 'ofac-sdn', entryCount: expect.any(Number), publishedAt: new Date(LAST_MODIFIED).toISOString() }),
    ]);
    expect(index.screener.screen(party('Banco Nacional de Cuba'), { thresholds }).outcome).toBe('failed');
  });

  it('swaps in a changed list in one step, keeps the old one until then, and keeps it when a refresh fails', async () => {
    served['/un.xml'] = { status: 200, body: unXml };
    const index = await ScreeningIndex.load(listSources({ SANCTIONS_UN_FILE: `${base}/un.xml` }));
    const first = index.screener;
    expect(first.versions[0]).toMatchObject({ list: 'un-consolidated', publishedAt: '2026-02-27T00:00:09.554Z' });
    expect(first.screen(party('Eric Badege'), { thresholds }).outcome).toBe('failed');

    // Unchanged content: nothing rebuilt.
    expect(await index.refresh()).toMatchObject({ changed: false });
    expect(index.screener).toBe(first);

    served['/un.xml'] = { status: 200, body: withoutBadege };
    const refreshing = index.refresh();
    // Concurrent requests share the refresh; screening meanwhile answers from the complete old index.
    expect(index.refresh()).toBe(refreshing);
    expect(index.screener.screen(party('Eric Badege'), { thresholds }).outcome).toBe('failed');
    const outcome = await refreshing;
    expect(outcome.changed).toBe(true);
    expect(outcome.versions[0]!.entryCount).toBe(first.versions[0]!.entryCount - 1);
    expect(outcome.versions[0]!.contentHash).not.toBe(first.versions[0]!.contentHash);
    expect(index.screener.screen(party('Eric Badege'), { thresholds }).outcome).toBe('cleared');

    const current = index.screener;
    served['/un.xml'] = { status: 503, body: 'maintenance' };
    await expect(index.refresh()).rejects.toThrow(/un\.xml \(HTTP 503\); check SANCTIONS_UN_FILE/);
    served['/un.xml'] = { status: 200, body: '<html>moved</html>' };
    await expect(index.refresh()).rejects.toThrow(/no CONSOLIDATED_LIST root.*check SANCTIONS_UN_FILE/);
    expect(index.screener).toBe(current);
  });

  it("reads OFAC's SDN.XML instead of the CSV files when both are configured", async () => {
    const sources = listSources({ SANCTIONS_OFAC_DIR: `${base}/ofac`, SANCTIONS_OFAC_XML: join(import.meta.dirname, 'fixtures/sdn-sample.xml') });
    expect(sources.map((s) => s.setting)).toEqual(['SANCTIONS_OFAC_XML']);
    const index = await ScreeningIndex.load(sources);
    // The publication's own date wins over the file's modification time.
    expect(index.screener.versions[0]).toMatchObject({ list: 'ofac-sdn', entryCount: 6, publishedAt: '2026-02-27' });
    expect(index.screener.screen(party('Bank Saderat PLC'), { thresholds }).outcome).toBe('failed');
  });

  it('refuses to start with no list configured, since no list clears everyone', () => {
    expect(() => listSources({})).toThrow(/no sanctions list configured/);
  });
});
