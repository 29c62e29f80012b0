// The Web Office in a real browser: Debian's Chromium, driven by playwright-core, against
// the real stack. A Manager logs in, finds a settlement made through the API in the list,
// opens it and watches it move to FINALIZED while the test deposits, without a reload, and
// verifies its trail; the review queue, webhooks, users, API clients and instructions pages do
// what they offer; a Viewer sees the same and the API refuses what it forces; a logged-out user
// and another platform's see nothing; every page carries the CSP and breaks none of it.
// Screenshots go to data/screenshots/, the README's three to docs/screenshots/.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiRequestError, LockstepApi } from '../../cli/apiClient.ts';
import { guideSides } from '../../cli/instruction.ts';
import { ROOT } from '../../config/paths.ts';
import { createOfficeUser } from '../../db/officeUsers.ts';
import { ensureEnvironment } from '../../db/platforms.ts';
import { CHROMIUM_ARGS, ensureChromium } from '../../stack/chromium.ts';
import { Receiver } from '../support/receiver.ts';
import { stackContext, withServices } from '../support/services.ts';
import { depositAs, dvpInstruction, flaggedInstruction, waitForState, type SettlementView } from '../support/settlements.ts';

const { manifest } = stackContext();
/** Instructions' time to live: the instructions test watches a side expire. */
const INSTRUCTION_TTL_SECONDS = 15;
const services = withServices({ api: { INSTRUCTION_TTL_SECONDS: String(INSTRUCTION_TTL_SECONDS) } });
const admin = manifest.office_admin;
const SHOTS = join(ROOT, 'data', 'screenshots');
/** The README's screenshots, taken by this run: the screen as a user first sees it, not the whole page (they stay small). */
const DOC_SHOTS = join(ROOT, 'docs', 'screenshots');
const officeUrl = (path = '') => new URL(`/office/${path}`, manifest.api_url).toString();

let browser: Browser;
beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  mkdirSync(DOC_SHOTS, { recursive: true });
  // Playwright gives each launch a fresh, empty profile (its own --user-data-dir).
  browser = await chromium.launch({ executablePath: ensureChromium((line) => process.stdout.write(`[chromium] ${line}\n`)), args: CHROMIUM_ARGS });
});
afterAll(async () => {
  await browser?.close();
});

/**
 * The browser's line for an answer the test expects: the page asks who is logged in (401 before
 * login), the Viewer forces a change (403), another platform's user opens this one's settlement (404).
 */
const EXPECTED_REFUSAL = /^Failed to load resource: the server responded with a status of (401|403|404) /;

/**
 * A page of its own context (no shared cookies), recording every console error (a CSP
 * violation is one: "Refused to load…", "Refused to execute inline…") and uncaught exception.
 */
async function openPage(): Promise<{ page: Page; errors: string[] }> {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  const errors: string[] = [];
  page.on('console', (m) => void (m.type() === 'error' && !EXPECTED_REFUSAL.test(m.text()) && errors.push(m.text())));
  page.on('pageerror', (e) => void errors.push(e.message));
  return { page, errors };
}

async function logIn(page: Page, email: string, password: string, where: { platform: string; environment: string } = admin): Promise<void> {
  const answer = await page.goto(officeUrl());
  // The CSP is on the page itself, strict: nothing inline, nothing from another host, no framing.
  expect(answer!.headers()['content-security-policy']).toBe("default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'");
  await page.getByLabel('Platform').fill(where.platform);
  await page.getByLabel('Environment').fill(where.environment);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'Settlements' }).waitFor();
}

/** At a phone's width the page reflows: nothing wider than the screen. */
async function fitsPhone(page: Page, what: string): Promise<void> {
  const { width, height } = page.viewportSize()!;
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await page.evaluate('document.documentElement.scrollWidth'), what).toBeLessThanOrEqual(390);
  await page.setViewportSize({ width, height });
}

/** A settlement made through the API by the environment's client, and a new user of `role` logged in to the pages. */
async function settlementAndUser(role: 'manager' | 'viewer', instruction: object = dvpInstruction(manifest)) {
  const created = await services().api.request<SettlementView>('POST', '/v1/settlements', instruction);
  const email = `${role}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const made = await createOfficeUser(services().db, { platform: admin.platform, environment: admin.environment, email, name: `A ${role}`, role });
  const { page, errors } = await openPage();
  await logIn(page, email, made.password!);
  return { created, page, errors, userId: made.user.id };
}

describe('the Web Office in Chromium', () => {
  it('shows a Manager a settlement from the list to FINALIZED, live, and verifies its trail', async () => {
    const { api } = services();
    const { created, page, errors } = await settlementAndUser('manager');

    const row = page.locator(`tr[data-settlement="${created.id}"]`);
    await row.waitFor();
    // The Active tab has it while it runs; the Failed tab does not.
    await page.getByRole('tab', { name: 'Failed' }).click();
    // The Active page stays until the Failed one is read; then the row is gone.
    await row.waitFor({ state: 'detached' });
    await page.getByText(/No settlements here|of \d+/).first().waitFor();
    // Screened by now (the Compliance tab has it while it screens): the Active tab has it.
    const awaiting = await waitForState(api, created.id, ['AWAITING_DEPOSITS']);
    await page.getByRole('tab', { name: 'Active' }).click();
    await row.getByRole('link').click();

    const state = page.getByTestId('state');
    await expect.poll(() => state.textContent(), { timeout: 60_000 }).toBe('AWAITING_DEPOSITS');
    await page.getByRole('heading', { name: /Deposit instructions for the seller/ }).waitFor();
    const workflowLink = page.getByRole('link', { name: /in Temporal's Web UI/ });
    expect(await workflowLink.getAttribute('href')).toBe(`${manifest.temporal.ui_url}/namespaces/${manifest.temporal.namespace}/workflows/settlement-${created.id}`);
    await page.screenshot({ path: join(SHOTS, 'office-detail-awaiting.png'), fullPage: true });

    // A mark on the window survives only if the page is never reloaded.
    await page.evaluate(() => Object.assign(globalThis, { notReloaded: true }));
    await depositAs(manifest, awaiting, 'seller');
    await depositAs(manifest, awaiting, 'buyer');
    await expect.poll(() => state.textContent(), { timeout: 90_000 }).toBe('FINALIZED');
    expect(await page.evaluate(() => (globalThis as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await page.locator('li[data-event="FINALIZED"]').waitFor();
    // Told by the server's events, the page asks the API nothing once nothing happens: no polling.
    // (First a second for the stream's news of the last transition, read every 500 ms, which may
    // come after the page has read it already, and costs one read.)
    await new Promise((r) => setTimeout(r, 1000));
    const asked: string[] = [];
    page.on('request', (r) => void (new URL(r.url()).pathname.startsWith('/v1/') && asked.push(r.url())));
    await new Promise((r) => setTimeout(r, 3000));
    expect(asked).toEqual([]);
    expect(await page.locator('.deposit-deposited').count()).toBe(2);

    await page.getByRole('button', { name: 'Verify trail' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toMatch(/^Intact: \d+ events/);
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: join(DOC_SHOTS, 'office-detail.png') });
    // At a phone's width the page reflows: nothing wider than the screen.
    for (const path of [`settlements/${created.id}`, '']) {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(officeUrl(path));
      await page.locator(path ? '.timeline li' : 'tr[data-settlement]').first().waitFor();
      await page.screenshot({ path: join(SHOTS, `office-${path ? 'detail' : 'list'}-phone.png`), fullPage: true });
      expect(await page.evaluate('document.documentElement.scrollWidth'), path || 'the list').toBeLessThanOrEqual(390);
    }

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    expect((await page.request.get(officeUrl('api/me'))).status()).toBe(401);
    expect(errors).toEqual([]);
  });

  it('lets a Manager approve a flagged screening on the detail page, and shows the workflow go on', async () => {
    const { created, page, errors, userId } = await settlementAndUser('manager', flaggedInstruction(manifest, 'dvp-review'));
    await page.goto(officeUrl(`settlements/${created.id}`));
    await page.getByRole('button', { name: 'Approve' }).waitFor({ timeout: 60_000 });
    await page.getByLabel('Reason').fill('a namesake: born elsewhere');
    await page.screenshot({ path: join(SHOTS, 'office-decision.png'), fullPage: true });
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => page.getByTestId('state').textContent(), { timeout: 60_000 }).toBe('AWAITING_DEPOSITS');
    expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    // The decision is the user's, in the trail.
    const decided = await services().db.settlementEvent.findFirst({ where: { settlementId: created.id, toState: 'COMPLIANCE_CLEARED' } });
    expect(decided!.payload).toMatchObject({ decision: 'approve', decision_reason: 'a namesake: born elsewhere', decided_by: `user:${userId}` });
    expect(errors).toEqual([]);
  });

  it('lets a Manager suppress a match and approve a flagged settlement from the review queue, and revoke the suppression', async () => {
    // A party reference of its own: the suppression is of this party only, whatever other tests screen meanwhile.
    const instruction = flaggedInstruction(manifest, 'dvp-review');
    instruction.parties[0]!.external_reference = `queue-${Math.random().toString(36).slice(2, 8)}`;
    const { created, page, errors, userId } = await settlementAndUser('manager', instruction);
    await page.getByRole('link', { name: 'Compliance review' }).click();
    const review = page.locator(`article[data-review="${created.id}"]`);
    await review.waitFor({ timeout: 60_000 });
    const match = review.locator('tr[data-entry="4107"]');
    expect(await match.locator('td').allTextContents()).toEqual(['buyer', expect.stringContaining(' 4107)'), expect.stringMatching(/chess player/i), expect.stringMatching(/^[01]\.\d{3}$/), 'name, weak', expect.stringMatching(/date of birth agrees/), 'Suppress']);
    await page.screenshot({ path: join(DOC_SHOTS, 'office-review-queue.png') });
    await fitsPhone(page, 'the review queue');

    await match.getByRole('button', { name: /^Suppress/ }).click();
    await review.getByLabel(/Why the buyer is not/).fill('a namesake: born elsewhere');
    await review.getByRole('button', { name: 'Suppress this match' }).click();
    // Listed below the queue, on this settlement (its id's first characters link to it).
    const suppression = page.locator('tr[data-suppression]', { hasText: created.id.slice(0, 8) });
    await expect.poll(() => suppression.textContent()).toContain('a namesake: born elsewhere');

    await review.getByLabel('Reason').fill('a namesake, and now suppressed');
    await review.getByRole('button', { name: 'Approve' }).click();
    // The item leaves the queue as the workflow goes on; the page says what was decided.
    await expect.poll(() => page.getByTestId('decided').textContent()).toBe(`Approved ${created.id}: it leaves the queue as the workflow goes on.`);
    await review.waitFor({ state: 'detached', timeout: 30_000 });
    const decided = await services().db.settlementEvent.findFirst({ where: { settlementId: created.id, toState: 'COMPLIANCE_CLEARED' } });
    expect(decided!.payload).toMatchObject({ decision: 'approve', decided_by: `user:${userId}` });

    await suppression.getByRole('button', { name: /^Revoke the suppression/ }).click();
    await page.getByLabel(/counts again/).fill('checked again: keep screening');
    await page.getByRole('button', { name: 'Revoke suppression' }).click();
    await suppression.waitFor({ state: 'detached' });
    await page.getByLabel('Status').selectOption('revoked');
    await expect.poll(() => suppression.textContent()).toMatch(/revoked$/);
    expect(errors).toEqual([]);
  });

  it('lets a Manager add a webhook endpoint, see its secret once and its test ping delivered to a real receiver, pause it, rotate its secret and resend', async () => {
    const receiver = await new Receiver().start();
    try {
      const { page, errors } = await settlementAndUser('manager');
      await page.getByRole('link', { name: 'Webhooks' }).click();
      await page.getByLabel('Endpoint URL').fill(receiver.url);
      await page.getByLabel('Description').fill('the back office receiver');
      await page.getByLabel(/^Events/).fill('settlement.state.*, settlement.compliance.*');
      await page.getByRole('button', { name: 'Add endpoint' }).click();
      const secret = (await page.getByTestId('secret').textContent())!;
      expect(secret).toMatch(/^whsec_/);
      await page.getByRole('button', { name: 'I have copied it' }).click();
      expect(await page.getByTestId('secret').count()).toBe(0);

      await page.getByRole('link', { name: receiver.url }).click();
      await page.getByRole('heading', { name: `Webhook endpoint ${receiver.url}` }).waitFor();
      await page.getByRole('button', { name: 'Send test ping' }).click();
      await expect.poll(() => page.getByTestId('ping-result').textContent(), { timeout: 30_000 }).toMatch(/^Delivered: HTTP 200 in \d+ ms$/);
      // The ping reached the receiver signed with the secret the page showed once.
      // Settlements of the environment send their events too: count the pings.
      const pings = (n: number) => receiver.waitFor((r) => r.filter((x) => x.json.event === 'test.ping').length === n);
      const [ping] = (await pings(1)).filter((x) => x.json.event === 'test.ping');
      expect(ping!.json.event).toBe('test.ping');
      new Webhook(secret).verify(ping!.body, Object.fromEntries(Object.entries(ping!.headers).map(([k, v]) => [k, String(v)])));
      const delivered = page.locator('tr[data-event="test.ping"]');
      await expect.poll(() => delivered.first().textContent()).toMatch(/^test\.pingdelivered1HTTP 200/);
      await page.screenshot({ path: join(SHOTS, 'office-webhook.png'), fullPage: true });
      await fitsPhone(page, 'an endpoint with its delivery log');

      await delivered.first().getByRole('button', { name: /^Resend/ }).click();
      await pings(2);
      await expect.poll(() => delivered.count()).toBe(2);

      await page.getByRole('button', { name: 'Pause' }).click();
      await expect.poll(() => page.getByTestId('webhook-status').textContent()).toBe('paused');
      await page.getByRole('button', { name: 'Send test ping' }).click();
      await expect.poll(() => page.getByTestId('ping-result').textContent()).toMatch(/^Not delivered: the endpoint is paused/);
      await page.getByRole('button', { name: 'Resume' }).click();
      await expect.poll(() => page.getByTestId('webhook-status').textContent()).not.toBe('paused');
      // The ping queued while paused goes out on resume.
      await pings(3);

      await page.getByLabel('Description').fill('renamed');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await expect.poll(() => page.getByRole('status').filter({ hasText: 'Saved' }).count()).toBe(1);
      await page.getByRole('button', { name: 'Rotate secret' }).click();
      const rotated = (await page.getByTestId('secret').textContent())!;
      expect(rotated).toMatch(/^whsec_/);
      expect(rotated).not.toBe(secret);
      // A secret is in one answer only: after a reload the page has neither.
      await page.reload();
      await page.getByRole('heading', { name: /^Webhook endpoint/ }).waitFor();
      const html = await page.content();
      expect(html).not.toContain(secret);
      expect(html).not.toContain(rotated);
      expect(await page.getByLabel('Description').inputValue()).toBe('renamed');
      expect(errors).toEqual([]);
    } finally {
      await receiver.stop();
    }
  });

  it('lets the Administrator create a Manager and a Viewer who then log in, and deactivate the Viewer, whose open page returns to the login at once', async () => {
    const { page, errors } = await openPage();
    await logIn(page, admin.email, admin.password);
    await page.getByRole('link', { name: 'Users' }).click();
    const made: Record<string, string> = {};
    for (const role of ['manager', 'viewer']) {
      const email = `${role}-${Math.random().toString(36).slice(2, 8)}@example.com`;
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Name').fill(`A ${role}`);
      await page.getByLabel('Role').selectOption(role);
      await page.getByRole('button', { name: 'Create user' }).click();
      made[role] = (await page.getByTestId('secret').textContent())!;
      await page.getByRole('button', { name: 'I have copied it' }).click();
      await expect.poll(() => page.locator(`tr[data-user="${email}"]`).textContent()).toContain(`A ${role}${role}active`);
      made[`${role}Email`] = email;
    }
    // Each logs in with the password shown once; what each may open follows the role.
    const manager = await openPage();
    await logIn(manager.page, made.managerEmail!, made.manager!);
    expect(await manager.page.getByRole('navigation', { name: 'Pages' }).getByRole('link').allTextContents()).toEqual(['Settlements', 'Compliance review', 'Instructions', 'Webhooks']);
    const viewer = await openPage();
    await logIn(viewer.page, made.viewerEmail!, made.viewer!);
    expect(await viewer.page.getByRole('navigation', { name: 'Pages' }).getByRole('link').allTextContents()).toEqual(['Settlements', 'Compliance review', 'Instructions']);
    await viewer.page.getByRole('link', { name: 'Compliance review' }).click();
    await viewer.page.getByRole('heading', { name: 'Suppressions' }).waitFor();

    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: `Deactivate ${made.viewerEmail}` }).click();
    await expect.poll(() => page.locator(`tr[data-user="${made.viewerEmail}"]`).textContent()).toMatch(/deactivated/);
    // The Viewer's page reads the queue every 5 s: its next read finds no session, and the login shows.
    await viewer.page.getByText('Your session has ended: log in again.').waitFor({ timeout: 15_000 });
    expect((await viewer.page.request.get(officeUrl('api/me'))).status()).toBe(401);
    expect([...errors, ...manager.errors, ...viewer.errors]).toEqual([]);
  });

  it('lets the Administrator create a restricted API client, its secret shown once getting a token as restricted, rotate the secret revoking its tokens, and deactivate it', async () => {
    const { page, errors } = await openPage();
    await logIn(page, admin.email, admin.password);
    await page.getByRole('link', { name: 'API clients' }).click();
    const name = `reader-${Math.random().toString(36).slice(2, 8)}`;
    await page.getByLabel('Name').fill(name);
    await page.getByLabel('settlements:read', { exact: true }).check();
    await page.getByLabel(/^IP ranges/).fill('127.0.0.1/32, ::1/128');
    await page.getByLabel(/^Endpoints/).fill('GET /v1/settlements, GET /v1/settlements/*');
    await page.getByRole('button', { name: 'Create client' }).click();
    const secret = (await page.getByTestId('secret').textContent())!;
    const row = page.locator(`tr[data-client="${name}"]`);
    await expect.poll(() => row.textContent()).toContain('IP 127.0.0.1/32, ::1/128; endpoints GET /v1/settlements, GET /v1/settlements/*');
    const clientId = (await row.locator('code').textContent())!;
    await page.getByRole('button', { name: 'I have copied it' }).click();

    // The secret is a real client's: its token reads settlements, and nothing its restrictions or scope leave out.
    const statusOf = (p: Promise<unknown>) =>
      p.then(
        () => 200,
        (e: unknown) => {
          if (e instanceof ApiRequestError) return e.status;
          throw e as Error;
        },
      );
    const client = new LockstepApi(manifest.api_url);
    await client.authenticate(clientId, secret, manifest.client.audience);
    expect(await statusOf(client.request('GET', '/v1/settlements?limit=1'))).toBe(200);
    expect(await statusOf(client.request('GET', '/v1/settlement-templates'))).toBe(403);
    expect(await statusOf(client.request('POST', '/v1/settlements', dvpInstruction(manifest)))).toBe(403);

    await row.getByRole('button', { name: `Manage ${name}` }).click();
    await page.getByLabel(/also revoke its live tokens/).check();
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    const rotated = (await page.getByTestId('secret').textContent())!;
    expect(rotated).not.toBe(secret);
    expect(await statusOf(new LockstepApi(manifest.api_url).authenticate(clientId, secret, manifest.client.audience))).toBe(401);
    await expect.poll(() => statusOf(client.request('GET', '/v1/settlements?limit=1')), { timeout: 5000 }).toBe(401);
    const renewed = new LockstepApi(manifest.api_url);
    await renewed.authenticate(clientId, rotated, manifest.client.audience);
    expect(await statusOf(renewed.request('GET', '/v1/settlements?limit=1'))).toBe(200);
    await page.screenshot({ path: join(SHOTS, 'office-clients.png'), fullPage: true });
    await fitsPhone(page, 'the API clients');
    await page.getByRole('button', { name: 'I have copied it' }).click();

    await page.getByRole('button', { name: 'Deactivate' }).click();
    await expect.poll(() => row.textContent()).toContain('deactivated');
    await expect.poll(() => statusOf(renewed.request('GET', '/v1/settlements?limit=1')), { timeout: 5000 }).toBe(401);
    // The bootstrap client holds the operator's scope, which no role has: the page offers nothing to do to it.
    expect(await page.locator('tr[data-client]', { hasText: manifest.client.client_id }).textContent()).toContain('holds scopes beyond your role');
    await page.reload();
    await row.waitFor();
    const html = await page.content();
    expect(html).not.toContain(secret);
    expect(html).not.toContain(rotated);
    expect(errors).toEqual([]);
  });

  it('shows instructions pending, matched and expired with their mismatches, and lets a Manager cancel a pending side', async () => {
    const { api } = services();
    // Logged in first: the sides' short time to live runs from their submission.
    const { page, errors } = await settlementAndUser('manager');
    const submit = (body: Record<string, unknown>) => api.request<{ id: string; trade_reference: string; status: string; settlement_id: string | null }>('POST', '/v1/instructions', body);
    const fresh = (body: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ ...body, idempotency_key: `office-${Math.random().toString(36).slice(2)}`, ...extra });
    const sides = guideSides(manifest);
    const seller = await submit(sides.seller);
    const reference = seller.trade_reference;
    // A buyer's side with another price does not match, and says why; the right one matches.
    const legs = (sides.buyer.legs as { quantity: string }[]).map((l, i) => (i === 1 ? { ...l, quantity: '49999.99' } : l));
    const wrong = await submit(fresh(sides.buyer, { trade_reference: reference, legs }));
    const right = await submit(fresh(sides.buyer, { trade_reference: reference }));
    expect([wrong.status, right.status]).toEqual(['pending_match', 'matched']);

    await page.getByRole('link', { name: 'Instructions' }).click();
    await page.getByLabel('Trade reference').fill(reference);
    const row = (id: string) => page.locator(`tr[data-instruction="${id}"]`);
    await expect.poll(() => row(wrong.id).textContent()).toMatch(/pending_match.*legs\[1\]\.quantity: the quantities differ \(ours 49999\.99, theirs 50000\)/);
    await page.getByRole('tab', { name: 'Matched' }).click();
    await expect.poll(() => row(right.id).textContent()).toContain(`settlement ${right.settlement_id!.slice(0, 8)}`);
    expect(await row(seller.id).textContent()).toContain('matched');
    await page.screenshot({ path: join(SHOTS, 'office-instructions.png'), fullPage: true });
    await fitsPhone(page, 'the instructions');
    // The unmatched side lapses after its time to live, and the page moves it by itself.
    await page.getByRole('tab', { name: 'Expired' }).click();
    await expect.poll(() => row(wrong.id).textContent(), { timeout: (INSTRUCTION_TTL_SECONDS + 10) * 1000 }).toMatch(/expired.*the quantities differ/);

    // A fresh side, made now: the time to live is short.
    const other = await submit(guideSides(manifest).seller);
    await page.getByLabel('Trade reference').fill(other.trade_reference);
    await page.getByRole('tab', { name: 'Pending' }).click();
    await row(other.id).getByRole('button', { name: /^Cancel the seller's side/ }).click();
    await row(other.id).waitFor({ state: 'detached' });
    await page.getByRole('tab', { name: 'Cancelled' }).click();
    await expect.poll(() => row(other.id).textContent()).toContain('cancelled');
    expect(errors).toEqual([]);
  });

  it('shows a Viewer everything and no change control, a flagged screening included; the API refuses a change the Viewer forces', async () => {
    const { created, page, errors } = await settlementAndUser('viewer', flaggedInstruction(manifest, 'dvp-review'));
    // By now the earlier tests' settlements fill the list in several states: the README's picture of it.
    await page.locator('tr[data-settlement]').first().waitFor();
    await page.screenshot({ path: join(DOC_SHOTS, 'office-list.png') });
    await page.goto(officeUrl(`settlements/${created.id}`));
    await page.getByRole('heading', { name: `Settlement ${created.id}` }).waitFor();
    await page.locator('.timeline').getByText('compliance:flagged').waitFor({ timeout: 60_000 });
    // Reading and moving about only: the tabs, paging, verify, log out; nothing that changes a settlement.
    const buttons = await page.getByRole('button').allTextContents();
    expect(buttons.sort()).toEqual(['Log out', 'Verify trail']);
    const forced = await page.evaluate(async (body) => {
      const me = (await (await fetch('/office/api/me')).json()) as { csrf_token: string };
      const res = await fetch('/v1/settlements', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrf_token }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as { detail: string } };
    }, dvpInstruction(manifest));
    expect(forced).toMatchObject({ status: 403, body: { detail: 'The viewer role lacks the "settlements:write" scope' } });
    expect(errors).toEqual([]);
  });

  it('shows a logged-out user and a user of another platform nothing of this environment', async () => {
    const { api, db } = services();
    const created = await api.request<SettlementView>('POST', '/v1/settlements', dvpInstruction(manifest));
    const { page, errors } = await openPage();
    // Logged out, any page is the login, and the API answers nothing to the browser.
    await page.goto(officeUrl(`settlements/${created.id}`));
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    expect(await page.getByRole('heading', { name: `Settlement ${created.id}` }).count()).toBe(0);
    const paths = [`/v1/settlements/${created.id}`, '/v1/settlements', '/v1/compliance/reviews', '/v1/instructions', '/v1/platforms/me/webhooks', '/office/api/users'];
    const statuses = (ps: string[]) => page.evaluate(async (list) => Promise.all(list.map(async (p) => (await fetch(p)).status)), ps);
    expect(await statuses(paths)).toEqual(paths.map(() => 401));

    // Another platform's Administrator: the settlement is not found, no page lists it or anything of this environment's.
    const where = { platform: 'office-browser-elsewhere', environment: 'sandbox' };
    await ensureEnvironment(db, where.platform, where.environment);
    const outsider = await createOfficeUser(db, { ...where, email: `outsider-${Math.random().toString(36).slice(2, 8)}@example.com`, name: 'An outsider', role: 'administrator' });
    await logIn(page, outsider.user.email, outsider.password!, where);
    await page.getByText('No settlements here.').waitFor();
    await page.goto(officeUrl(`settlements/${created.id}`));
    await page.getByRole('alert').filter({ hasText: 'was not found' }).waitFor();
    expect(await page.getByRole('heading', { name: `Settlement ${created.id}` }).count()).toBe(0);
    expect(await statuses(paths.slice(0, 1))).toEqual([404]);
    for (const [link, empty] of [['Compliance review', 'No settlement waits for a decision.'], ['Instructions', 'No instructions here.'], ['Webhooks', 'No endpoints yet']] as const) {
      await page.getByRole('link', { name: link }).click();
      await page.getByText(empty).first().waitFor();
    }
    await page.getByRole('link', { name: 'Users' }).click();
    await expect.poll(() => page.locator('tr[data-user]').allTextContents()).toEqual([expect.stringContaining(outsider.user.email)]);
    await page.getByRole('link', { name: 'API clients' }).click();
    await page.getByText('No clients in this environment.').waitFor();
    expect(errors).toEqual([]);
  });

  it('serves the page and its assets from this origin only, and no page for a path that is not one', async () => {
    const page = await fetch(officeUrl());
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    const html = await page.text();
    // Nothing inline and nothing from another host: every script and style is a file under /office/assets/.
    expect(html).not.toMatch(/<style|<script>|style=|https?:\/\//);
    const asset = /src="(\/office\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const js = await fetch(new URL(asset, manifest.api_url));
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(js.headers.get('cache-control')).toMatch(/immutable/);
    expect((await fetch(officeUrl('assets/missing.js'))).status).toBe(404);
  });
});
