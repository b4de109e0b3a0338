/**
 * Issue 14's "done when": a page served from http://localhost:5173 in headless Chromium (Debian's, driven
 * by playwright-core) registers, logs in, creates and lists strategies, and follows an AI developer run's
 * events to the end with a native EventSource and a stream ticket; then EventSource's reconnect gets 204
 * and it stops. Plus the same stream read by a Node EventSource client and by raw fetch (retry:/id:,
 * Last-Event-ID resume without duplicates, ticket rules).
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventSource } from 'eventsource';
import { Browser, chromium } from 'playwright-core';
import request from 'supertest';
import { AiDeveloperService } from '../../src/ai-developer/ai-developer.service';
import { bearer, PASSWORD } from '../support/auth';
import { appWithTwoUsers, TwoUsers } from '../support/two-users';
import { DATABASES } from '../support/auth';
import { fenced, SMA_CROSS_BOT } from '../bots/bot-fixtures';

jest.setTimeout(120_000);

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The frontend's origin: a plain page on port 5173 (or any free port when another test holds it). */
async function servePage(): Promise<{ server: Server; origin: string }> {
  const html = '<!doctype html><html><head><title>AlgoAgent frontend</title></head><body>frontend</body></html>';
  const listen = (port: number) =>
    new Promise<Server>((resolve, reject) => {
      const server = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end(html));
      server.once('error', reject).listen(port, '127.0.0.1', () => resolve(server));
    });
  const server = await listen(5173).catch(() => listen(0));
  return { server, origin: `http://localhost:${(server.address() as AddressInfo).port}` };
}

/** The few response fields the page reads. */
interface PageBody {
  tokens?: { access: string };
  id?: string;
  ticket?: string;
  expires_in?: number;
  events_url?: string;
  count?: number;
  results?: Array<Record<string, unknown>>;
}

/** Splits an SSE body into events with every field each carried. */
function parseSse(text: string): Array<Record<string, string>> {
  return text
    .split('\n\n')
    .filter((b) => b.trim())
    .map((b) => Object.fromEntries(b.split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)])));
}

describe.each(DATABASES.slice(0, 1))('The web frontend in a real browser (%s)', (_name, open) => {
  let s: TwoUsers;
  let page: { server: Server; origin: string };
  let api: string;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)`);
    page = await servePage();
    s = await appWithTwoUsers(open, [{ id: 'k1', project: 'p1', rpm: 100 }], {
      BOTS_DIR: mkdtempSync(join(tmpdir(), 'bots-')),
      BOT_TIMEOUT_MS: '5000',
      CORS_ORIGINS: page.origin,
    });
    s.t.fake.respondWith(() => fenced(SMA_CROSS_BOT));
    await s.t.app.listen(0, '127.0.0.1');
    api = `http://127.0.0.1:${(s.t.app.getHttpServer().address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
    await new Promise((resolve) => page?.server.close(resolve));
  });

  it('registers, logs in, creates and lists strategies, and follows a run to the end with EventSource', async () => {
    const context = await browser.newContext();
    const tab = await context.newPage();
    await tab.goto(`${page.origin}/`);
    const outcome = await tab.evaluate(
      async ({ api, password }) => {
        const json = async (path: string, init: RequestInit & { token?: string } = {}) => {
          const headers: Record<string, string> = { 'Content-Type': 'application/json' };
          if (init.token) headers.Authorization = `Bearer ${init.token}`;
          const res = await fetch(`${api}${path}`, { ...init, headers, credentials: 'include' });
          return {
            status: res.status,
            body: (res.status === 204 ? null : await res.json()) as PageBody,
            requestId: res.headers.get('X-Request-Id'),
          };
        };
        const reg = await json('/api/auth/register/', {
          method: 'POST',
          body: JSON.stringify({ username: 'dana', email: 'dana@example.com', password, password2: password }),
        });
        const login = await json('/api/auth/login/', { method: 'POST', body: JSON.stringify({ username: 'dana', password }) });
        const token = login.body.tokens!.access;
        const created = await json('/api/strategies/strategies/', {
          method: 'POST',
          token,
          body: JSON.stringify({ name: 'Browser SMA', strategy_code: 'module.exports = { onBar() {} };', tags: ['browser'] }),
        });
        const list = await json('/api/strategies/strategies/', { token });
        const run = await json('/api/ai-developer/runs', {
          method: 'POST',
          token,
          body: JSON.stringify({ description: 'Buy on a 5/20 SMA cross, sell on the cross back.', strategy_name: 'Browser Run' }),
        });
        const ticket = await json(`/api/ai-developer/runs/${run.body.id!}/events/ticket`, { method: 'POST', token });
        const stream = await new Promise<{
          events: Array<{ id: string; step: string; seq: number }>;
          stoppedState: number;
          errors: number;
        }>((resolve) => {
          const events: Array<{ id: string; step: string; seq: number }> = [];
          let errors = 0;
          // The browser's own EventSource (the Node import of the same name is not in the page).
          const NativeEventSource = (globalThis as unknown as { EventSource: typeof EventSource }).EventSource;
          const source = new NativeEventSource(`${api}${ticket.body.events_url!}`);
          source.addEventListener('progress', (e: MessageEvent) => {
            const data = JSON.parse(String(e.data)) as { step: string; seq: number };
            events.push({ id: e.lastEventId, step: data.step, seq: data.seq });
          });
          // After `done` the server ends the stream; EventSource reconnects once (retry: 3000), gets 204 and stops.
          source.onerror = () => {
            errors += 1;
            if (source.readyState === 2) resolve({ events, stoppedState: source.readyState, errors });
          };
          setTimeout(() => resolve({ events, stoppedState: source.readyState, errors }), 60_000);
        });
        return {
          reg: reg.status,
          login: login.status,
          created: created.status,
          list: list.body,
          run: run.status,
          ticket: ticket.body,
          stream,
          requestId: list.requestId,
        };
      },
      { api, password: PASSWORD },
    );
    await context.close();

    expect(outcome.reg).toBe(201);
    expect(outcome.login).toBe(200);
    expect(outcome.created).toBe(201);
    expect(outcome.list.count).toBe(1);
    expect(outcome.list.results![0]).toMatchObject({ name: 'Browser SMA', tags: ['browser'] });
    expect(outcome.requestId).toBeTruthy(); // an exposed header the page can read
    expect(outcome.run).toBe(202);
    expect(outcome.ticket).toMatchObject({ ticket: expect.any(String), expires_in: 60 });
    const { events, stoppedState } = outcome.stream;
    expect(events.length).toBeGreaterThan(2);
    expect(events[0].step).toBe('generate');
    expect(events.at(-1)!.step).toBe('done');
    expect(events.every((e) => e.id === String(e.seq))).toBe(true);
    expect(new Set(events.map((e) => e.seq)).size).toBe(events.length); // no duplicates, no made-up repeats
    expect(stoppedState).toBe(2); // EventSource.CLOSED: the reconnect got 204
    // The ticket never reaches the logs (query strings are cut from every logged URL).
    expect(s.t.logs.text).not.toContain(outcome.ticket.ticket);
  });

  describe('the events stream outside the browser', () => {
    let runId: string;
    let all: Array<Record<string, string>>;

    beforeAll(async () => {
      const res = await request(s.t.app.getHttpServer())
        .post('/api/ai-developer/runs')
        .set(bearer(s.alice.access))
        .send({ description: 'Buy on a 5/20 SMA cross, sell on the cross back.', strategy_name: 'Node Run' })
        .expect(202);
      runId = res.body.id;
      await s.t.app.get(AiDeveloperService).settled(runId);
      const text = await (await fetch(`${api}/api/ai-developer/runs/${runId}/events`, { headers: bearer(s.alice.access) })).text();
      all = parseSse(text);
    });

    it('a Node EventSource client (Authorization through its fetch) follows the run to done', async () => {
      const seen: number[] = [];
      await new Promise<void>((resolve, reject) => {
        const source = new EventSource(`${api}/api/ai-developer/runs/${runId}/events`, {
          fetch: (url, init) => fetch(url, { ...init, headers: { ...init?.headers, ...bearer(s.alice.access) } }),
        });
        source.addEventListener('progress', (e) => {
          const data = JSON.parse(e.data);
          seen.push(data.seq);
          if (data.step === 'done') {
            source.close();
            resolve();
          }
        });
        source.onerror = (e) => reject(new Error(`EventSource error: ${e.message ?? 'unknown'}`));
      });
      expect(seen).toEqual(all.map((e) => Number(e.id)));
    });

    it('every event carries retry: and id:, and Last-Event-ID resumes after it without duplicates', async () => {
      expect(all.length).toBeGreaterThan(3);
      for (const e of all) {
        expect(e.retry).toBe('3000');
        expect(e.id).toMatch(/^\d+$/);
      }
      const after = Number(all[1].id);
      const resumed = parseSse(
        await (
          await fetch(`${api}/api/ai-developer/runs/${runId}/events`, {
            headers: { ...bearer(s.alice.access), 'Last-Event-ID': String(after) },
          })
        ).text(),
      );
      expect(resumed.map((e) => e.id)).toEqual(all.slice(2).map((e) => e.id));
    });

    it('a finished run answers a reconnect that has everything with 204 (no made-up done event)', async () => {
      const res = await fetch(`${api}/api/ai-developer/runs/${runId}/events`, {
        headers: { ...bearer(s.alice.access), 'Last-Event-ID': all.at(-1)!.id },
      });
      expect(res.status).toBe(204);
      expect(await res.text()).toBe('');
    });

    it('tickets: single use, run-scoped, owner only; a used one only learns that the run is over', async () => {
      const http = request(s.t.app.getHttpServer());
      const t = await http.post(`/api/ai-developer/runs/${runId}/events/ticket`).set(bearer(s.alice.access)).expect(201);
      const first = await fetch(`${api}${t.body.events_url}`);
      expect(first.status).toBe(200);
      expect(parseSse(await first.text()).at(-1)!.event).toBe('progress');
      const reuse = await fetch(`${api}${t.body.events_url}`);
      expect(reuse.status).toBe(204); // finished run: EventSource's reconnect stops here
      await http.post(`/api/ai-developer/runs/${runId}/events/ticket`).set(bearer(s.bob.access)).expect(404);
      await http.post(`/api/ai-developer/runs/${runId}/events/ticket`).expect(401);
      const other = await http
        .post('/api/ai-developer/runs')
        .set(bearer(s.alice.access))
        .send({ description: 'Another SMA cross strategy for the ticket test.', strategy_name: 'Other Run' })
        .expect(202);
      await s.t.app.get(AiDeveloperService).settled(other.body.id);
      const wrongRun = await fetch(`${api}/api/ai-developer/runs/${other.body.id}/events?ticket=${t.body.ticket}`);
      expect(wrongRun.status).toBe(401);
      expect(await wrongRun.json()).toEqual({ detail: 'Stream ticket is invalid, expired or already used', code: 'token_not_valid' });
      const forged = await fetch(`${api}/api/ai-developer/runs/${runId}/events?ticket=${'x'.repeat(32)}`);
      expect(forged.status).toBe(401);
      const none = await fetch(`${api}/api/ai-developer/runs/${runId}/events`);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer realm="api"');
    });
  });
});
