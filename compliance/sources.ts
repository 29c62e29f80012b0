// Where a list's documents come from: a local file or an http(s) URL, so a deployment can
// point straight at the publisher or at its own mirror.

import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

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

async function fetchDocument(url: string): Promise<SourceDocument> {
  const response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'follow' });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const length = Number(response.headers.get('content-length') ?? 0);
  if (length > MAX_BYTES) throw new Error(`${length} bytes is over the ${MAX_BYTES}-byte limit`);
  const bytes = Buffer.from(await response.arrayBuffer());
  if (bytes.length > MAX_BYTES) throw new Error(`over the ${MAX_BYTES}-byte limit`);
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
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new Error(`cannot read ${location} (${why}); check ${setting}`);
  }
}
