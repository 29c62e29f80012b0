import { describe, expect, it, beforeAll } from 'vitest';
import { BUNDLED_LISTS_DIR } from '../config/paths.ts';
import { join } from 'node:path';
import { listSources, loadList } from './lists.ts';
import type { ListVersion, SanctionsEntry } from './sanctionsList.ts';

const file = join(BUNDLED_LISTS_DIR, 'un', 'consolidated.xml');
const unSource = (location: string) => listSources({ SANCTIONS_UN_FILE: location })[0]!;

describe('UN consolidated list reader', () => {
  let entries: SanctionsEntry[];
  let version: ListVersion;
  const entry = (id: string) => entries.find((e) => e.entryId === id)!;
  beforeAll(async () => {
    ({ entries, version } = await loadList(unSource(file)));
  });

  it('reads individuals and entities keyed by reference number', () => {
    expect(entries.length).toBeGreaterThan(900);
    expect(entries.some((e) => e.entityType === 'individual')).toBe(true);
    expect(entries.some((e) => e.entityType === 'entity')).toBe(true);
    expect(entry('CDi.001')).toEqual({
      list: 'un-consolidated',
      entryId: 'CDi.001',
      name: 'ERIC BADEGE',
      entityType: 'individual',
      programs: ['DRC'],
      // Its only alias element is empty.
      aliases: [],
      digitalCurrencyAddresses: [],
      // Nationality, then the country of its address.
      countries: ['CD', 'RW'],
      birthDates: [{ from: '1971-01-01', to: '1971-12-31' }],
    });
    expect(version).toMatchObject({
      list: 'un-consolidated',
      entryCount: entries.length,
      contentHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      // The list's own dateGenerated.
      publishedAt: '2026-02-27T00:00:09.554Z',
    });
  });

  it('reads exact dates, approximate years and ranges of years of birth', () => {
    const dates = entries.flatMap((e) => e.birthDates);
    expect(dates.length).toBeGreaterThan(800);
    expect(dates.every((d) => /^\d{4}-\d{2}-\d{2}$/.test(d.from) && d.from <= d.to)).toBe(true);
    expect(entry('IQi.002').birthDates.length).toBeGreaterThan(0);
  });

  it('joins all four name parts of an individual', () => {
    expect(entry('IQi.002').name).toBe('QUSAY SADDAM HUSSEIN AL-TIKRITI');
  });

  it('maps Good aliases to strong and Low ones to weak', () => {
    const aliases = entry('CDi.003').aliases;
    expect(aliases).toContainEqual({ name: 'Victor Rumuri', quality: 'strong' });
    expect(aliases).toContainEqual({ name: 'Rumuli', quality: 'weak' });
  });

  it('reads a lone alias element as a list', () => {
    expect(entry('IQi.001').aliases).toContainEqual({ name: 'Abu Ali', quality: 'weak' });
  });

  it('names an entity by its FIRST_NAME and treats a.k.a. aliases as strong', () => {
    const adf = entry('CDe.001');
    expect(adf).toMatchObject({ name: 'ADF', entityType: 'entity', programs: ['DRC'] });
    expect(adf.aliases).toContainEqual({ name: 'Allied Democratic Forces', quality: 'strong' });
  });

  it('adds original-script names as strong aliases, unwrapped', () => {
    expect(entry('IQi.001').aliases).toContainEqual({ name: 'صدام حسين التكريتي', quality: 'strong' });
    expect(entry('QDe.168').aliases).toContainEqual({ name: 'Катиба ат-Таухид валь-Джихад', quality: 'strong' });
    // Wrapped over two lines in the XML.
    expect(entry('QDi.426').aliases).toContainEqual({ name: 'أمیر محمد سعید عبد الرحمن السلبي', quality: 'strong' });
  });

  it('gives every entry a name and a unique id', () => {
    expect(entries.filter((e) => !e.name || !e.entryId)).toEqual([]);
    const ids = entries.map((e) => e.entryId);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it('names the file and SANCTIONS_UN_FILE when the list cannot be read', async () => {
    await expect(loadList(unSource('/nonexistent/consolidated.xml'))).rejects.toThrow(/\/nonexistent\/consolidated\.xml \(ENOENT\).*SANCTIONS_UN_FILE/);
  });

  it('refuses a document that is not the UN list, since no entries would clear everyone', async () => {
    await expect(loadList(unSource(join(import.meta.dirname, '../package.json')))).rejects.toThrow(/no CONSOLIDATED_LIST root.*SANCTIONS_UN_FILE/);
  });
});
