import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserContext, chromium, Page } from 'playwright-core';
import request from 'supertest';
import { ADMIN_TOKEN, createGeminiTestApp, GeminiTestApp } from './support/gemini-app';

/** The browser's `document`, as the page functions below use it (they run in Chromium, not in Node). */
interface PageNode {
  textContent: string | null;
}
declare const document: {
  getElementById(id: string): PageNode | null;
  querySelector(selector: string): PageNode | null;
  querySelectorAll(selector: string): Iterable<PageNode>;
};

/** Screenshots land here (kept out of git); the README's copy is docs/admin-dashboard.png. */
const OUTPUT = join(__dirname, '..', 'test-output');

describe('key dashboard in headless Chromium', () => {
  let t: GeminiTestApp;
  let browser: BrowserContext;
  let page: Page;
  let base: string;
  let profile: string;

  beforeAll(async () => {
    t = await createGeminiTestApp(
      [
        { id: 'flash_01', project: 'proj-a', rpm: 10 },
        { id: 'flash_02', project: 'proj-b', rpm: 10 },
        { id: 'flash_03', project: 'proj-b', rpm: 10 },
      ],
      // The calls that fill the usage charts are anonymous (demo mode): the dashboard is what is tested here.
      { store: 'memory', env: { ALLOW_ANONYMOUS: 'true' } },
    );
    for (let i = 0; i < 4; i++)
      await request(t.app.getHttpServer())
        .post('/api/ai/generate')
        .send({ prompt: `idea ${i}` })
        .expect(200);
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
    // A fresh user-data-dir per run (playwright passes it as --user-data-dir).
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      viewport: { width: 1400, height: 1000 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = browser.pages()[0] ?? (await browser.newPage());
  }, 120000);

  afterAll(async () => {
    await browser?.close();
    await t.shutdown();
    rmSync(profile, { recursive: true, force: true });
  });

  it('refuses a wrong token with the API error', async () => {
    await page.goto(`${base}/admin/`);
    await page.fill('#token', 'not-the-admin-token-at-all');
    await page.click('#token-form button');
    await page.waitForFunction(() => document.getElementById('error')?.textContent !== '');
    expect(await page.textContent('#error')).toBe('Invalid admin token');
    expect(await page.isVisible('#dashboard')).toBe(false);
  });

  it('signs in with the admin token and shows every key, usage and events; disable and enable work', async () => {
    await page.fill('#token', ADMIN_TOKEN);
    await page.click('#token-form button');
    await page.waitForSelector('#keys tbody tr[data-key="flash_03"]');
    const rows = await page.$$eval('#keys tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
    );
    expect(rows.map((r) => r[0])).toEqual(['flash_01', 'flash_02', 'flash_03']);
    expect(rows.map((r) => r[1])).toEqual(['proj-a', 'proj-b', 'proj-b']);
    expect(rows.every((r) => r[3] === 'ok')).toBe(true);
    expect(rows.every((r) => /\/ 10/.test(r[6]))).toBe(true); // RPM used against its limit
    expect(await page.textContent('#summary')).toContain('3 of 3 usable');
    const used = await page.$$eval('#by-key tbody tr td:nth-child(2)', (tds) => tds.reduce((n, td) => n + Number(td.textContent), 0));
    expect(used).toBe(4);
    expect(await page.$$eval('#chart-requests rect', (r) => r.length)).toBe(14);

    await page.click('#keys tr[data-key="flash_02"] button');
    await page.waitForFunction(() => document.querySelector('#keys tr[data-key="flash_02"] .state')?.textContent === 'disabled');
    const health = await request(t.app.getHttpServer()).get('/api/keys/health').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
    expect(health.body.keys.find((k: { key_id: string }) => k.key_id === 'flash_02').state).toBe('disabled');
    await page.waitForFunction(() => [...document.querySelectorAll('#events td')].some((td) => td.textContent === 'flash_02'));
    expect(await page.textContent('#summary')).toContain('2 of 3 usable');

    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: join(OUTPUT, 'admin-dashboard.png'), fullPage: true });

    await page.click('#keys tr[data-key="flash_02"] button');
    await page.waitForFunction(() => document.querySelector('#keys tr[data-key="flash_02"] .state')?.textContent === 'ok');
    await page.click('#reload');
    await page.waitForFunction(() => document.getElementById('error')?.textContent === '');
  });

  it('serves the page without Swagger noise and the script as JavaScript', async () => {
    const html = await request(t.app.getHttpServer()).get('/admin/').expect(200);
    expect(html.headers['content-type']).toMatch(/text\/html/);
    const js = await request(t.app.getHttpServer()).get('/admin/app.js').expect(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    const docs = await request(t.app.getHttpServer()).get('/docs-json').expect(200);
    expect(Object.keys(docs.body.paths)).not.toContain('/admin');
    expect(Object.keys(docs.body.paths)).toContain('/api/keys/events');
  });
});
