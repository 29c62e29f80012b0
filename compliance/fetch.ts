// `lockstep lists fetch`: the publishers' current lists downloaded into a deployment's lists
// folder, in the snapshot's layout (listsLayout), checked with the engine's own readers and
// swapped in whole, so a worker reading the folder at any moment finds a complete, good
// version of each list, and the previous one whenever a download is refused.

import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readdir, readFile, readlink, realpath, rename, rm, symlink } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { listsLayout, REFERENCE_DIR } from '../config/paths.ts';
import { contentHash, listSources, type ListSource } from './lists.ts';
import { OFAC_CSV_FILES } from './ofac.ts';
import { fetchDocument, locationIn } from './sources.ts';
import { SanctionsListError } from './sanctionsList.ts';

export interface PublicationSettings {
  /** Base URL of OFAC's legacy CSV files, named as OFAC publishes them (SDN.CSV, ALT.CSV, ADD.CSV, SDN_COMMENTS.CSV); empty for none. */
  SANCTIONS_OFAC_SOURCE_URL?: string | undefined;
  /** URL of the UN consolidated list (XML); empty for none. */
  SANCTIONS_UN_SOURCE_URL?: string | undefined;
}

export interface FetchOutcome {
  list: string;
  status: 'updated' | 'unchanged' | 'refused';
  /** Entries of the downloaded publication; null when it was refused before it was read. */
  entryCount: number | null;
  /** Entries of the list the folder held before; null when it held none that reads. */
  previousEntryCount: number | null;
  contentHash: string | null;
  /** Where the publication was downloaded from. */
  source: string;
  error?: string;
}

type Progress = (line: string) => void;

/** Publishers add and remove a few entries at a time; a larger drop is far likelier a file cut at a line. */
const MAX_DROP = 0.2;

// application/octet-stream is what object stores and mirrors serve files of unknown type as.
const CSV_TYPES = ['text/csv', 'text/plain', 'application/csv', 'text/comma-separated-values', 'application/vnd.ms-excel', 'application/octet-stream'];
const XML_TYPES = ['application/xml', 'text/xml', 'application/octet-stream'];

/** Holds the version folders behind a list kept as a symlinked folder: the current one and the previous. */
const VERSIONS = '.versions';

interface Publication {
  /** The engine's reader over what the folder holds for this list. */
  installed: ListSource;
  source: string;
  /** The documents to download, in the order the reader takes them. */
  urls: string[];
  mediaTypes: string[];
  /** Puts documents that passed every check in place of the folder's, in one step. */
  install(documents: Buffer[], hash: string, previousHash: string | null, progress: Progress): Promise<void>;
}

function publications(dir: string, settings: PublicationSettings): Publication[] {
  const { ofacDir, unFile } = listsLayout(dir);
  const found: Publication[] = [];
  const ofac = settings.SANCTIONS_OFAC_SOURCE_URL;
  if (ofac) {
    found.push({
      installed: listSources({ SANCTIONS_OFAC_DIR: ofacDir })[0]!,
      source: ofac,
      // OFAC names its files in upper case; the folder holds them under the reader's names.
      urls: OFAC_CSV_FILES.map((f) => locationIn(ofac, f.toUpperCase())),
      mediaTypes: CSV_TYPES,
      install: (documents, hash, previousHash, progress) => swapFolder(ofacDir, OFAC_CSV_FILES, documents, hash, previousHash, progress),
    });
  }
  const un = settings.SANCTIONS_UN_SOURCE_URL;
  if (un) {
    found.push({ installed: listSources({ SANCTIONS_UN_FILE: unFile })[0]!, source: un, urls: [un], mediaTypes: XML_TYPES, install: ([xml]) => replaceFile(unFile, xml!) });
  }
  return found;
}

/**
 * Downloads each configured publication into `into` and swaps it in when it passes the
 * checks. Lists are independent: one refused leaves that list as it was and the others'
 * updates in place.
 */
export async function fetchLists({ into, sources, allowDrop = false, progress = () => {} }: { into: string; sources: PublicationSettings; allowDrop?: boolean; progress?: Progress }): Promise<FetchOutcome[]> {
  const dir = resolve(into);
  if (isWithin(await realPathOf(dir), await realPathOf(REFERENCE_DIR))) {
    throw new SanctionsListError(`refusing to fetch into ${dir}: it is inside ${REFERENCE_DIR}, the snapshot that ships with the engine, which a fetch never overwrites; choose a folder of the deployment's own`);
  }
  const lists = publications(dir, sources);
  if (!lists.length) throw new SanctionsListError('nothing to fetch: SANCTIONS_OFAC_SOURCE_URL and SANCTIONS_UN_SOURCE_URL are both empty');
  await mkdir(dir, { recursive: true });
  return Promise.all(lists.map((p) => fetchList(p, dir, allowDrop, progress)));
}

async function fetchList(p: Publication, dir: string, allowDrop: boolean, progress: Progress): Promise<FetchOutcome> {
  const { list } = p.installed;
  const outcome: FetchOutcome = { list, status: 'refused', entryCount: null, previousEntryCount: null, contentHash: null, source: p.source };
  try {
    progress(`${list}: downloading from ${p.source}`);
    const documents = await Promise.all(
      p.urls.map((url) =>
        fetchDocument(url, p.mediaTypes).then(
          (d) => d.bytes,
          (err: unknown) => {
            throw new SanctionsListError(`cannot fetch ${url}: ${(err as Error).message}`);
          },
        ),
      ),
    );
    outcome.contentHash = contentHash(documents);
    outcome.entryCount = entryCount(p, documents);
    const current = await installedDocuments(p.installed);
    const currentHash = current && contentHash(current);
    if (currentHash === outcome.contentHash) {
      progress(`${list}: unchanged (${outcome.entryCount} entries)`);
      return { ...outcome, status: 'unchanged', previousEntryCount: outcome.entryCount };
    }
    outcome.previousEntryCount = current && previousEntryCount(p, current, progress);
    const previous = outcome.previousEntryCount;
    if (previous && outcome.entryCount < previous * (1 - MAX_DROP) && !allowDrop) {
      const drop = Math.round((1 - outcome.entryCount / previous) * 100);
      throw new SanctionsListError(`${p.source} lists ${outcome.entryCount} entries against ${previous} in ${dir}, ${drop}% fewer: more than the ${MAX_DROP * 100}% a publication drops at once, so probably cut short; --allow-drop takes it if the drop is real`);
    }
    await p.install(documents, outcome.contentHash, currentHash, progress);
    progress(`${list}: updated (${outcome.entryCount} entries, ${previous ?? 'none'} before)`);
    return { ...outcome, status: 'updated' };
  } catch (err) {
    const error = `${list} not updated: ${(err as Error).message}; the ${list} list in ${dir} is unchanged`;
    progress(error);
    return { ...outcome, error };
  }
}

function entryCount(p: Publication, documents: Buffer[]): number {
  let count: number;
  try {
    count = p.installed.parse(documents).entries.length;
  } catch (err) {
    throw new SanctionsListError(`${p.source} does not read as ${p.installed.list}: ${(err as Error).message}`, { cause: err });
  }
  if (!count) throw new SanctionsListError(`${p.source} has no entries`);
  return count;
}

/** The documents the folder holds for the list now, or null when it holds none that can be read. */
async function installedDocuments(source: ListSource): Promise<Buffer[] | null> {
  try {
    return await Promise.all((await source.locate()).map((l) => readFile(l)));
  } catch {
    return null;
  }
}

/** A list in the folder that no longer reads is no measure for the new one, and is replaced. */
function previousEntryCount(p: Publication, documents: Buffer[], progress: Progress): number | null {
  try {
    return p.installed.parse(documents).entries.length;
  } catch (err) {
    progress(`${p.installed.list}: the list in the folder does not read (${(err as Error).message}); replacing it`);
    return null;
  }
}

const stagingName = (name: string) => `.${name}.${randomBytes(6).toString('hex')}`;

/** Flushed to disk, so a rename after it never puts in place a file the disk does not hold yet. */
async function writeDurably(file: string, bytes: Buffer): Promise<void> {
  const handle = await open(file, 'wx');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** One document replaced in one rename: a reader opens the old file or the new, never a part. */
async function replaceFile(file: string, bytes: Buffer): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const staging = join(dirname(file), stagingName(basename(file)));
  try {
    await writeDurably(staging, bytes);
    await rename(staging, file);
  } finally {
    await rm(staging, { force: true });
  }
}

/**
 * Documents that must change together: `folder` is a symlink to a version folder in
 * .versions, and a new symlink renamed over it moves every document at once. The previous
 * version stays, for a reader that resolved the link just before (see locationsIn).
 */
async function swapFolder(folder: string, names: readonly string[], documents: Buffer[], hash: string, previousHash: string | null, progress: Progress): Promise<void> {
  const lists = dirname(folder);
  const versions = join(lists, VERSIONS);
  const list = basename(folder);
  const version = `${list}-${hash.slice(0, 12)}`;
  await mkdir(versions, { recursive: true });
  const staging = join(versions, stagingName(version));
  try {
    await mkdir(staging);
    await Promise.all(names.map((n, i) => writeDurably(join(staging, n), documents[i]!)));
    // A version that comes back (a change undone) was the one before the previous: rewritten whole.
    await rm(join(versions, version), { recursive: true, force: true });
    await rename(staging, join(versions, version));
  } finally {
    await rm(staging, { recursive: true, force: true });
  }

  const existing = await lstat(folder).catch(() => null);
  let previous: string | null = null;
  if (existing?.isSymbolicLink()) previous = basename(await readlink(folder));
  else if (existing?.isDirectory()) {
    // The older layout, a plain folder, cannot be replaced by a rename: it becomes the previous version.
    previous = `${list}-${previousHash?.slice(0, 12) ?? 'unreadable'}`;
    await rename(folder, join(versions, previous));
    progress(`${list}: ${folder} was a plain folder (an older layout); moved it to ${join(versions, previous)} as the previous version`);
  }
  const link = join(lists, stagingName(list));
  await symlink(join(VERSIONS, version), link);
  await rename(link, folder).catch(async (err: unknown) => {
    await rm(link, { force: true });
    throw err;
  });

  // Only the versions of this list, and what an interrupted fetch left of them.
  const stale = (await readdir(versions)).filter((e) => e !== version && e !== previous && e.replace(/^\./, '').startsWith(`${list}-`));
  await Promise.all(stale.map((e) => rm(join(versions, e), { recursive: true, force: true }))).catch((err: unknown) => {
    progress(`${list}: could not delete older versions in ${versions}: ${(err as Error).message}`);
  });
}

/** `path` with its symlinks resolved as far as it exists, so a link into reference/ counts as reference/. */
async function realPathOf(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    const parent = dirname(path);
    return parent === path ? path : join(await realPathOf(parent), basename(path));
  }
}

function isWithin(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}
