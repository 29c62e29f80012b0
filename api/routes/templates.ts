// Settlement templates: list, read (by id or slug, any version), create, publish a version.

import { createTemplate, findTemplate, listTemplates, publishVersion, TemplateConflictError, type StoredTemplate } from '../../db/templates.ts';
import { ACTION_RUNTIME, type TemplateConfig } from '../../domain/template.ts';
import { templateProblems } from '../../domain/templateValidation.ts';
import { callerOf, tenantDbOf } from '../auth/middleware.ts';
import { conflict, forbidden, notFound, validationFailed } from '../errors.ts';
import { createTemplateSchema, pageQuery, publishVersionSchema, templateVersionQuery } from '../schemas.ts';
import { parseOr422 } from '../validation.ts';
import type { RouteHandlers } from '../routeTable.ts';
import { presentPage } from '../../db/page.ts';

/** KeyStone's template object; a version never changes, so it was last updated when it was made. */
export function presentTemplate(t: StoredTemplate) {
  const created = t.createdAt.toISOString();
  return {
    id: t.id,
    slug: t.slug,
    version: t.version,
    name: t.name,
    description: t.description,
    is_active: true,
    built_in: t.builtIn,
    config: presentConfig(t.config),
    created_at: created,
    updated_at: created,
  };
}

/** The stored config with what really runs each action spelled out, as KeyStone's ActionConfig and ComplianceConfig say it. */
function presentConfig(config: TemplateConfig) {
  const actions = Object.fromEntries(
    Object.entries(config.actions).map(([state, action]) => {
      const runtime = ACTION_RUNTIME[action.type];
      const awaitsDecision = action.type === 'compliance_check' && action.on_flag === 'await_decision';
      return [
        state,
        {
          ...action,
          provider: runtime.provider,
          resolution: awaitsDecision ? 'manual' : runtime.resolution,
          timeout_seconds: runtime.timeoutSeconds,
          params: action.type === 'compliance_check' ? { on_flag: action.on_flag ?? 'fail' } : {},
        },
      ];
    }),
  );
  // In the template's own order: a JSON column keeps no key order.
  const screeningStates = config.states.filter((state) => config.actions[state]?.type === 'compliance_check');
  const providers = screeningStates.length ? [ACTION_RUNTIME.compliance_check.provider] : [];
  return {
    ...config,
    actions,
    // Names and wallets are screened together wherever compliance_check runs; every run after the first is a recheck.
    compliance: { recheck_at_states: screeningStates.slice(1), entity_providers: providers, wallet_providers: providers },
  };
}

/** Refuses an unsafe template with every reason, each under `body.config`. */
function assertValid(config: TemplateConfig): void {
  const problems = templateProblems(config);
  if (problems.length) throw validationFailed(problems.map((msg) => ({ loc: ['body', 'config'], msg, type: 'template_invalid' })));
}

const onConflict = (err: unknown): never => {
  if (err instanceof TemplateConflictError) throw conflict('template_conflict', err.message);
  throw err;
};

export function templateRoutes() {
  return {
    'GET /v1/settlement-templates': async (req, res) => {
      const q = parseOr422(pageQuery, req.query, 'query');
      res.json(presentPage(await listTemplates(tenantDbOf(req), callerOf(req), q), presentTemplate));
    },
    'GET /v1/settlement-templates/{idOrSlug}': async (req, res) => {
      const { version } = parseOr422(templateVersionQuery, req.query, 'query');
      const idOrSlug = String(req.params.idOrSlug);
      const found = await findTemplate(tenantDbOf(req), callerOf(req), idOrSlug, version);
      if (!found) throw notFound(`Template ${idOrSlug}${version ? ` version ${version}` : ''}`);
      res.json(presentTemplate(found));
    },
    'POST /v1/settlement-templates': async (req, res) => {
      const body = parseOr422(createTemplateSchema, req.body ?? {}, 'body');
      assertValid(body.config);
      const created = await createTemplate(tenantDbOf(req), callerOf(req), body).catch(onConflict);
      res.status(201).json(presentTemplate(created));
    },
    'POST /v1/settlement-templates/{idOrSlug}/versions': async (req, res) => {
      const caller = callerOf(req);
      const idOrSlug = String(req.params.idOrSlug);
      const current = await findTemplate(tenantDbOf(req), caller, idOrSlug);
      if (!current) throw notFound(`Template ${idOrSlug}`);
      if (current.builtIn) throw forbidden('Built-in templates cannot be changed; create your own template instead');
      const body = parseOr422(publishVersionSchema, req.body ?? {}, 'body');
      assertValid(body.config);
      res.status(201).json(presentTemplate(await publishVersion(tenantDbOf(req), caller, current, body).catch(onConflict)));
    },
  } satisfies RouteHandlers;
}
