// Settlement templates: built-ins everyone sees, and versions a platform publishes for
// one of its environments. A saved version never changes; a new version is a new row.

import { randomUUID } from 'node:crypto';
import { isUuid } from '../domain/ids.ts';
import { BUILT_IN_TEMPLATES, type Template, type TemplateConfig } from '../domain/template.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { isUniqueViolation, type Db, type Models } from './client.ts';
import { page, type Page, type PageWindow } from './page.ts';
import { LockstepError } from '../domain/errors.ts';

export interface TemplateOwner {
  platformId: string;
  environment: string;
}

export interface StoredTemplate extends Template {
  builtIn: boolean;
  createdAt: Date;
}

export class TemplateConflictError extends LockstepError {
  override readonly name = 'TemplateConflictError';
}

type Row = Awaited<ReturnType<Db['settlementTemplate']['findFirstOrThrow']>>;
const fromRow = (row: Row): StoredTemplate => ({
  id: row.id,
  slug: row.slug,
  version: row.version,
  name: row.name,
  description: row.description,
  config: row.config as unknown as TemplateConfig,
  builtIn: row.platformId === null,
  createdAt: row.createdAt,
});

const visibleTo = (owner: TemplateOwner): Prisma.SettlementTemplateWhereInput => ({
  OR: [{ platformId: null }, { platformId: owner.platformId, environment: owner.environment }],
});
const named = (idOrSlug: string): Prisma.SettlementTemplateWhereInput => (isUuid(idOrSlug) ? { id: idOrSlug.toLowerCase() } : { slug: idOrSlug });

// A config is plain JSON, but an interface has no index signature, which Prisma's JSON input
// wants; Prisma takes any `object`.
function asJson(config: TemplateConfig): object {
  return config;
}

/** Built-in templates are rows like any other, so settlements reference them by id and version. */
export async function ensureBuiltInTemplates(db: Db): Promise<void> {
  for (const t of BUILT_IN_TEMPLATES) {
    await db.settlementTemplate.upsert({
      where: { id_version: { id: t.id, version: t.version } },
      create: { id: t.id, version: t.version, slug: t.slug, name: t.name, description: t.description, config: asJson(t.config) },
      // A built-in's config never changes under a version; its description may be written anew.
      update: { description: t.description },
    });
  }
}

/** A version (the latest unless one is asked for) of a template named by id or slug, if the owner may see it. */
export async function findTemplate(db: Models, owner: TemplateOwner, idOrSlug: string, version?: number): Promise<StoredTemplate | undefined> {
  const row = await db.settlementTemplate.findFirst({
    where: { AND: [visibleTo(owner), named(idOrSlug), version ? { version } : {}] },
    // The owner's own template before a built-in that later took the same slug.
    orderBy: [{ platformId: { sort: 'asc', nulls: 'last' } }, { version: 'desc' }],
  });
  return row ? fromRow(row) : undefined;
}

/** Told whenever a template is created or published, by whichever process or person. */
export const TEMPLATES_CHANNEL = 'lockstep_templates';

/**
 * Every create names its template, nearly always one of a platform's few: the latest version a
 * name finds is kept a minute, and forgotten at once when any template is published, here or in
 * another process (TEMPLATES_CHANNEL). A name that finds nothing is asked again each time. A
 * lookup that began before a forget is not kept: it may have read the version just replaced.
 */
const KEEP_MS = 60_000;
const latest = new Map<string, { template: StoredTemplate; until: number }>();
let generation = 0;

export function forgetTemplates(): void {
  generation++;
  latest.clear();
}

/** findTemplate's latest version, for settling: what a create or an instruction is made from. */
export async function findLatestTemplate(db: Models, owner: TemplateOwner, idOrSlug: string): Promise<StoredTemplate | undefined> {
  const key = `${owner.platformId}/${owner.environment}/${idOrSlug}`;
  const kept = latest.get(key);
  if (kept && kept.until > Date.now()) return kept.template;
  const began = generation;
  const template = await findTemplate(db, owner, idOrSlug);
  if (template && began === generation) {
    // Callers may name any string: what is kept stays bounded.
    if (latest.size >= 1000) latest.clear();
    latest.set(key, { template, until: Date.now() + KEEP_MS });
  }
  return template;
}

// Saved versions never change, so a version once read can be kept for the process's life.
const versions = new Map<string, Promise<StoredTemplate>>();

export function findTemplateVersion(db: Models, id: string, version: number): Promise<StoredTemplate> {
  const key = `${id}@${version}`;
  let found = versions.get(key);
  if (!found) {
    found = db.settlementTemplate.findUniqueOrThrow({ where: { id_version: { id, version } } }).then(fromRow);
    found.catch(() => versions.delete(key));
    versions.set(key, found);
  }
  return found;
}

/**
 * The latest version of every template the owner may see, built-ins first, then by slug. Every
 * template has a version 1, so its rows stand for the templates: the database pages and counts
 * them, and only the page's templates have their versions read.
 */
export async function listTemplates(db: Models, owner: TemplateOwner, window: PageWindow): Promise<Page<StoredTemplate>> {
  const firsts = { AND: [visibleTo(owner), { version: 1 }] };
  const found = await page(
    window,
    (slice) =>
      db.settlementTemplate.findMany({
        where: firsts,
        // Only the owner's templates and the built-ins are visible, so null (built-in) first is built-ins first.
        orderBy: [{ platformId: { sort: 'asc', nulls: 'first' } }, { slug: 'asc' }, { id: 'asc' }],
        ...slice,
        select: { id: true },
      }),
    () => db.settlementTemplate.count({ where: firsts }),
  );
  const ids = found.items.map((r) => r.id);
  const latest = await db.settlementTemplate.findMany({ where: { id: { in: ids } }, orderBy: [{ id: 'asc' }, { version: 'desc' }], distinct: ['id'] });
  const byId = new Map(latest.map((row) => [row.id, fromRow(row)]));
  return { ...found, items: ids.map((id) => byId.get(id)!) };
}

export async function createTemplate(
  db: Models,
  owner: TemplateOwner,
  input: { slug: string; name: string; description?: string | undefined; config: TemplateConfig },
): Promise<StoredTemplate> {
  // Only the owner's own slugs and the built-ins' are taken: another platform's are none of its business.
  if (await db.settlementTemplate.findFirst({ where: { AND: [visibleTo(owner), { slug: input.slug }] } })) {
    throw new TemplateConflictError(`a template with slug "${input.slug}" exists; publish a new version of it instead`);
  }
  return saveVersion(db, owner, { id: randomUUID(), version: 1, ...input, description: input.description ?? null });
}

/** The next version of a template the owner published; built-ins and others' templates cannot be changed. */
export async function publishVersion(
  db: Models,
  owner: TemplateOwner,
  current: StoredTemplate,
  input: { name?: string | undefined; description?: string | undefined; config: TemplateConfig },
): Promise<StoredTemplate> {
  const { id, slug } = current;
  return saveVersion(db, owner, { id, slug, version: current.version + 1, name: input.name ?? current.name, description: input.description ?? current.description, config: input.config });
}

async function saveVersion(db: Models, owner: TemplateOwner, t: Template) {
  try {
    const row = await db.settlementTemplate.create({
      data: { ...t, config: asJson(t.config), platformId: owner.platformId, environment: owner.environment },
    });
    // This process's next create uses it at once; others hear of it on TEMPLATES_CHANNEL.
    forgetTemplates();
    return fromRow(row);
  } catch (err) {
    if (isUniqueViolation(err)) throw new TemplateConflictError(`version ${t.version} of "${t.slug}" was published concurrently; try again`);
    throw err;
  }
}
