/**
 * validate_strategy_with_ai / create_strategy_with_ai / update_strategy_with_ai over HTTP, on real
 * PostgreSQL, with the fake Gemini answering structured JSON and local HTTP servers standing in for
 * strategy pages (allow-listed) and for internal services (not allow-listed).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { StrategiesRepository } from '../../src/strategy/strategies.repository';
import { TemplatesRepository } from '../../src/strategy/templates.repository';
import type { FakeRequest } from '../fakes/fake-gemini';
import { bearer, DATABASES } from '../support/auth';
import { appWithTwoUsers, TwoUsers } from '../support/two-users';

const BASE = '/api/strategies/api';
const MAX_PAGE_BYTES = 4096;

const CANONICAL = {
  is_strategy: true,
  title: 'EMA Crossover BTC',
  description: 'Trend following on daily BTC-USD bars with EMA 12/26.',
  classification: { type: 'trend_following', risk_tier: 'medium', primary_instruments: ['BTC-USD'] },
  entry_rules: [{ id: 'entry_1', description: 'Buy when EMA 12 crosses above EMA 26', condition: 'ema_12 > ema_26' }],
  exit_rules: [{ id: 'exit_1', description: 'Sell when EMA 12 crosses below EMA 26', condition: 'ema_12 < ema_26' }],
  risk_management: { stop_loss: '2% below entry', take_profit: '4% above entry', position_sizing: null },
  indicators: [
    { name: 'EMA', params: 'period=12' },
    { name: 'EMA', params: 'period=26' },
  ],
  metadata: { timeframe: '1d', expected_return: 12.5, max_drawdown: 8 },
  confidence: 'high',
  warnings: ['No position sizing given'],
};
const { is_strategy: _verdict, ...CANONICAL_ONLY } = CANONICAL;
const NOT_A_STRATEGY = {
  is_strategy: false,
  reasons: ['The text is a cooking recipe, not trading rules'],
  confidence: 'high',
  warnings: [],
};
const TEXT =
  '1. Buy BTC-USD when the 12 EMA crosses above the 26 EMA\n2. Sell when it crosses back below\n3. Stop loss 2%, take profit 4%, daily bars';

const PAGE_HTML =
  '<html><head><title>My strategy</title><script>var leaked = "SCRIPT-CONTENT";</script><style>body{}</style></head>' +
  '<body><h1>RSI reversion</h1><p>Buy SPY when RSI(14) &lt; 30, sell when RSI(14) &gt; 70.</p></body></html>';

interface Servers {
  page: http.Server;
  secret: http.Server;
  pagePort: number;
  secretPort: number;
  secretHits: number;
}

async function listen(handler: http.RequestListener): Promise<[http.Server, number]> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return [server, (server.address() as AddressInfo).port];
}

async function startServers(): Promise<Servers> {
  const s = { secretHits: 0 } as Servers;
  [s.secret, s.secretPort] = await listen((_req, res) => {
    s.secretHits++;
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end('internal secret');
  });
  [s.page, s.pagePort] = await listen((req, res) => {
    const big = 'x'.repeat(MAX_PAGE_BYTES * 3);
    switch (req.url) {
      case '/strategy':
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        return res.end(PAGE_HTML);
      case '/redirect-ok':
        res.writeHead(302, { Location: '/strategy' });
        return res.end();
      case '/redirect-private':
        res.writeHead(302, { Location: 'http://10.0.0.1/admin' });
        return res.end();
      case '/redirect-loopback':
        res.writeHead(301, { Location: `http://127.0.0.1:${s.secretPort}/` });
        return res.end();
      case '/redirect-loop':
        res.writeHead(302, { Location: '/redirect-loop' });
        return res.end();
      case '/big':
        res.writeHead(200, { 'Content-Type': 'text/html', 'Content-Length': String(big.length) });
        return res.end(big);
      case '/big-chunked':
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.write(big.slice(0, 3000));
        return res.end(big.slice(3000));
      case '/json':
        res.writeHead(200, { 'Content-Type': 'application/json' });
        return res.end('{"a":1}');
      case '/slow':
        setTimeout(() => {
          if (res.destroyed) return;
          res.writeHead(200, { 'Content-Type': 'text/plain' });
          res.end('too late');
        }, 3000).unref();
        return;
      default:
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        return res.end('not found');
    }
  });
  return s;
}

function close(server: http.Server): Promise<void> {
  return new Promise((r) => {
    server.closeAllConnections();
    server.close(() => r());
  });
}

describe('strategy AI validation on PostgreSQL', () => {
  let s: TwoUsers;
  let servers: Servers;
  const api = () => request(s.t.app.getHttpServer());
  const sent = (): FakeRequest[] => s.t.fake.requests.filter((r) => r.endpoint === 'generateContent').map((r) => r.request!);
  const answer = (...replies: unknown[]) => {
    let i = 0;
    s.t.fake.respondWith(() => {
      const r = replies[Math.min(i++, replies.length - 1)];
      return typeof r === 'string' ? r : JSON.stringify(r);
    });
  };
  const promptOf = (r: FakeRequest) =>
    r.contents.map((c) => (c.parts ?? []).map((p) => (p as { text?: string }).text ?? '').join('')).join('\n---\n');

  beforeAll(async () => {
    servers = await startServers();
    s = await appWithTwoUsers(DATABASES[0][1], [{ id: 'k1', project: 'p1', rpm: 100 }], {
      URL_FETCH_ALLOW_HOSTS: `127.0.0.1:${servers.pagePort}`,
      URL_FETCH_TIMEOUT_MS: '1000',
      URL_FETCH_MAX_BYTES: String(MAX_PAGE_BYTES),
    });
  });
  afterAll(async () => {
    await s?.close();
    await close(servers.page);
    await close(servers.secret);
  });
  beforeEach(() => {
    s.t.fake.requests.length = 0;
    s.t.fake.respondWith(undefined);
  });

  describe('validate_strategy_with_ai', () => {
    let sessionId = '';

    it('answers the validator result, built from structured Gemini output', async () => {
      answer(CANONICAL);
      const res = await api()
        .post(`${BASE}/validate_strategy_with_ai/`)
        .set(bearer(s.alice.access))
        .send({ strategy_text: TEXT })
        .expect(200);
      const b = res.body;
      expect(b.status).toBe('success');
      expect(b.message).toBe('Strategy validated: EMA Crossover BTC');
      expect(b.details).toBe('Type trend_following, risk medium, 1 entry rule(s), 1 exit rule(s), 2 indicator(s), timeframe 1d.');
      expect(b.classification).toBe('trend_following');
      expect(b.classification_detail).toEqual({ type: 'trend_following', risk_tier: 'medium', primary_instruments: ['BTC-USD'] });
      expect(b.confidence).toBe('high');
      expect(b.warnings).toEqual(['No position sizing given']);
      expect(typeof b.canonical_json).toBe('string');
      expect(JSON.parse(b.canonical_json)).toEqual(CANONICAL_ONLY);
      expect(b.formatted_response).toContain('## EMA Crossover BTC');
      expect(b.formatted_response).toContain('### Entry rules\n1. Buy when EMA 12 crosses above EMA 26');
      expect(b.input_type).toBe('numbered');
      expect(b.reasons).toEqual([]);
      expect(b.canonicalized_steps).toEqual([
        '1. Entry 1: Buy when EMA 12 crosses above EMA 26 — ema_12 > ema_26 → enter',
        '2. Exit 1: Sell when EMA 12 crosses below EMA 26 — ema_12 < ema_26 → exit',
      ]);
      expect(b.recommendations_list).toHaveLength(5);
      expect(b.recommendations_list[0]).toEqual({
        title: 'Missing position size',
        description: 'Add position sizing rule',
        rationale: 'Without sizing, strategy cannot be executed',
        priority: 1,
        category: 'sizing',
        test_params: { percent_of_equity: '1-5%', risk_per_trade: '0.5-2%' },
      });
      expect(b.recommendations_list.map((r: { title: string }) => r.title)).not.toContain('Add stop-loss rule');
      expect(b.recommendations).toMatch(/^1\. Add position sizing rule\n {3}Why: /);
      expect(b.next_actions).toEqual(['Run quick backtest', 'Run parameter sweep', 'Review recommendations', 'Approve -> Generate code']);
      expect(JSON.parse(b.canonical_json_formatted)).toEqual(CANONICAL_ONLY);
      expect(b.canonical_json_formatted).toContain('\n  "title": "EMA Crossover BTC"');
      expect(b.metadata).toMatchObject({ ...CANONICAL.metadata, created_by: 'user:alice', confidence: 'high' });
      expect(Date.parse(b.metadata.created_at)).not.toBeNaN();
      expect(b.provenance.sources).toEqual([
        { fetched_at: b.metadata.created_at, type: 'user_input', author: 'alice', snippet: TEXT.slice(0, 200) },
      ]);
      expect(b.session_id).toMatch(/^chat_[0-9a-f]{16}$/);
      expect(b.message_count).toBe(2);
      expect(b.context_used).toBe(false);
      sessionId = b.session_id;
    });

    it('asks Gemini for JSON with the response schema, temperature 0.2 and a system instruction', async () => {
      answer(CANONICAL);
      await api()
        .post(`${BASE}/validate_strategy_with_ai`)
        .set(bearer(s.alice.access))
        .send({ strategy_text: TEXT, use_context: false })
        .expect(200);
      const [req] = sent();
      expect(sent()).toHaveLength(1);
      expect(req.generationConfig.responseMimeType).toBe('application/json');
      expect(req.generationConfig.temperature).toBe(0.2);
      const schema = req.generationConfig.responseSchema as { properties: Record<string, unknown>; required: string[] };
      expect(Object.keys(schema.properties)).toEqual(
        expect.arrayContaining(['is_strategy', 'entry_rules', 'exit_rules', 'classification', 'confidence', 'warnings']),
      );
      expect(schema.required).toContain('is_strategy');
      expect(JSON.stringify(req.systemInstruction)).toContain('trading strategy analyst');
      expect(promptOf(req)).toContain('INPUT TYPE: numbered');
      expect(promptOf(req)).toContain('Buy BTC-USD when the 12 EMA crosses above the 26 EMA');
    });

    it('records the conversation: the user request and the AI result with metadata', async () => {
      const res = await api().get(`/api/strategies/chat/${sessionId}/messages/`).set(bearer(s.alice.access)).expect(200);
      expect(res.body).toHaveLength(2);
      const [user, ai] = res.body;
      expect(user.role).toBe('user');
      expect(user.content).toBe(`Validate strategy: ${TEXT.slice(0, 200)}...`);
      expect(user.metadata).toEqual({ action: 'validate_strategy', input_type: 'numbered', use_context: true });
      expect(ai.role).toBe('assistant');
      expect(ai.content).toBe('Validation success: trend_following');
      expect(ai.metadata).toMatchObject({
        action: 'validation_result',
        status: 'success',
        confidence: 'high',
        has_custom_format: true,
        gemini_calls: 1,
      });
      expect(ai.metadata.full_result).toMatchObject({ status: 'success', classification: 'trend_following' });
    });

    it('reuses the given session and sends its earlier messages as context', async () => {
      answer(CANONICAL);
      const res = await api()
        .post(`${BASE}/validate_strategy_with_ai/`)
        .set(bearer(s.alice.access))
        .send({ strategy_text: 'Buy BTC on golden cross, sell on death cross, 1d', session_id: sessionId })
        .expect(200);
      expect(res.body).toMatchObject({ session_id: sessionId, message_count: 4, context_used: true, input_type: 'freetext' });
      expect(promptOf(sent()[0])).toContain('EARLIER CONVERSATION (context only):\nUSER: Validate strategy: 1. Buy BTC-USD');
    });

    it("refuses someone else's session with 404 before calling Gemini", async () => {
      const res = await api()
        .post(`${BASE}/validate_strategy_with_ai/`)
        .set(bearer(s.bob.access))
        .send({ strategy_text: TEXT, session_id: sessionId })
        .expect(404);
      expect(res.body.error).toBe('Not found');
      expect(sent()).toHaveLength(0);
    });

    it('repairs a malformed answer with one more call carrying the bad output and its problems', async () => {
      answer('{"is_strategy": true, "title": "EMA', CANONICAL);
      const res = await api()
        .post(`${BASE}/validate_strategy_with_ai/`)
        .set(bearer(s.alice.access))
        .send({ strategy_text: TEXT })
        .expect(200);
      expect(res.body.status).toBe('success');
      const calls = sent();
      expect(calls).toHaveLength(2);
      expect(calls[1].contents.map((c) => c.role)).toEqual(['user', 'model', 'user']);
      expect(promptOf(calls[1])).toContain('{"is_strategy": true, "title": "EMA');
      expect(promptOf(calls[1])).toContain('- $: not valid JSON');
      expect(calls[1].generationConfig.responseMimeType).toBe('application/json');
      const messages = await api().get(`/api/strategies/chat/${res.body.session_id}/messages/`).set(bearer(s.alice.access)).expect(200);
      expect(messages.body[1].metadata.gemini_calls).toBe(2);
    });

    it('repairs an answer that is JSON but breaks the canonical rules', async () => {
      answer({ ...CANONICAL, exit_rules: [], confidence: 0.9 }, CANONICAL);
      await api().post(`${BASE}/validate_strategy_with_ai/`).set(bearer(s.alice.access)).send({ strategy_text: TEXT }).expect(200);
      expect(promptOf(sent()[1])).toContain('- $.exit_rules: must have at least 1 item(s)');
      expect(promptOf(sent()[1])).toContain('- $.confidence: must be one of high, medium, low');
    });

    it('answers 502 when Gemini returns an invalid strategy twice', async () => {
      answer('not json at all', { ...CANONICAL, entry_rules: [{ condition: 'x' }] });
      const res = await api()
        .post(`${BASE}/validate_strategy_with_ai/`)
        .set(bearer(s.alice.access))
        .send({ strategy_text: TEXT })
        .expect(502);
      expect(res.body.error).toBe('Gemini returned an invalid strategy twice');
      expect(res.body.details.problems).toEqual([{ path: '$.entry_rules[0].description', message: 'is required' }]);
      expect(sent()).toHaveLength(2);
    });

    it('reports a text that is not a strategy as status invalid, with the reasons', async () => {
      answer(NOT_A_STRATEGY);
      const res = await api()
        .post(`${BASE}/validate_strategy_with_ai/`)
        .set(bearer(s.alice.access))
        .send({ strategy_text: 'Mix flour, eggs and milk; bake 20 minutes.' })
        .expect(200);
      expect(res.body).toMatchObject({
        status: 'invalid',
        message: 'The text does not describe a trading strategy',
        details: 'The text is a cooking recipe, not trading rules',
        classification: null,
        classification_detail: null,
        canonical_json: null,
        reasons: ['The text is a cooking recipe, not trading rules'],
        message_count: 2,
        canonicalized_steps: [],
        recommendations: 'No specific recommendations at this time.',
        recommendations_list: [],
        next_actions: ['Provide strategy steps'],
        canonical_json_formatted: null,
        metadata: { created_by: 'user:alice', confidence: 'high' },
        provenance: { sources: [{ type: 'user_input', author: 'alice', snippet: 'Mix flour, eggs and milk; bake 20 minutes.' }] },
      });
      const messages = await api().get(`/api/strategies/chat/${res.body.session_id}/messages/`).set(bearer(s.alice.access)).expect(200);
      expect(messages.body[1].content).toBe('Validation invalid: unclassified');
    });

    it('fails a strategy with warnings in strict mode (status error)', async () => {
      answer(CANONICAL);
      const res = await api()
        .post(`${BASE}/validate_strategy_with_ai/`)
        .set(bearer(s.alice.access))
        .send({ strategy_text: TEXT, strict_mode: true })
        .expect(200);
      expect(res.body).toMatchObject({
        status: 'error',
        message: 'Strict mode: the strategy has 1 warning(s)',
        details: 'No position sizing given',
      });
    });

    it.each([
      ['an oversize text', { strategy_text: 'x'.repeat(20001) }, 'strategy_text'],
      ['an empty text', { strategy_text: '' }, 'strategy_text'],
      ['a missing text', {}, 'strategy_text'],
      ['an unknown input_type', { strategy_text: TEXT, input_type: 'pdf' }, 'input_type'],
      ['an unknown field', { strategy_text: TEXT, model: 'x' }, 'model'],
    ])('answers 400 for %s, naming the field', async (_what, body, field) => {
      const res = await api().post(`${BASE}/validate_strategy_with_ai/`).set(bearer(s.alice.access)).send(body).expect(400);
      expect(Object.keys(res.body.details)).toContain(field);
      expect(sent()).toHaveLength(0);
    });

    it('answers 400 for use_gemini=false (validation needs Gemini)', async () => {
      const res = await api()
        .post(`${BASE}/validate_strategy_with_ai/`)
        .set(bearer(s.alice.access))
        .send({ strategy_text: TEXT, use_gemini: false })
        .expect(400);
      expect(res.body.error).toBe('use_gemini=false is not supported: validation needs Gemini');
    });

    it('is documented in the OpenAPI document', async () => {
      const res = await api().get('/docs-json').expect(200);
      expect(Object.keys(res.body.paths)).toEqual(
        expect.arrayContaining([
          `${BASE}/validate_strategy_with_ai`,
          `${BASE}/create_strategy_with_ai`,
          `${BASE}/{id}/update_strategy_with_ai`,
        ]),
      );
    });

    it('needs authentication', async () => {
      await api().post(`${BASE}/validate_strategy_with_ai/`).send({ strategy_text: TEXT }).expect(401);
    });
  });

  describe('input_type url', () => {
    const validateUrl = (url: string, inputType?: string) =>
      api()
        .post(`${BASE}/validate_strategy_with_ai/`)
        .set(bearer(s.alice.access))
        .send({ strategy_text: url, ...(inputType ? { input_type: inputType } : {}) });

    it('fetches an allow-listed page and sends its text (no scripts) to Gemini', async () => {
      answer(CANONICAL);
      const url = `http://127.0.0.1:${servers.pagePort}/strategy`;
      const res = await validateUrl(url).expect(200);
      expect(res.body.input_type).toBe('url');
      expect(res.body.provenance.sources).toEqual([
        { fetched_at: expect.any(String), type: 'web_article', author: 'alice', snippet: url, url },
      ]);
      const prompt = promptOf(sent()[0]);
      expect(prompt).toContain('INPUT TYPE: url');
      expect(prompt).toContain('RSI reversion\nBuy SPY when RSI(14) < 30, sell when RSI(14) > 70.');
      expect(prompt).not.toContain('SCRIPT-CONTENT');
      const messages = await api().get(`/api/strategies/chat/${res.body.session_id}/messages/`).set(bearer(s.alice.access)).expect(200);
      expect(messages.body[0].content).toBe(`Validate strategy: ${url}...`);
      expect(messages.body[0].metadata.input_type).toBe('url');
    });

    it('follows a same-host redirect on the allow-listed server', async () => {
      answer(CANONICAL);
      await validateUrl(`http://127.0.0.1:${servers.pagePort}/redirect-ok`, 'url').expect(200);
      expect(promptOf(sent()[0])).toContain('RSI reversion');
    });

    it.each([
      [
        'a loopback port that is not allow-listed',
        () => `http://127.0.0.1:${servers.secretPort}/`,
        'url refused: resolves to a private address',
      ],
      ['localhost (resolved by DNS)', () => `http://localhost:${servers.secretPort}/`, 'url refused: resolves to a private address'],
      ['the cloud metadata address', () => 'http://169.254.169.254/latest/meta-data/', 'url refused: resolves to a private address'],
      ['IPv6 loopback', () => `http://[::1]:${servers.secretPort}/`, 'url refused: resolves to a private address'],
      [
        'an IPv4-mapped IPv6 loopback',
        () => `http://[::ffff:127.0.0.1]:${servers.secretPort}/`,
        'url refused: resolves to a private address',
      ],
      ['a private network address', () => 'http://10.0.0.1/', 'url refused: resolves to a private address'],
      [
        'a redirect to a private address',
        () => `http://127.0.0.1:${servers.pagePort}/redirect-private`,
        'url refused: redirect target resolves to a private address',
      ],
      [
        'a redirect to a loopback port not allow-listed',
        () => `http://127.0.0.1:${servers.pagePort}/redirect-loopback`,
        'url refused: redirect target resolves to a private address',
      ],
      ['a redirect loop', () => `http://127.0.0.1:${servers.pagePort}/redirect-loop`, 'url refused: more than 3 redirects'],
      ['file://', () => 'file:///etc/passwd', 'url refused: only http and https URLs are allowed (url uses file)'],
      ['ftp://', () => 'ftp://example.com/strategy.txt', 'url refused: only http and https URLs are allowed (url uses ftp)'],
      [
        'credentials in the URL',
        () => `http://user:secret@127.0.0.1:${servers.pagePort}/strategy`,
        'url refused: credentials in the url are not allowed',
      ],
      [
        'a page larger than the cap (Content-Length)',
        () => `http://127.0.0.1:${servers.pagePort}/big`,
        `page larger than ${MAX_PAGE_BYTES} bytes`,
      ],
      [
        'a page larger than the cap (chunked)',
        () => `http://127.0.0.1:${servers.pagePort}/big-chunked`,
        `page larger than ${MAX_PAGE_BYTES} bytes`,
      ],
      ['a slow page', () => `http://127.0.0.1:${servers.pagePort}/slow`, 'url fetch timed out'],
      [
        'a JSON document',
        () => `http://127.0.0.1:${servers.pagePort}/json`,
        'url refused: the page is application/json, not text/html or text/plain',
      ],
      ['a missing page', () => `http://127.0.0.1:${servers.pagePort}/nope`, 'url fetch failed: the page answered HTTP 404'],
    ])('answers 400 for %s, without calling Gemini', async (_what, url, message) => {
      const hits = servers.secretHits;
      const res = await validateUrl(url()).expect(400);
      expect(res.body.error).toBe(message);
      expect(JSON.stringify(res.body)).not.toMatch(/10\.0\.0\.1|secret/);
      expect(servers.secretHits).toBe(hits);
      expect(sent()).toHaveLength(0);
    });
  });

  describe('create_strategy_with_ai', () => {
    let strategyId = 0;
    let templateId = 0;
    let sessionId = '';

    it('saves the strategy and its auto template, linked both ways, and answers 201', async () => {
      answer(CANONICAL);
      const res = await api()
        .post(`${BASE}/create_strategy_with_ai/`)
        .set(bearer(s.alice.access))
        .send({ strategy_text: TEXT })
        .expect(201);
      const b = res.body;
      expect(b.success).toBe(true);
      expect(b.session_id).toMatch(/^chat_[0-9a-f]{16}$/);
      expect(b.message_count).toBe(2);
      expect(b.ai_validation).toMatchObject({ status: 'success', classification: 'trend_following', confidence: 'high' });
      expect(b.ai_validation.canonicalized_steps).toHaveLength(2);
      expect(b.ai_validation.recommendations_list).toHaveLength(5);
      expect(b.ai_validation.next_actions).toContain('Approve -> Generate code');
      expect(JSON.parse(b.ai_validation.canonical_json_formatted)).toEqual(CANONICAL_ONLY);
      expect(b.ai_validation.metadata).toMatchObject({ timeframe: '1d', created_by: 'user:alice' });
      expect(b.ai_validation.provenance.sources[0]).toMatchObject({ type: 'user_input', author: 'alice' });
      expect(b.strategy).toMatchObject({
        name: 'EMA Crossover BTC',
        description: CANONICAL.description,
        version: '1.0.0',
        status: 'valid',
        parameters: CANONICAL.metadata,
        tags: ['BTC-USD'],
        timeframe: '1d',
        risk_level: 'medium',
        expected_return: '12.5000',
        max_drawdown: '8.0000',
        created_by: s.alice.id,
        created_by_username: 'alice',
      });
      expect(JSON.parse(b.strategy.strategy_code)).toEqual(CANONICAL_ONLY);
      expect(b.strategy.strategy_code).toBe(b.ai_validation.canonical_json);
      expect(b.auto_created_template).toEqual({
        id: b.strategy.template,
        name: 'Template: EMA Crossover BTC',
        message: expect.stringContaining('created'),
      });
      strategyId = b.strategy.id;
      templateId = b.strategy.template;
      sessionId = b.session_id;
      const template = await s.t.app.get(TemplatesRepository).byId(templateId);
      expect(template).toMatchObject({
        linkedStrategyId: strategyId,
        category: 'trend_following',
        createdBy: s.alice.id,
        latestStrategyCode: b.strategy.strategy_code,
      });
    });

    it('links the conversation to the strategy', async () => {
      const res = await api()
        .get('/api/strategies/chat/')
        .query({ strategy_id: String(strategyId) })
        .set(bearer(s.alice.access))
        .expect(200);
      expect(res.body.results.map((r: { session_id: string }) => r.session_id)).toEqual([sessionId]);
      const sessions = await api().get('/api/auth/chat-sessions/').set(bearer(s.alice.access)).expect(200);
      const made = sessions.body.results.find((r: { session_id: string }) => r.session_id === sessionId);
      expect(made.generated_strategies).toEqual([strategyId]);
      expect(made.messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);
    });

    it('names a clash "name v2" (version 2.0.0) with its own template', async () => {
      answer(CANONICAL);
      const res = await api()
        .post(`${BASE}/create_strategy_with_ai/`)
        .set(bearer(s.alice.access))
        .send({ strategy_text: TEXT })
        .expect(201);
      expect(res.body.strategy).toMatchObject({ name: 'EMA Crossover BTC v2', version: '2.0.0' });
      expect(res.body.auto_created_template.name).toBe('Template: EMA Crossover BTC v2');
    });

    it('takes name, description and tags from the body', async () => {
      answer(CANONICAL);
      const res = await api()
        .post(`${BASE}/create_strategy_with_ai/`)
        .set(bearer(s.alice.access))
        .send({ strategy_text: TEXT, name: 'My EMA', description: 'mine', tags: ['crypto'], save_to_backtest: true })
        .expect(201);
      expect(res.body.strategy).toMatchObject({ name: 'My EMA', description: 'mine', tags: ['crypto'] });
    });

    it('answers 400 with the validation result and suggestions when the text is not a strategy, saving nothing', async () => {
      const before = await s.t.app.get(StrategiesRepository).countAll();
      answer(NOT_A_STRATEGY);
      const res = await api()
        .post(`${BASE}/create_strategy_with_ai/`)
        .set(bearer(s.alice.access))
        .send({ strategy_text: 'Mix flour and eggs.' })
        .expect(400);
      expect(res.body).toMatchObject({
        error: 'Strategy validation failed',
        message: 'The text does not describe a trading strategy',
        details: 'The text is a cooking recipe, not trading rules',
        validation_result: { status: 'invalid', reasons: ['The text is a cooking recipe, not trading rules'] },
        session_id: expect.stringMatching(/^chat_[0-9a-f]{16}$/),
      });
      expect(res.body.suggestions).toHaveLength(4);
      expect(await s.t.app.get(StrategiesRepository).countAll()).toBe(before);
    });

    it('answers 404 for a template that is not yours, before calling Gemini', async () => {
      await api()
        .post(`${BASE}/create_strategy_with_ai/`)
        .set(bearer(s.bob.access))
        .send({ strategy_text: TEXT, template_id: templateId })
        .expect(404);
      expect(sent()).toHaveLength(0);
    });

    describe('update_strategy_with_ai', () => {
      const updated = {
        ...CANONICAL,
        description: 'Now on 4h bars.',
        classification: { ...CANONICAL.classification, risk_tier: 'high' },
        metadata: { timeframe: '4h', expected_return: null },
        confidence: 'medium',
      };

      it('PUT re-validates and overwrites the strategy, appending to the template chat history', async () => {
        answer(updated);
        const res = await api()
          .put(`${BASE}/${strategyId}/update_strategy_with_ai/`)
          .set(bearer(s.alice.access))
          .send({ strategy_text: 'Same rules on 4h bars', session_id: sessionId })
          .expect(200);
        expect(res.body).toMatchObject({
          success: true,
          message: 'Strategy updated with AI validation',
          session_id: sessionId,
          message_count: 4,
        });
        expect(res.body.ai_validation).toMatchObject({ status: 'success', confidence: 'medium' });
        expect(res.body.ai_validation.metadata).toMatchObject({ timeframe: '4h', confidence: 'medium' });
        expect(res.body.ai_validation.recommendations_list.length).toBeGreaterThan(0);
        expect(res.body.ai_validation.canonicalized_steps.length).toBeGreaterThan(0);
        const sessions = await api().get('/api/auth/chat-sessions/').set(bearer(s.alice.access)).expect(200);
        const made = sessions.body.results.find((r: { session_id: string }) => r.session_id === sessionId);
        expect(made.generated_strategies).toEqual([strategyId]);
        expect(res.body.strategy).toMatchObject({
          id: strategyId,
          name: 'EMA Crossover BTC',
          description: CANONICAL.description,
          timeframe: '4h',
          risk_level: 'high',
          expected_return: null,
          max_drawdown: null,
          parameters: { timeframe: '4h', expected_return: null },
        });
        const t = (await s.t.app.get(TemplatesRepository).byId(templateId))!;
        expect(t.chatHistory).toEqual([
          {
            timestamp: expect.any(String),
            message: 'Same rules on 4h bars',
            user: 'alice',
            confidence: 'medium',
            warnings: ['No position sizing given'],
          },
        ]);
        expect(t.latestStrategyCode).toBe(res.body.strategy.strategy_code);
      });

      it('PATCH does the same and replaces the description with update_description', async () => {
        answer(updated);
        const res = await api()
          .patch(`${BASE}/${strategyId}/update_strategy_with_ai`)
          .set(bearer(s.alice.access))
          .send({ strategy_text: 'Again on 4h', update_description: true })
          .expect(200);
        expect(res.body.strategy.description).toBe('Now on 4h bars.');
        const t = (await s.t.app.get(TemplatesRepository).byId(templateId))!;
        expect(t.chatHistory.map((e) => e.message)).toEqual(['Same rules on 4h bars', 'Again on 4h']);
      });

      it("takes update_description as Django's free-text note: kept in the chat history, the description left alone", async () => {
        answer({ ...updated, description: 'Gemini would say this' });
        const res = await api()
          .patch(`${BASE}/${strategyId}/update_strategy_with_ai/`)
          .set(bearer(s.alice.access))
          .send({ strategy_text: 'Same on 4h, tighter stop', update_description: 'Tighter stop after the March drawdown' })
          .expect(200);
        expect(res.body.strategy.description).toBe('Now on 4h bars.');
        const t = (await s.t.app.get(TemplatesRepository).byId(templateId))!;
        expect(t.chatHistory.at(-1)!.message).toBe('Tighter stop after the March drawdown');
        const long = await api()
          .patch(`${BASE}/${strategyId}/update_strategy_with_ai/`)
          .set(bearer(s.alice.access))
          .send({ strategy_text: 'x y z', update_description: 'n'.repeat(501) })
          .expect(400);
        expect(long.body.details.update_description).toEqual(['update_description must be a note of at most 500 characters, or a boolean']);
      });

      it('answers 400 with the validation result and leaves the strategy as it was', async () => {
        answer(NOT_A_STRATEGY);
        const res = await api()
          .put(`${BASE}/${strategyId}/update_strategy_with_ai/`)
          .set(bearer(s.alice.access))
          .send({ strategy_text: 'Mix flour' })
          .expect(400);
        expect(res.body).toMatchObject({
          error: 'Strategy validation failed',
          validation_result: { status: 'invalid' },
          session_id: expect.any(String),
        });
        expect((await s.t.app.get(StrategiesRepository).byId(strategyId))!.timeframe).toBe('4h');
      });

      it("answers 404 for someone else's strategy, and for a missing one, without calling Gemini", async () => {
        await api()
          .put(`${BASE}/${strategyId}/update_strategy_with_ai/`)
          .set(bearer(s.bob.access))
          .send({ strategy_text: TEXT })
          .expect(404);
        await api().patch(`${BASE}/999999/update_strategy_with_ai/`).set(bearer(s.alice.access)).send({ strategy_text: TEXT }).expect(404);
        expect(sent()).toHaveLength(0);
      });
    });
  });
});

describe('create_strategy_with_ai when the Gemini keys are exhausted (PostgreSQL)', () => {
  let s: TwoUsers;
  const api = () => request(s.t.app.getHttpServer());

  beforeAll(async () => {
    s = await appWithTwoUsers(DATABASES[0][1], [{ id: 'k1', project: 'p1', rpm: 1 }]);
    s.t.fake.respondWith(() => JSON.stringify(CANONICAL));
  });
  afterAll(() => s?.close());

  it('answers 429 with Retry-After and saves no strategy and no template', async () => {
    await api().post(`${BASE}/validate_strategy_with_ai/`).set(bearer(s.alice.access)).send({ strategy_text: TEXT }).expect(200);
    const res = await api().post(`${BASE}/create_strategy_with_ai/`).set(bearer(s.alice.access)).send({ strategy_text: TEXT }).expect(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(await s.t.app.get(StrategiesRepository).countAll()).toBe(0);
    expect(await s.t.app.get(TemplatesRepository).countAll()).toBe(0);
  });
});
