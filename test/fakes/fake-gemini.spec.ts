/**
 * Drives the fake Gemini server with the real @google/generative-ai SDK (baseUrl → the fake), so the fake is
 * proven wire-compatible: success bodies, SSE streaming, errors as GoogleGenerativeAIFetchError.errorDetails.
 */
import {
  GoogleGenerativeAI,
  GoogleGenerativeAIAbortError,
  GoogleGenerativeAIFetchError,
  type ModelParams,
  type RequestOptions,
} from '@google/generative-ai';
import { DateTime } from 'luxon';
import { FakeGemini } from './fake-gemini';

const T0 = Date.parse('2026-05-01T12:00:00Z');
let clock = T0;
const fake = new FakeGemini({
  now: () => clock,
  keys: [
    { key: 'key-free', project: 'proj-free', id: 'free' },
    { key: 'key-a1', project: 'proj-a', id: 'a1', rpm: 3 },
    { key: 'key-a2', project: 'proj-a', id: 'a2', rpm: 5 },
    { key: 'key-b1', project: 'proj-b', id: 'b1', rpm: 3 },
    { key: 'key-day', project: 'proj-day', id: 'day', rpd: 2 },
    { key: 'key-tok', project: 'proj-tok', id: 'tok', tpm: 100 },
    { key: 'key-paid', project: 'proj-paid', id: 'paid', rpm: 1, tier: 'paid' },
  ],
});
let baseUrl = '';

beforeAll(async () => {
  baseUrl = await fake.start();
});
afterAll(() => fake.stop());
beforeEach(() => {
  fake.reset();
  clock = T0;
});

function model(key: string, params: Partial<ModelParams> = {}, opts: RequestOptions = {}) {
  return new GoogleGenerativeAI(key).getGenerativeModel({ model: 'gemini-2.5-flash', ...params }, { baseUrl, ...opts });
}

async function fetchError(p: Promise<unknown>): Promise<GoogleGenerativeAIFetchError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GoogleGenerativeAIFetchError);
  return err as GoogleGenerativeAIFetchError;
}

type Detail = Record<string, any>;
const detail = (err: GoogleGenerativeAIFetchError, type: string): Detail | undefined =>
  err.errorDetails?.find((d) => d['@type'] === `type.googleapis.com/google.rpc.${type}`);

async function post(path: string, body: unknown, key?: string): Promise<Response> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (key) headers['x-goog-api-key'] = key;
  return fetch(`${baseUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
}

describe('FakeGemini — successful calls through the real SDK', () => {
  it('generateContent returns the echo text and usageMetadata counting the system instruction', async () => {
    const m = model('key-free', { systemInstruction: 'You are terse.' }); // 14 chars
    const { response } = await m.generateContent('Hello fake'); // 10 chars → 24 chars → 6 tokens
    expect(response.text()).toBe('echo: Hello fake');
    expect(response.candidates?.[0].finishReason).toBe('STOP');
    expect(response.usageMetadata).toMatchObject({ promptTokenCount: 6, candidatesTokenCount: 4, totalTokenCount: 10 });
    expect(fake.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v1beta/models/gemini-2.5-flash:generateContent',
      endpoint: 'generateContent',
      keyId: 'free',
      project: 'proj-free',
      status: 200,
    });
  });

  it('answers `{}` for responseMimeType application/json, then hook and scripted replies in priority order', async () => {
    const json = model('key-free', { generationConfig: { responseMimeType: 'application/json' } });
    expect(JSON.parse((await json.generateContent('give json')).response.text())).toEqual({});

    fake.respondWith((req) => `hook:${req.model}:${req.keyId}:${req.contents.length}`);
    expect((await model('key-free').generateContent('x')).response.text()).toBe('hook:gemini-2.5-flash:free:1');

    fake.script('key-free', { responses: ['{"name":"first"}', { text: 'second', finishReason: 'MAX_TOKENS' }] });
    expect((await json.generateContent('a')).response.text()).toBe('{"name":"first"}');
    const second = (await json.generateContent('b')).response;
    expect([second.text(), second.candidates?.[0].finishReason]).toEqual(['second', 'MAX_TOKENS']);
    expect((await model('key-free').generateContent('y')).response.text()).toBe('hook:gemini-2.5-flash:free:1');
  });

  it('generateContentStream yields several SSE chunks and the final usage', async () => {
    const result = await model('key-free').generateContentStream('stream this please');
    const pieces: string[] = [];
    for await (const chunk of result.stream) pieces.push(chunk.text());
    const final = await result.response;
    expect(pieces.length).toBe(3);
    expect(pieces.join('')).toBe('echo: stream this please');
    expect(final.text()).toBe('echo: stream this please');
    expect(final.candidates?.[0].finishReason).toBe('STOP');
    expect(final.usageMetadata).toEqual(expect.objectContaining({ promptTokenCount: 5, candidatesTokenCount: 6, totalTokenCount: 11 }));
    expect(fake.requests[0].path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
  });

  it('streamGenerateContent without alt=sse returns one JSON array whose last element carries usage', async () => {
    const res = await post(
      '/v1beta/models/gemini-2.5-flash:streamGenerateContent',
      { contents: [{ role: 'user', parts: [{ text: 'abc' }] }] },
      'key-free',
    );
    expect(res.headers.get('content-type')).toContain('application/json');
    const body = (await res.json()) as Detail[];
    expect(body.length).toBeGreaterThan(1);
    expect(body[body.length - 1].usageMetadata.promptTokenCount).toBe(1);
    expect(body[0].candidates[0].finishReason).toBeUndefined();
  });

  it('countTokens returns the ceil(chars/4) estimate and does not use generate quota', async () => {
    const { totalTokens } = await model('key-a1').countTokens('twelve chars');
    expect(totalTokens).toBe(3);
    const raw = await post('/v1beta/models/gemini-2.5-flash:countTokens', { contents: [{ parts: [{ text: 'x'.repeat(41) }] }] }, 'key-a1');
    expect(await raw.json()).toEqual({ totalTokens: 11, promptTokensDetails: [{ modality: 'TEXT', tokenCount: 11 }] });
    expect(fake.usage('proj-a', 'gemini-2.5-flash').rpm).toBe(0);
  });

  it('startChat sends the history and grows it turn by turn', async () => {
    const chat = model('key-free').startChat({
      history: [
        { role: 'user', parts: [{ text: 'Hi' }] },
        { role: 'model', parts: [{ text: 'Hello!' }] },
      ],
    });
    const first = await chat.sendMessage('What is 2+2?');
    expect(first.response.text()).toBe('echo: What is 2+2?');
    expect(first.response.usageMetadata?.promptTokenCount).toBe(5); // (2 + 6 + 12) chars / 4
    await chat.sendMessage('And 3+3?');
    const sent = fake.requests[1].request!;
    expect(sent.contents.map((c) => c.role)).toEqual(['user', 'model', 'user', 'model', 'user']);
    expect(sent.contents[3].parts?.[0].text).toBe('echo: What is 2+2?');
  });

  it('lists models with a plain fetch (header or ?key=) and never keeps the key in the logged path', async () => {
    const res = await fetch(`${baseUrl}/v1beta/models`, { headers: { 'x-goog-api-key': 'key-free' } });
    expect(res.status).toBe(200);
    const { models } = (await res.json()) as { models: Detail[] };
    expect(models.map((m) => m.name)).toContain('models/gemini-2.5-flash');
    expect(models[0].supportedGenerationMethods).toContain('generateContent');
    const viaQuery = await fetch(`${baseUrl}/v1beta/models?key=key-free&pageSize=5`);
    expect(viaQuery.status).toBe(200);
    expect(fake.requests[1]).toMatchObject({ path: '/v1beta/models?pageSize=5', keyId: 'free' });
    expect(fake.requests.map((r) => r.path).join(' ')).not.toContain('key-free');
  });
});

describe('FakeGemini — quotas per project × model', () => {
  it('answers the real per-minute 429 after RPM requests, with RetryInfo from the sliding window', async () => {
    const m = model('key-a1');
    for (const t of [0, 10_000, 20_000]) {
      clock = T0 + t;
      await m.generateContent('hi');
    }
    clock = T0 + 24_000;
    const err = await fetchError(m.generateContent('hi'));
    expect(err.status).toBe(429);
    expect(detail(err, 'RetryInfo')).toEqual({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '36s' });
    expect(detail(err, 'QuotaFailure')?.violations).toEqual([
      {
        quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
        quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
        quotaDimensions: { location: 'global', model: 'gemini-2.5-flash' },
        quotaValue: '3',
      },
    ]);
    expect(detail(err, 'Help')?.links[0].url).toBe('https://ai.google.dev/gemini-api/docs/rate-limits');
    expect(err.message).toContain('Please retry in 36s.');

    clock = T0 + 60_001; // the first request left the window
    await expect(m.generateContent('hi')).resolves.toBeDefined();
    expect(fake.stats()['key-a1']).toMatchObject({ id: 'a1', ok: 4, rateLimited: 1, errors: 0 });
  });

  it('shares one budget between keys of a project (smallest limit) but not with other projects or models', async () => {
    await model('key-a1').generateContent('1');
    await model('key-a2').generateContent('2');
    await model('key-a2').generateContent('3'); // proj-a limit = min(3, 5) = 3
    expect((await fetchError(model('key-a2').generateContent('4'))).status).toBe(429);
    expect((await fetchError(model('key-a1').generateContent('5'))).status).toBe(429);
    await expect(model('key-b1').generateContent('other project')).resolves.toBeDefined();
    await expect(model('key-a1', { model: 'gemini-2.5-pro' }).generateContent('other model')).resolves.toBeDefined();
    expect(fake.usage('proj-a', 'gemini-2.5-flash')).toEqual({ rpm: 3, tpm: 3, rpd: 3 });
    expect(fake.stats()['key-a2']).toMatchObject({ ok: 2, rateLimited: 1 });
  });

  it('resets RPD at midnight America/Los_Angeles across the 2026-03-08 DST switch', async () => {
    const pacific = (iso: string) => DateTime.fromISO(iso, { zone: 'America/Los_Angeles' }).toMillis();
    const m = model('key-day');
    clock = pacific('2026-03-08T01:30'); // PST, before the 02:00 jump
    await m.generateContent('a');
    clock = pacific('2026-03-08T09:00'); // PDT
    await m.generateContent('b');
    clock = pacific('2026-03-08T10:00');
    const err = await fetchError(m.generateContent('c'));
    expect(detail(err, 'QuotaFailure')?.violations[0]).toMatchObject({
      quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier',
      quotaValue: '2',
    });
    expect(detail(err, 'RetryInfo')?.retryDelay).toBe('50400s'); // 14 h to 00:00 PDT
    clock = Date.parse('2026-03-09T00:30:00Z'); // UTC already next day, still 17:30 on the 8th in LA
    expect((await fetchError(m.generateContent('d'))).status).toBe(429);
    clock = Date.parse('2026-03-09T06:59:59Z'); // 23:59:59 PDT
    expect(detail(await fetchError(m.generateContent('e')), 'RetryInfo')?.retryDelay).toBe('1s');
    clock = Date.parse('2026-03-09T07:00:00Z'); // Pacific midnight (UTC-7 now, not UTC-8)
    await expect(m.generateContent('f')).resolves.toBeDefined();
  });

  it('answers the input-token 429 when the 60 s token window is full', async () => {
    const m = model('key-tok');
    await m.generateContent('x'.repeat(300)); // 75 tokens
    clock = T0 + 15_000;
    const err = await fetchError(m.generateContent('y'.repeat(200))); // +50 > 100
    expect(err.status).toBe(429);
    expect(detail(err, 'QuotaFailure')?.violations[0]).toMatchObject({
      quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_input_token_count',
      quotaId: 'GenerateContentInputTokensPerModelPerMinute-FreeTier',
      quotaValue: '100',
    });
    expect(detail(err, 'RetryInfo')?.retryDelay).toBe('45s');
    await expect(m.generateContent('z'.repeat(100))).resolves.toBeDefined(); // 25 more tokens still fit
    clock = T0 + 60_001;
    await expect(m.generateContent('y'.repeat(200))).resolves.toBeDefined();
  });

  it('drops the -FreeTier suffix and uses paid metrics for paid-tier keys', async () => {
    await model('key-paid').generateContent('1');
    const v = detail(await fetchError(model('key-paid').generateContent('2')), 'QuotaFailure')?.violations[0];
    expect(v).toMatchObject({ quotaId: 'GenerateRequestsPerMinutePerProjectPerModel', quotaValue: '1' });
    expect(v?.quotaMetric).toContain('generate_content_paid_tier_requests');
  });
});

describe('FakeGemini — key and upstream failures', () => {
  it('rejects an unknown key (and a key scripted invalid) with 400 API_KEY_INVALID', async () => {
    for (const key of ['not-a-key', 'key-free']) {
      if (key === 'key-free') fake.script('key-free', 'invalid');
      const err = await fetchError(model(key).generateContent('hi'));
      expect(err.status).toBe(400);
      expect(err.message).toContain('API key not valid. Please pass a valid API key.');
      expect(detail(err, 'ErrorInfo')).toMatchObject({ reason: 'API_KEY_INVALID', domain: 'googleapis.com' });
    }
  });

  it('answers 403 for leaked, suspended and service-blocked keys, also on the models probe', async () => {
    fake.script('key-free', 'leaked');
    const leaked = await fetchError(model('key-free').generateContent('hi'));
    expect([leaked.status, leaked.errorDetails]).toEqual([403, undefined]);
    expect(leaked.message).toContain('Your API key was reported as leaked. Please use another API key.');
    expect((await fetch(`${baseUrl}/v1beta/models`, { headers: { 'x-goog-api-key': 'key-free' } })).status).toBe(403);

    fake.script('key-free', 'suspended');
    const suspended = await fetchError(model('key-free').generateContent('hi'));
    expect(suspended.status).toBe(403);
    expect(detail(suspended, 'ErrorInfo')).toMatchObject({ reason: 'CONSUMER_SUSPENDED' });
    expect(suspended.message).not.toContain('key-free');

    fake.script('key-free', 'blocked');
    const blocked = await fetchError(model('key-free').generateContentStream('hi'));
    expect(detail(blocked, 'ErrorInfo')).toMatchObject({ reason: 'API_KEY_SERVICE_BLOCKED' });
    expect(blocked.message).toContain('GenerativeService.StreamGenerateContent are blocked');
  });

  it('answers the real 500/503/504 bodies; `times` limits a behaviour to the next N requests', async () => {
    fake.script('key-free', { times: 1, then: { status: 503 } });
    const err = await fetchError(model('key-free').generateContent('hi'));
    expect(err.status).toBe(503);
    expect(err.message).toContain('The model is overloaded. Please try again later.');
    await expect(model('key-free').generateContent('hi')).resolves.toBeDefined();

    fake.script('key-free', [{ status: 500 }, { status: 504 }]);
    const body = async () => (await post('/v1beta/models/gemini-2.5-flash:generateContent', { contents: [] }, 'key-free')).json();
    expect(await body()).toMatchObject({ error: { code: 500, status: 'INTERNAL' } });
    expect(await body()).toMatchObject({ error: { code: 504, status: 'DEADLINE_EXCEEDED' } });
    expect(await body()).toHaveProperty('candidates');
  });

  it('answers a 429 without details when scripted, and a queue applies steps in order', async () => {
    fake.script('key-free', [{ times: 2, then: 'rate-limited-no-details' }, 'leaked']);
    for (let i = 0; i < 2; i++) {
      const err = await fetchError(model('key-free').generateContent('hi'));
      expect([err.status, err.errorDetails]).toEqual([429, undefined]);
      expect(err.message).toContain('Resource has been exhausted (e.g. check quota).');
    }
    expect((await fetchError(model('key-free').generateContent('hi'))).status).toBe(403);
    await expect(model('key-free').generateContent('hi')).resolves.toBeDefined();
    expect(fake.stats()['key-free']).toMatchObject({ requests: 4, ok: 1, rateLimited: 2, errors: 1 });
  });

  it('answers 404 NOT_FOUND for an unknown model and for an unknown route', async () => {
    const err = await fetchError(model('key-free', { model: 'gemini-9-ultra' }).generateContent('hi'));
    expect(err.status).toBe(404);
    expect(err.message).toContain('models/gemini-9-ultra is not found for API version v1beta');
    const res = await fetch(`${baseUrl}/v1beta/nothing-here`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 404, status: 'NOT_FOUND' } });
  });
});

describe('FakeGemini — timing', () => {
  it('delays the answer by delayMs and the SDK timeout aborts a slower one', async () => {
    fake.script('key-free', { delayMs: 250 });
    const started = Date.now();
    const { response } = await model('key-free').generateContent('slow');
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    expect(response.text()).toBe('echo: slow');

    const aborted = await model('key-free', {}, { timeout: 80 })
      .generateContent('slow')
      .catch((e: unknown) => e);
    expect(aborted).toBeInstanceOf(GoogleGenerativeAIAbortError);
  });

  it("'hang' never answers: the client gives up and the log shows no status", async () => {
    fake.script('key-free', 'hang');
    const err = await model('key-free', {}, { timeout: 150 })
      .generateContent('hello?')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GoogleGenerativeAIAbortError);
    expect(fake.requests[0]).toMatchObject({ endpoint: 'generateContent', status: null });
  });

  it("stop() ends 'hang' requests: the client sees a network error, not a reply", async () => {
    const other = new FakeGemini({ keys: [{ key: 'k', project: 'p' }] });
    const url = await other.start();
    other.script('k', 'hang');
    const pending = new GoogleGenerativeAI('k')
      .getGenerativeModel({ model: 'gemini-2.5-flash' }, { baseUrl: url })
      .generateContent('anyone?')
      .catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    await other.stop();
    const err = await pending;
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(GoogleGenerativeAIFetchError);
    expect(other.requests).toHaveLength(1);
  });

  it('can fail mid-stream with an in-band error event after N chunks', async () => {
    fake.script('key-free', { streamErrorAfterChunks: 1 });
    const res = await post(
      '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
      { contents: [{ parts: [{ text: 'abcdef' }] }] },
      'key-free',
    );
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const events = (await res.text())
      .split('\r\n\r\n')
      .filter(Boolean)
      .map((e) => JSON.parse(e.replace(/^data: /, '')));
    expect(events).toHaveLength(2);
    expect(events[0].candidates[0].content.parts[0].text).toBeTruthy();
    expect(events[1]).toMatchObject({ error: { code: 503, status: 'UNAVAILABLE' } });
  });
});
