/**
 * `ws/backtest/stream/` with a real `ws` client against the app listening on a real port: sign-in, origin check,
 * the §E frames in order, NaN-free JSON, the per-user bound, the latest result saved for a strategy, and a
 * closed socket stopping the run — on PostgreSQL and PGlite.
 */
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import WebSocket from 'ws';
import { SandboxRunner } from '../../src/bots/sandbox/sandbox-runner.service';
import { StrategiesRepository } from '../../src/strategy/strategies.repository';
import { SMA_CROSS_BOT } from '../bots/bot-fixtures';
import { bearer, DATABASES, Registered } from '../support/auth';
import { appWithTwoUsers, TwoUsers } from '../support/two-users';
import { HANG_BOT } from './backtests-fixtures';

jest.setTimeout(120_000);

interface Client {
  ws: WebSocket;
  frames: any[];
  /** Resolves with the first frame (from now on or already received) matching `pred`. */
  next(pred: (f: any) => boolean): Promise<any>;
  closed: Promise<{ code: number }>;
  send(msg: object): void;
}

function connect(url: string, headers: Record<string, string> = {}): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    const frames: any[] = [];
    const waiters: Array<{ pred: (f: any) => boolean; done: (f: any) => void }> = [];
    const closed = new Promise<{ code: number }>((r) => ws.on('close', (code) => r({ code })));
    ws.on('message', (data) => {
      const frame: unknown = JSON.parse((data as Buffer).toString('utf8')); // throws on a bare NaN
      frames.push(frame);
      for (const w of [...waiters]) {
        if (!w.pred(frame)) continue;
        waiters.splice(waiters.indexOf(w), 1);
        w.done(frame);
      }
    });
    const client: Client = {
      ws,
      frames,
      closed,
      send: (msg) => ws.send(JSON.stringify(msg)),
      next: (pred) =>
        new Promise((done, fail) => {
          const seen = frames.find(pred);
          if (seen) return done(seen);
          waiters.push({ pred, done });
          void closed.then(() => fail(new Error(`socket closed before the frame came; got ${JSON.stringify(frames.slice(-3))}`)));
        }),
    };
    ws.on('open', () => resolve(client));
    ws.on('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.on('error', (e) => (ws.readyState === ws.CONNECTING ? resolve(client) : reject(e)));
  });
}

describe.each(DATABASES)('ws/backtest/stream/ on %s', (_name, open) => {
  let s: TwoUsers;
  let alice: Registered;
  let bob: Registered;
  let url: string;
  const start = (config: object) => ({ action: 'start_backtest', config });

  beforeAll(async () => {
    s = await appWithTwoUsers(open, [{ id: 'k1', project: 'p1' }], {
      BACKTEST_STREAM_CANDLE_MS: '3',
      BACKTEST_STREAM_MAX_PER_USER: '1',
      WS_ALLOWED_ORIGINS: 'https://app.example.com',
    });
    ({ alice, bob } = s);
    await s.t.app.listen(0, '127.0.0.1');
    url = `ws://127.0.0.1:${(s.t.app.getHttpServer().address() as AddressInfo).port}/ws/backtest/stream/`;
  });
  afterAll(() => s.close());

  it('refuses an origin that is not allowed (1008)', async () => {
    const c = await connect(url, { Origin: 'https://evil.example.net' });
    expect((await c.closed).code).toBe(1008);
  });

  it('needs a valid token before anything runs (4401)', async () => {
    const anon = await connect(url, { Origin: 'https://app.example.com' });
    anon.send(start({ symbol: 'AAPL' }));
    expect(await anon.next((f) => f.type === 'error')).toEqual({
      type: 'error',
      message: expect.stringMatching(/^Authentication required/),
    });
    expect((await anon.closed).code).toBe(4401);
    const forged = await connect(url);
    forged.send({ action: 'authenticate', token: 'not.a.jwt' });
    expect((await forged.next((f) => f.type === 'error')).message).toMatch(/^Authentication failed/);
    expect((await forged.closed).code).toBe(4401);
  });

  it('streams metadata, stats, every candle with its signals, complete — JSON without NaN', async () => {
    const c = await connect(url);
    c.send({ action: 'authenticate', token: alice.access });
    await c.next((f) => f.type === 'authenticated');
    c.send({ action: 'dance' });
    expect(await c.next((f) => f.type === 'error')).toEqual({ type: 'error', message: 'Unknown action: dance' });
    c.send(
      start({ symbol: 'msft', period: '1year', interval: '1d', strategy_code: SMA_CROSS_BOT, initial_balance: 20000, commission: 0.001 }),
    );
    const complete = await c.next((f) => f.type === 'complete');
    await c.next((f) => f.type === 'stats' && c.frames.indexOf(f) > c.frames.indexOf(complete));
    const frames = c.frames.slice(c.frames.findIndex((f) => f.type === 'metadata'));
    expect(frames[0]).toEqual({ type: 'metadata', symbol: 'MSFT', period: '1y', interval: '1d', status: 'loading_data' });
    expect(frames[1]).toMatchObject({ type: 'metadata', status: 'running_backtest', total_bars: expect.any(Number) });
    expect(frames[2]).toMatchObject({ type: 'stats', total_trades: complete.metrics.total_trades });
    expect(frames[3]).toMatchObject({
      type: 'metadata',
      status: 'streaming_visualization',
      total_bars: frames[1].total_bars,
      total_trades: complete.trades.length,
    });
    const candles = frames.filter((f) => f.type === 'candle');
    expect(candles).toHaveLength(frames[1].total_bars);
    expect(candles.map((f) => f.bar_number)).toEqual(candles.map((_, i) => i + 1));
    expect(candles[candles.length - 1].progress).toBe(100);
    const times = new Set(candles.map((f) => f.timestamp));
    const signals = frames.filter((f) => f.type === 'signal');
    expect(signals.filter((f) => f.action === 'ENTRY')).toHaveLength(complete.trades.length);
    expect(signals.every((f) => times.has(f.timestamp))).toBe(true);
    // each signal comes right after its own candle
    for (const sig of signals) {
      const before = frames
        .slice(0, frames.indexOf(sig))
        .reverse()
        .find((f) => f.type === 'candle');
      expect(before.timestamp).toBe(sig.timestamp);
    }
    expect(frames.filter((f) => f.type === 'stats').length).toBeGreaterThanOrEqual(2 + Math.floor(candles.length / 50));
    expect(complete).toMatchObject({
      total_bars: candles.length,
      metrics: { total_trades: complete.trades.length, final_equity: expect.any(Number) },
    });
    expect(complete.metrics.net_profit).toBeCloseTo(complete.metrics.final_equity - 20000, 6);
    c.ws.close();
  });

  it('sends a null sharpe (not NaN) and candles only without a strategy', async () => {
    const c = await connect(url, { Authorization: `Bearer ${alice.access}` });
    await c.next((f) => f.type === 'authenticated');
    c.send(start({ symbol: 'AAPL', period: '1mo' }));
    const complete = await c.next((f) => f.type === 'complete');
    expect(complete.metrics).toMatchObject({ total_trades: 0, sharpe_ratio: null });
    expect(c.frames.some((f) => f.status === 'running_backtest')).toBe(false);
    c.send(start({ symbol: '../x' }));
    expect((await c.next((f) => f.type === 'error')).message).toMatch(/^config\.symbol/);
    c.ws.close();
  });

  it("saves the result as the strategy's latest backtest; another user's strategy is not found", async () => {
    const strategy = await s.t.app
      .get(StrategiesRepository)
      .create({ name: `Stream SMA ${Date.now()}`, strategyCode: SMA_CROSS_BOT, createdBy: alice.id });
    const c = await connect(url, { Authorization: `Bearer ${alice.access}` });
    c.send({ ...start({ symbol: 'AAPL', period: '1y', strategy_id: strategy.id }), token: alice.access });
    const complete = await c.next((f) => f.type === 'complete');
    await c.next((f) => f.status === 'saved');
    const saved = await request(s.t.app.getHttpServer())
      .get(`/api/strategies/backtest-results/${strategy.id}/`)
      .set(bearer(alice.access))
      .expect(200);
    expect(saved.body).toMatchObject({ symbol: 'AAPL', timeframe: '1d', period: '1y', total_trades: complete.metrics.total_trades });
    c.ws.close();
    const b = await connect(url, { Authorization: `Bearer ${bob.access}` });
    b.send(start({ symbol: 'AAPL', strategy_id: strategy.id }));
    expect((await b.next((f) => f.type === 'error')).message).toMatch(/^Strategy not found/);
    b.ws.close();
  });

  it('bounds streams per user, and a closed socket stops the run and frees the slot', async () => {
    const first = await connect(url, { Authorization: `Bearer ${alice.access}` });
    first.send(start({ symbol: 'AAPL', period: '2y', strategy_code: HANG_BOT }));
    await first.next((f) => f.status === 'running_backtest');
    const second = await connect(url, { Authorization: `Bearer ${alice.access}` });
    second.send(start({ symbol: 'AAPL', period: '1mo' }));
    expect((await second.next((f) => f.type === 'error')).message).toMatch(/^Too many backtest streams at once \(at most 1 per user\)/);
    // bob is not limited by alice's stream
    const other = await connect(url, { Authorization: `Bearer ${bob.access}` });
    other.send(start({ symbol: 'AAPL', period: '1mo' }));
    await other.next((f) => f.type === 'complete');
    other.ws.close();

    const sandbox = s.t.app.get(SandboxRunner);
    expect(sandbox.stats.running).toBe(1);
    first.ws.close();
    await first.closed;
    for (let i = 0; i < 200 && sandbox.stats.running > 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(sandbox.stats.running).toBe(0);
    expect(first.frames.some((f) => f.type === 'candle')).toBe(false);
    let freed = false;
    for (let i = 0; i < 40 && !freed; i++) {
      second.send(start({ symbol: 'AAPL', period: '1mo' }));
      const f = await second.next(
        (x) => x.type === 'complete' || (x.type === 'error' && second.frames.filter((e) => e.type === 'error').length > i + 1),
      );
      freed = f.type === 'complete';
      if (!freed) await new Promise((r) => setTimeout(r, 25));
    }
    expect(freed).toBe(true);
    second.ws.close();
  });
});
