import { BUILT_IN_TEMPLATES, type Template, type TemplateConfig } from '../domain/template';
import { isUuid } from '../domain/ids';
import type { Db } from './client';

/** Built-in templates are rows like any other, so settlements reference them by id and version. */
export async function ensureBuiltInTemplates(db: Db): Promise<void> {
  for (const t of BUILT_IN_TEMPLATES) {
    await db.settlementTemplate.upsert({
      where: { id_version: { id: t.id, version: t.version } },
      create: { id: t.id, version: t.version, slug: t.slug, name: t.name, config: t.config as object },
      update: {},
    });
  }
}

/** The latest version of a template named by id or slug. */
export async function findLatestTemplate(db: Db, idOrSlug: string): Promise<Template | undefined> {
  const row = await db.settlementTemplate.findFirst({
    where: isUuid(idOrSlug) ? { id: idOrSlug.toLowerCase() } : { slug: idOrSlug },
    orderBy: { version: 'desc' },
  });
  return row ? { id: row.id, slug: row.slug, version: row.version, name: row.name, config: row.config as unknown as TemplateConfig } : undefined;
}

export async function findTemplateVersion(db: Db, id: string, version: number): Promise<Template> {
  const row = await db.settlementTemplate.findUniqueOrThrow({ where: { id_version: { id, version } } });
  return { id: row.id, slug: row.slug, version: row.version, name: row.name, config: row.config as unknown as TemplateConfig };
}
