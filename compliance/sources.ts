// Where a list's documents come from: a local file or an http(s) URL, so a deployment can
// point straight at the publisher or at its own mirror.

import { readFile, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SanctionsListError } from './sanctionsList.ts';

export interface SourceDocument {
  location: string;
  bytes: Buffer;
  /** When the file or the served document last changed, if known (ISO 8601). */
  modifiedAt: string | null;
}

/** The lists are a few MB; anything far larger is not a sanctions list. */
const MAX_BYTES = 256 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 120_000;

const isUrl = (location: string) => /^https?:\/\//i.test(location);

/** A document inside a folder or under a base URL. */
export const locationIn = (base: string, name: string): string =>
  isUrl(base) ? new URL(name, base.endsWith('/') ? base : `${base}/`).toString() : join(base, name);

const unreadable = (location: string, setting: string, err: unknown) =>
  new SanctionsListError(`cannot read ${location} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); check ${setting}`);

/**
 * The documents `names` of one version of a folder, or under a base URL. A local folder's
 * symlinks are resolved here, once: `lockstep lists fetch` swaps a folder by replacing its
 * symlink, and a load that resolved it before the swap still reads every file of one version.
 */
export async function locationsIn(base: string, names: readonly string[], setting: string): Promise<string[]> {
  if (isUrl(base)) return names.map((n) => locationIn(base, n));
  const folder = await realpath(base).catch((err: unknown) => {
    throw unreadable(base, setting, err);
  });
  return names.map((n) => join(folder, n));
}

// Node's fetch reports a refused connection as "fetch failed" and a connection closed
// mid-body as "terminated"; the cause says what happened.
function failure(err: unknown): string {
  const e = err as Error & { cause?: Error };
  if (e.name === 'TimeoutError') return `no complete answer within ${FETCH_TIMEOUT_MS / 1000} s`;
  return e.cause?.message ?? e.message;
}

const mediaTypeOf = (response: Response) => response.headers.get('content-type')?.split(';')[0]!.trim().toLowerCase() ?? null;

/**
 * One document over http(s), refused unless it arrived whole: status 200, every byte the
 * server announced and, when `mediaTypes` is given, one of those Content-Types (so an error
 * page served as 200 is not taken for the document).
 */
export async function fetchDocument(url: string, mediaTypes?: readonly string[]): Promise<SourceDocument> {
  const response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'follow' }).catch((err: unknown) => {
    throw new SanctionsListError(failure(err));
  });
  const mediaType = mediaTypeOf(response);
  const refusal =
    response.status !== 200 ? `HTTP ${response.status}`
    : mediaTypes && !(mediaType && mediaTypes.includes(mediaType)) ? `Content-Type ${mediaType ?? 'missing'}, not one of ${mediaTypes.join(', ')}`
    : null;
  if (refusal) {
    // Frees the connection without reading an error page nobody needs.
    await response.body?.cancel();
    throw new SanctionsListError(refusal);
  }
  // A compressed body's Content-Length counts the compressed bytes, not the ones fetch returns.
  const header = response.headers.has('content-encoding') ? null : response.headers.get('content-length');
  const announced = header === null ? null : Number(header);
  if (announced !== null && announced > MAX_BYTES) throw new SanctionsListError(`${announced} bytes is over the ${MAX_BYTES}-byte limit`);
  const bytes = Buffer.from(
    await response.arrayBuffer().catch((err: unknown) => {
      throw new SanctionsListError(`the document was cut off (${failure(err)})`);
    }),
  );
  if (bytes.length > MAX_BYTES) throw new SanctionsListError(`over the ${MAX_BYTES}-byte limit`);
  if (announced !== null && bytes.length !== announced) throw new SanctionsListError(`the document was cut off: ${bytes.length} of the ${announced} bytes announced arrived`);
  const modified = response.headers.get('last-modified');
  return { location: url, bytes, modifiedAt: modified ? new Date(modified).toISOString() : null };
}

async function readLocalDocument(file: string): Promise<SourceDocument> {
  const [bytes, info] = await Promise.all([readFile(file), stat(file)]);
  return { location: file, bytes, modifiedAt: info.mtime.toISOString() };
}

/** `setting` names the configuration to fix when the document cannot be read. */
export async function readDocument(location: string, setting: string): Promise<SourceDocument> {
  try {
    return await (isUrl(location) ? fetchDocument(location) : readLocalDocument(location));
  } catch (err) {
    throw unreadable(location, setting, err);
  }
}
