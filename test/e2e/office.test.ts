// The Web Office's people, roles and sessions, as a browser meets them: the first
// Administrator that `npm start` makes creates a Manager and a Viewer, sessions ride on a
// cookie, every change needs its CSRF token, failures lock a user out and one address's
// logins are limited, a deactivated user's session ends at once, a user of another platform
// sees nothing of this one, no secret appears twice, and under four eyes the review queue's
// settlement is decided by a Manager other than its creator.

import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROLE_SCOPES, ROLES } from '../../access/scopes.ts';
import { ROUTES } from '../../api/routeTable.ts';
import { activitySchema, complianceReviewSchema, pageOf } from '../../api/responses.ts';
import { base32Decode, totp } from '../../api/office/totp.ts';
import { ROOT } from '../../config/paths.ts';
import { LOCKOUT } from '../../access/lockout.ts';
import { createOfficeUser } from '../../db/officeUsers.ts';
import { ensureEnvironment } from '../../db/platforms.ts';
import { freePort } from '../../stack/ports.ts';
import { serviceProcess } from '../../stack/services.ts';
import { tenantDb } from '../../db/tenant.ts';
import { stackContext, withServices } from '../support/services.ts';
import { dvpInstruction, flaggedInstruction, waitForState, type SettlementView } from '../support/settlements.ts';

const { manifest, secrets, dataDir } = stackContext();
const services = withServices();
const admin = manifest.office_admin;
const DEMO = { platform: admin.platform, environment: admin.environment };
const DEMO_TENANT = { platformId: manifest.client.platform_id, environment: admin.environment };

interface Answer {
  status: number;
  body: Record<string, any>;
  headers: Headers;
}

/** A browser of one person: keeps the session cookie as a browser would, and the CSRF token the API hands out. */
class Browser {
  cookie: string | undefined;
  csrf: string | undefined;

  /** The Web Office's own routes. */
  send(method: string, path: string, body?: unknown, opts: { csrf?: string | null; contentType?: string } = {}): Promise<Answer> {
    return this.request(method, `/office/api${path}`, body, opts);
  }

  /** Any route of the API, as a page calls it: the cookie, and the CSRF token on a change. */
  async request(method: string, path: string, body?: unknown, opts: { csrf?: string | null; contentType?: string } = {}): Promise<Answer> {
    const csrf = opts.csrf === undefined ? this.csrf : opts.csrf;
    const res = await fetch(new URL(path, manifest.api_url), {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': opts.contentType ?? 'application/json' } : {}),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(csrf ? { 'x-csrf-token': csrf } : {}),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0];
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : {}, headers: res.headers };
  }

  async login(email: string, password: string, extra: Record<string, string> = {}, where = DEMO): Promise<Answer> {
    const answer = await this.send('POST', '/login', { ...where, email, password, ...extra });
    if (answer.status === 200) this.csrf = answer.body.csrf_token;
    return answer;
  }
}

async function loggedIn(email: string, password: string, where = DEMO): Promise<Browser> {
  const browser = new Browser();
  const answer = await browser.login(email, password, {}, where);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return browser;
}

const unique = (who: string) => `${who}-${Math.random().toString(36).slice(2, 8)}@example.com`;

async function createUser(by: Browser, role: string, email = unique(role)) {
  const created = await by.send('POST', '/users', { email, name: `A ${role}`, role });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return { id: created.body.user.id as string, email, password: created.body.password as string };
}

describe('the Web Office', () => {
  it("lets npm start's Administrator create a Manager and a Viewer, each with their role's rights", async () => {
    const office = await loggedIn(admin.email, admin.password);
    const manager = await createUser(office, 'manager');
    const viewer = await createUser(office, 'viewer');
    // Lockstep chose the passwords, shown once: the list never has them, nor any hash.
    const list = await office.send('GET', '/users');
    expect(list.status).toBe(200);
    expect(list.body.items.map((u: { email: string }) => u.email)).toEqual(expect.arrayContaining([admin.email, manager.email, viewer.email]));
    expect(JSON.stringify(list.body)).not.toContain(manager.password);
    expect(JSON.stringify(list.body)).not.toMatch(/scrypt|password/);

    const asManager = await loggedIn(manager.email, manager.password);
    const me = await asManager.send('GET', '/me');
    expect(me.body.user).toMatchObject({ email: manager.email, role: 'manager', scopes: [...ROLE_SCOPES.manager], totp_enabled: false });
    expect(me.body.csrf_token).toBe(asManager.csrf);
    // Neither a Manager nor a Viewer manages users: the admin scope is the Administrator's.
    expect((await asManager.send('GET', '/users')).status).toBe(403);
    const asViewer = await loggedIn(viewer.email, viewer.password);
    const refused = await asViewer.send('POST', '/users', { email: unique('sneaky'), name: 'Sneaky', role: 'administrator' });
    expect(refused).toMatchObject({ status: 403, body: { code: 'forbidden' } });

    // Every change is in the activity log under the user who made it, in this platform environment.
    const { db } = services();
    const adminId = list.body.items.find((u: { email: string }) => u.email === admin.email).id;
    await expect.poll(() => db.activityLog.count({ where: { userId: adminId, path: '/office/api/users', method: 'POST', status: 201 } })).toBeGreaterThanOrEqual(2);
    await expect.poll(() => db.activityLog.count({ where: { userId: viewer.id, path: '/office/api/users', status: 403 } })).toBe(1);
    const logged = await db.activityLog.findMany({ where: { userId: { in: [adminId, viewer.id] } } });
    expect(logged.every((row) => row.platformId === manifest.client.platform_id && row.environment === admin.environment)).toBe(true);
    // The environment's administrators read it through the API, by user too.
    const page = pageOf(activitySchema).parse(await services().api.request('GET', `/v1/admin/activity?user_id=${viewer.id}`));
    expect(page.items.map((a) => `${a.method} ${a.path} ${a.status} ${a.user_id}`)).toEqual([`POST /office/api/users 403 ${viewer.id}`, `POST /office/api/login 200 ${viewer.id}`]);
  });

  it('sets the session cookie HttpOnly, SameSite=Strict, and ends it at logout', async () => {
    const browser = new Browser();
    const answer = await browser.login(admin.email, admin.password);
    const cookie = answer.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^lockstep_office=[\w-]{43};/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    // The whole origin: the pages call /v1 with it.
    expect(cookie).toMatch(/; Path=\/;/);
    expect(cookie).toMatch(/; Expires=/);
    // Plain HTTP to the dev stack: Secure would make the browser drop it (the unit test covers https).
    expect(cookie).not.toMatch(/Secure/);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const session = browser.cookie;
    expect((await browser.send('POST', '/logout')).status).toBe(204);
    const after = new Browser();
    after.cookie = session;
    expect((await after.send('GET', '/me')).status).toBe(401);
  });

  it('refuses every change without its session CSRF token, and changes nothing', async () => {
    const office = await loggedIn(admin.email, admin.password);
    const other = await loggedIn(admin.email, admin.password);
    const email = unique('csrf');
    for (const csrf of [null, 'wrong', other.csrf!]) {
      const answer = await office.send('POST', '/users', { email, name: 'Nobody', role: 'viewer' }, { csrf });
      expect(answer).toMatchObject({ status: 403, body: { code: 'csrf_token_invalid' } });
    }
    expect(await services().db.officeUser.count({ where: { email } })).toBe(0);
    expect((await office.send('POST', '/logout', undefined, { csrf: null })).status).toBe(403);
    expect((await office.send('GET', '/me', undefined, { csrf: null })).status).toBe(200);
    // Nor can another origin's page read the token: the answer allows no other origin.
    const crossSite = await fetch(new URL('/office/api/me', manifest.api_url), { headers: { cookie: office.cookie!, origin: 'https://evil.example' } });
    expect(crossSite.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('takes a login only as JSON (no cross-site form can send it) and refuses no session', async () => {
    const browser = new Browser();
    const form = await browser.send('POST', '/login', `platform=demo-platform&environment=sandbox&email=${admin.email}&password=${admin.password}`, {
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(form.status).toBe(415);
    expect(browser.cookie).toBeUndefined();
    expect((await browser.send('GET', '/me')).status).toBe(401);
    expect((await browser.send('GET', '/users')).status).toBe(401);
  });

  it(`locks a user out for ${LOCKOUT.minutes} minutes after ${LOCKOUT.failures} failed logins, even with the right password`, async () => {
    const office = await loggedIn(admin.email, admin.password);
    const user = await createUser(office, 'viewer');
    const browser = new Browser();
    for (let i = 0; i < LOCKOUT.failures; i++) {
      expect(await browser.login(user.email, 'not the password at all')).toMatchObject({ status: 401, body: { code: 'invalid_credentials' } });
    }
    const locked = await browser.login(user.email, user.password);
    expect(locked).toMatchObject({ status: 423, body: { code: 'account_locked' } });
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(LOCKOUT.minutes * 60 - 30);
    expect(browser.cookie).toBeUndefined();
    const row = await services().db.officeUser.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.lockedUntil!.getTime() - Date.now()).toBeGreaterThan((LOCKOUT.minutes - 1) * 60_000);
    // The failures are in the log under the user they were against.
    await expect.poll(async () => services().db.activityLog.count({ where: { userId: user.id, path: '/office/api/login', status: { in: [401, 423] } } })).toBe(LOCKOUT.failures + 1);
    // When the lock-out is over, the right password works again.
    await services().db.officeUser.update({ where: { id: user.id }, data: { lockedUntil: new Date(Date.now() - 1000) } });
    expect((await browser.login(user.email, user.password)).status).toBe(200);
    // Logins at once check no more passwords than the limit: each takes its try before the password is looked at.
    const burst = await Promise.all(Array.from({ length: 2 * LOCKOUT.failures }, () => new Browser().login(user.email, 'guess after guess')));
    expect(burst.map((a) => a.status).sort()).toEqual([...Array(LOCKOUT.failures).fill(401), ...Array(LOCKOUT.failures).fill(423)]);
    expect((await browser.login(user.email, user.password)).status).toBe(423);
    // An unknown email is refused the same way as a wrong password.
    expect(await new Browser().login(unique('nobody'), 'whatever it is')).toMatchObject({ status: 401, body: { code: 'invalid_credentials' } });
  });

  it("ends a deactivated user's sessions at once, and they cannot log in again", async () => {
    const office = await loggedIn(admin.email, admin.password);
    const user = await createUser(office, 'manager');
    const first = await loggedIn(user.email, user.password);
    const second = await loggedIn(user.email, user.password);
    expect((await first.send('GET', '/me')).status).toBe(200);
    const deactivated = await office.send('POST', `/users/${user.id}/deactivate`);
    expect(deactivated).toMatchObject({ status: 200, body: { user: { active: false } } });
    expect((await first.send('GET', '/me')).status).toBe(401);
    expect((await second.send('POST', '/logout')).status).toBe(401);
    expect(await services().db.officeSession.count({ where: { userId: user.id } })).toBe(0);
    expect(await new Browser().login(user.email, user.password)).toMatchObject({ status: 401, body: { code: 'invalid_credentials' } });
    // An Administrator cannot lock the environment out by deactivating themselves.
    const me = await office.send('GET', '/me');
    expect((await office.send('POST', `/users/${me.body.user.id}/deactivate`)).status).toBe(409);
  });

  it('asks an enrolled user for a TOTP code at login, and takes each code once', async () => {
    const office = await loggedIn(admin.email, admin.password);
    const user = await createUser(office, 'viewer');
    const browser = await loggedIn(user.email, user.password);
    const enrol = await browser.send('POST', '/me/totp');
    expect(enrol.status).toBe(201);
    expect(enrol.body.otpauth_uri).toContain(`secret=${enrol.body.secret}`);
    const key = base32Decode(enrol.body.secret);
    expect((await browser.send('POST', '/me/totp/confirm', { code: totp(key, Date.now() / 1000 - 300) })).status).toBe(422);
    const confirmed = await browser.send('POST', '/me/totp/confirm', { code: totp(key, Date.now() / 1000) });
    expect(confirmed).toMatchObject({ status: 200, body: { user: { totp_enabled: true } } });

    expect(await new Browser().login(user.email, user.password)).toMatchObject({ status: 401, body: { code: 'totp_required' } });
    // The code that confirmed enrolment is spent; the next step's code is not (a step either side of now is accepted).
    const next = totp(key, Date.now() / 1000 + 30);
    expect((await new Browser().login(user.email, user.password, { totp_code: next })).status).toBe(200);
    expect(await new Browser().login(user.email, user.password, { totp_code: next })).toMatchObject({ status: 401, body: { code: 'totp_invalid' } });
  });

  it('lets a user change their password under the policy, ending their other sessions', async () => {
    const office = await loggedIn(admin.email, admin.password);
    const user = await createUser(office, 'viewer');
    const browser = await loggedIn(user.email, user.password);
    const elsewhere = await loggedIn(user.email, user.password);
    expect((await browser.send('POST', '/me/password', { current_password: user.password, new_password: 'short' })).status).toBe(422);
    expect((await browser.send('POST', '/me/password', { current_password: 'wrong one', new_password: 'a long enough passphrase' })).status).toBe(422);
    expect((await browser.send('POST', '/me/password', { current_password: user.password, new_password: 'a long enough passphrase' })).status).toBe(204);
    expect((await browser.send('GET', '/me')).status).toBe(200);
    expect((await elsewhere.send('GET', '/me')).status).toBe(401);
    expect((await new Browser().login(user.email, user.password)).status).toBe(401);
    expect((await new Browser().login(user.email, 'a long enough passphrase')).status).toBe(200);
    // An administrator's chosen password meets the same policy.
    const weak = await office.send('POST', '/users', { email: unique('weak'), name: 'Weak', role: 'viewer', password: 'password' });
    expect(weak).toMatchObject({ status: 422, body: { code: 'validation_error' } });
  });

  it("makes a deployment's first Administrator from the command line", async () => {
    await ensureEnvironment(services().db, 'office-cli', 'production');
    const email = unique('first');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(ROOT, 'cli/main.ts'), 'users', 'create', '--platform', 'office-cli', '--environment', 'production', '--email', email], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: manifest.database_url },
    });
    const made = JSON.parse(stdout) as { role: string; password: string };
    expect(made).toMatchObject({ email, role: 'administrator', platform: 'office-cli', environment: 'production' });
    const office = await loggedIn(email, made.password, { platform: 'office-cli', environment: 'production' });
    expect((await office.send('GET', '/users')).body).toMatchObject({ total: 1, items: [{ email, role: 'administrator' }] });
  });

  it("shows a user of another platform nothing of this one's", async () => {
    const { db } = services();
    await ensureEnvironment(db, 'office-elsewhere', 'sandbox');
    const other = await createOfficeUser(db, { platform: 'office-elsewhere', environment: 'sandbox', email: unique('elsewhere'), name: 'Elsewhere', role: 'administrator' });
    const where = { platform: 'office-elsewhere', environment: 'sandbox' };
    const outsider = await loggedIn(other.user.email, other.password!, where);
    const office = await loggedIn(admin.email, admin.password);
    const victim = await createUser(office, 'manager');

    const list = await outsider.send('GET', '/users');
    expect(list.body).toMatchObject({ total: 1, items: [{ email: other.user.email }] });
    expect((await outsider.send('POST', `/users/${victim.id}/deactivate`)).status).toBe(404);
    expect((await loggedIn(victim.email, victim.password)).csrf).toBeDefined();
    // The same email and password are no login in another platform's Web Office.
    expect((await new Browser().login(admin.email, admin.password, {}, where)).status).toBe(401);
    // A user an outsider creates belongs to the outsider's platform, even with this one's email.
    const twin = await createUser(outsider, 'viewer', victim.email);
    expect(await db.officeUser.findUniqueOrThrow({ where: { id: twin.id } })).toMatchObject({ platformId: other.user.platformId, environment: 'sandbox' });
    expect((await office.send('GET', '/users')).body.items.map((u: { id: string }) => u.id)).not.toContain(twin.id);
    // Behind the routes, row-level security: the other platform's tenant view has none of this one's users,
    // and no tenant can change a password, whatever its filter.
    const outsiders = tenantDb(db, { platformId: other.user.platformId, environment: 'sandbox' });
    expect((await outsiders.officeUser.findMany()).map((u) => u.platformId)).toEqual([other.user.platformId, other.user.platformId]);
    await expect(tenantDb(db, DEMO_TENANT).officeUser.updateMany({ where: { id: victim.id }, data: { passwordHash: 'x' } })).rejects.toThrow(/permission denied/);
  });

  it("calls the API's own /v1 routes with the session: the role's scopes, the user's environment, CSRF on every change", async () => {
    const { api, db } = services();
    const office = await loggedIn(admin.email, admin.password);
    const [managerUser, viewerUser] = [await createUser(office, 'manager'), await createUser(office, 'viewer')];
    const manager = await loggedIn(managerUser.email, managerUser.password);
    const viewer = await loggedIn(viewerUser.email, viewerUser.password);
    const byToken = await api.request<SettlementView>('POST', '/v1/settlements', dvpInstruction(manifest));

    // A Viewer reads what a token of the environment made, through the same routes, and changes nothing.
    const list = await viewer.request('GET', '/v1/settlements?limit=100');
    expect(list.status).toBe(200);
    expect(list.body.items.map((s: { id: string }) => s.id)).toContain(byToken.id);
    expect((await viewer.request('GET', `/v1/settlements/${byToken.id}`)).body).toMatchObject({ id: byToken.id });
    expect((await viewer.request('GET', `/v1/settlements/${byToken.id}/events/verify`)).body).toMatchObject({ valid: true });
    const refused = await viewer.request('POST', '/v1/settlements', dvpInstruction(manifest));
    expect(refused).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    expect(refused.body.detail).toContain('viewer role lacks');

    // A Manager acts; the settlement and the activity log name the user, not a client.
    const created = await manager.request('POST', '/v1/settlements', dvpInstruction(manifest));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const managerId = managerUser.id;
    expect(await db.settlement.findUniqueOrThrow({ where: { id: created.body.id } })).toMatchObject({ createdBy: `user:${managerId}` });
    await expect.poll(() => db.activityLog.findMany({ where: { userId: managerId, path: '/v1/settlements', method: 'POST' } })).toEqual([
      expect.objectContaining({ status: 201, clientId: null, platformId: DEMO_TENANT.platformId, environment: DEMO_TENANT.environment }),
    ]);

    // A change from the cookie without its CSRF token is refused before the route runs: nothing is created.
    const reference = `csrf-${Math.random().toString(36).slice(2)}`;
    for (const csrf of [null, 'wrong']) {
      const forged = await manager.request('POST', '/v1/settlements', dvpInstruction(manifest, { external_reference: reference }), { csrf });
      expect(forged).toMatchObject({ status: 403, body: { code: 'csrf_token_invalid' } });
    }
    expect(await db.settlement.count({ where: { externalReference: reference } })).toBe(0);
    // A person cannot derive API session tokens, and an ended session is no caller.
    expect((await manager.request('POST', '/v1/sessions', { scopes: ['settlements:read'] })).status).toBe(403);
    await manager.send('POST', '/logout');
    expect((await manager.request('GET', '/v1/settlements')).status).toBe(401);
    // A Bearer token is a token's call, whatever cookie rides along.
    const withToken = await fetch(new URL('/v1/settlements?limit=1', manifest.api_url), { headers: { authorization: 'Bearer not-a-token', cookie: viewer.cookie! } });
    expect(withToken.status).toBe(401);

    // A user of another environment of the same platform sees none of this one's settlements.
    await ensureEnvironment(db, admin.platform, 'production');
    const elsewhere = await createOfficeUser(db, { platform: admin.platform, environment: 'production', email: unique('production'), name: 'Production', role: 'manager' });
    const outsider = await loggedIn(elsewhere.user.email, elsewhere.password!, { platform: admin.platform, environment: 'production' });
    expect((await outsider.request('GET', `/v1/settlements/${byToken.id}`)).status).toBe(404);
    expect((await outsider.request('GET', `/v1/settlements/${created.body.id}/events`)).status).toBe(404);
    expect((await outsider.request('GET', '/v1/settlements?limit=100')).body.items.map((s: { id: string }) => s.id)).not.toContain(byToken.id);
  });

  it("refuses each role every /v1 route of a scope it lacks, and every change without the CSRF token (generated from the route table)", async () => {
    const office = await loggedIn(admin.email, admin.password);
    const unknownId = '00000000-0000-4000-8000-000000000099';
    const routes = ROUTES.filter((r) => r.path.startsWith('/v1/') && r.scope).map((r) => ({ ...r, path: r.path.replace(/\{\w+\}/g, unknownId), scopes: [r.scope!].flat() }));
    const bodyOf = (method: string) => (method === 'get' || method === 'delete' ? undefined : {});
    let checked = 0;
    for (const role of ROLES) {
      const browser = role === 'administrator' ? office : await createUser(office, role).then((u) => loggedIn(u.email, u.password));
      for (const route of routes.filter((r) => !r.scopes.some((s) => ROLE_SCOPES[role].includes(s)))) {
        const answer = await browser.request(route.method.toUpperCase(), route.path, bodyOf(route.method));
        expect(answer, `${route.method.toUpperCase()} ${route.path} as ${role}`).toMatchObject({ status: 403, body: { code: 'forbidden' } });
        checked++;
      }
    }
    // No role holds operator; a viewer lacks every write scope.
    expect(checked).toBeGreaterThanOrEqual(routes.filter((r) => r.scopes.includes('operator')).length * ROLES.length);
    for (const route of routes.filter((r) => r.method !== 'get')) {
      const answer = await office.request(route.method.toUpperCase(), route.path, bodyOf(route.method), { csrf: null });
      expect(answer, `${route.method.toUpperCase()} ${route.path} without CSRF`).toMatchObject({ status: 403, body: { code: 'csrf_token_invalid' } });
    }
  });

  it("shows the review queue with each flagged settlement's matches, and under four eyes lets a Manager decide only what another user created", async () => {
    const { api, db } = services();
    const where = { platform: 'office-four-eyes', environment: 'sandbox' };
    const platform = await ensureEnvironment(db, where.platform, where.environment);
    await db.environment.update({ where: { platformId_name: { platformId: platform.id, name: where.environment } }, data: { fourEyes: true } });
    const person = async (role: 'manager' | 'viewer') => {
      const made = await createOfficeUser(db, { ...where, email: unique(role), name: `A ${role}`, role });
      return { id: made.user.id, browser: await loggedIn(made.user.email, made.password!, where) };
    };
    const [creatorUser, reviewerUser, viewerUser] = [await person('manager'), await person('manager'), await person('viewer')];
    const [creator, reviewer, viewer] = [creatorUser.browser, reviewerUser.browser, viewerUser.browser];

    const created = await creator.request('POST', '/v1/settlements', flaggedInstruction(manifest, 'dvp-review'));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    // The queue has it once its screening flagged a party, with the match, its score and its reason.
    const queued = async (browser: Browser) => pageOf(complianceReviewSchema).parse((await browser.request('GET', '/v1/compliance/reviews')).body);
    await expect.poll(async () => (await queued(viewer)).items.map((r) => r.settlement.id), { timeout: 60_000, interval: 250 }).toContain(id);
    const review = (await queued(reviewer)).items.find((r) => r.settlement.id === id)!;
    expect(review.settlement).toMatchObject({ id, state: 'COMPLIANCE_CHECKING' });
    expect(review.screening).toMatchObject({ outcome: 'flagged', matches: [{ party_role: 'buyer', entry_id: '4107', quality: 'weak', exact: false, reason: expect.stringMatching(/date of birth agrees/) }] });
    expect(review.screening.matches[0]!.score).toBeGreaterThanOrEqual(review.screening.thresholds.review);
    // Nobody else's queue has it: not the dev platform's, whose token reads every settlement of its own.
    expect((await api.request<{ items: { settlement: { id: string } }[] }>('GET', '/v1/compliance/reviews?limit=200')).items.map((r) => r.settlement.id)).not.toContain(id);

    // A Viewer reads the queue and decides nothing; under four eyes the creator cannot decide, another Manager does.
    const decide = (browser: Browser, reason: string) => browser.request('POST', `/v1/settlements/${id}/compliance-decision`, { decision: 'approve', reason });
    expect(await decide(viewer, 'a look')).toMatchObject({ status: 403, body: { detail: 'The viewer role lacks the "settlements:write" or "compliance:review" scope' } });
    expect(await decide(creator, 'my own')).toMatchObject({ status: 403, body: { detail: expect.stringMatching(/created the settlement cannot decide it/) } });
    expect(await decide(reviewer, 'a namesake: born elsewhere')).toMatchObject({ status: 200, body: { id } });
    await expect.poll(async () => (await queued(reviewer)).items.map((r) => r.settlement.id), { timeout: 30_000 }).not.toContain(id);
    const cleared = await db.settlementEvent.findFirstOrThrow({ where: { settlementId: id, toState: 'COMPLIANCE_CLEARED' } });
    expect(cleared.payload).toMatchObject({ decided_by: `user:${reviewerUser.id}`, decision_reason: 'a namesake: born elsewhere' });
    expect(await db.settlement.findUniqueOrThrow({ where: { id } })).toMatchObject({ createdBy: `user:${creatorUser.id}` });
  });

  it('shows each secret in the one answer that made it, marked not to be kept, and in no later answer nor the activity log', async () => {
    const office = await loggedIn(admin.email, admin.password);
    const made = [
      await office.send('POST', '/users', { email: unique('secret'), name: 'Secret', role: 'viewer' }),
      await office.request('POST', '/v1/platforms/me/webhooks', { url: 'http://127.0.0.1:9/never-called', events: ['settlement.state.finalized'] }),
      await office.request('POST', '/v1/platforms/me/clients', { name: 'shown-once', scopes: ['settlements:read'] }),
    ];
    const [user, webhook, client] = made;
    made.push(await office.request('POST', `/v1/platforms/me/webhooks/${webhook!.body.id}/rotate-secret`));
    made.push(await office.request('POST', `/v1/platforms/me/clients/${client!.body.client_id}/rotate-secret`, {}));
    const shown = [user!.body.password, webhook!.body.secret, made[3]!.body.new_secret, client!.body.client_secret, made[4]!.body.client_secret] as string[];
    expect(shown.every((s) => typeof s === 'string' && s.length >= 20)).toBe(true);
    for (const answer of made) expect(answer.headers.get('cache-control')).toBe('no-store');

    const reads = [
      '/office/api/me',
      '/office/api/users?limit=200',
      '/v1/platforms/me/webhooks?limit=200',
      `/v1/platforms/me/webhooks/${webhook!.body.id}`,
      `/v1/platforms/me/webhooks/${webhook!.body.id}/deliveries`,
      '/v1/platforms/me/clients?limit=200',
      `/v1/admin/activity?limit=200&user_id=${(await office.send('GET', '/me')).body.user.id}`,
    ];
    for (const path of reads) {
      const answer = await office.request('GET', path);
      expect(answer.status, path).toBe(200);
      const text = JSON.stringify(answer.body);
      for (const secret of shown) expect(text.includes(secret), `${path} shows a secret again`).toBe(false);
    }
    // Nor does the database hold one as it was shown: a password and a client secret are hashes, a signing secret sealed.
    const { db } = services();
    const rows = JSON.stringify([
      await db.officeUser.findUniqueOrThrow({ where: { id: user!.body.user.id } }),
      await db.webhookEndpoint.findUniqueOrThrow({ where: { id: webhook!.body.id } }),
      await db.apiClient.findFirstOrThrow({ where: { clientId: client!.body.client_id } }),
      await db.activityLog.findMany({ where: { userId: (await office.send('GET', '/me')).body.user.id } }),
    ]);
    for (const secret of shown) expect(rows.includes(secret)).toBe(false);
  });

  it('refuses more logins from one address than its limit a minute, before any password is checked', async () => {
    const port = await freePort();
    const logDir = join(dataDir, 'logs', 'office-login-limit-api');
    mkdirSync(logDir, { recursive: true });
    const limited = await serviceProcess('api', manifest, secrets, { logDir, env: { API_PORT: String(port), OFFICE_LOGINS_PER_IP_PER_MINUTE: '3' } }).start();
    try {
      const login = (password: string) =>
        fetch(`http://127.0.0.1:${port}/office/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...DEMO, email: unique('sprayed'), password }) });
      for (let i = 0; i < 3; i++) expect((await login('spraying passwords')).status).toBe(401);
      const refused = await login('spraying passwords');
      expect(refused.status).toBe(429);
      expect(await refused.json()).toMatchObject({ code: 'too_many_logins' });
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      // The right password too: the address waits, whoever it is.
      const right = await fetch(`http://127.0.0.1:${port}/office/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...DEMO, email: admin.email, password: admin.password }) });
      expect(right.status).toBe(429);
      // Each API process counts its own: the file's API is not affected.
      expect((await new Browser().login(admin.email, admin.password)).status).toBe(200);
    } finally {
      await limited.stop();
    }
  });

  it("streams a settlement's transitions to whoever may read it as server-sent events, each sequence once", async () => {
    const { api, db } = services();
    const created = await api.request<SettlementView>('POST', '/v1/settlements', dvpInstruction(manifest));
    const office = await loggedIn(admin.email, admin.password);
    const viewerUser = await createUser(office, 'viewer');
    const viewer = await loggedIn(viewerUser.email, viewerUser.password);
    const path = `/office/api/settlements/${created.id}/stream`;
    /** The sequences a stream tells, until `done` holds of them or `ms` pass. */
    const listen = async (headers: Record<string, string>, done: (sequences: number[]) => boolean, ms: number) => {
      const abort = new AbortController();
      const res = await fetch(new URL(path, manifest.api_url), { headers, signal: abort.signal });
      expect([res.status, res.headers.get('content-type')]).toEqual([200, 'text/event-stream']);
      const sequences: number[] = [];
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      const timer = setTimeout(() => abort.abort(), ms);
      let text = '';
      try {
        while (!done(sequences)) {
          const { value, done: ended } = await reader.read();
          if (ended) break;
          text += value;
          for (const [, data] of text.matchAll(/^event: change\ndata: (.*)$/gm)) sequences.push((JSON.parse(data!) as { sequence: number }).sequence);
          text = text.slice(text.lastIndexOf('\n\n') + 2);
        }
      } catch (err) {
        if (!abort.signal.aborted) throw err;
      } finally {
        clearTimeout(timer);
        abort.abort();
      }
      return sequences;
    };

    // The Viewer hears each new transition as it is recorded, up to the wait for deposits.
    const trailEnd = async () => (await db.settlementEvent.aggregate({ where: { settlementId: created.id }, _max: { sequence: true } }))._max.sequence ?? 0;
    const awaited = waitForState(api, created.id, ['AWAITING_DEPOSITS']);
    const told = await listen({ cookie: viewer.cookie! }, (seqs) => seqs.length > 0 && seqs.at(-1)! >= 5, 60_000);
    await awaited;
    expect(told.at(-1)).toBe(await trailEnd());
    expect(told).toEqual([...new Set(told)].sort((a, b) => a - b));
    // A browser reconnecting with the sequence it was told last hears nothing until the next transition.
    expect(await listen({ cookie: viewer.cookie!, 'last-event-id': String(await trailEnd()) }, () => false, 1500)).toEqual([]);

    // Nobody else: logged out, another platform's user.
    expect((await fetch(new URL(path, manifest.api_url))).status).toBe(401);
    await ensureEnvironment(db, 'office-stream-elsewhere', 'sandbox');
    const other = await createOfficeUser(db, { platform: 'office-stream-elsewhere', environment: 'sandbox', email: unique('stream'), name: 'Elsewhere', role: 'viewer' });
    const outsider = await loggedIn(other.user.email, other.password!, { platform: 'office-stream-elsewhere', environment: 'sandbox' });
    expect((await outsider.send('GET', `/settlements/${created.id}/stream`)).status).toBe(404);
  });
});
