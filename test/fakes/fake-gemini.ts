/**
 * Wire-level fake of the Google Gemini REST API (v1beta) for tests and demos. Speaks the format described in
 * docs/gemini-wire.md so the real `@google/generative-ai` SDK works against it via
 * `getGenerativeModel({ model }, { baseUrl: await fake.start() })`.
 *
 * - Keys belong to projects; RPM / input-TPM / RPD are enforced per project × model (fake-gemini-quota.ts),
 *   using the injectable clock `now`. A project's limit is the smallest one declared by its keys.
 * - Per-key scripting (fake-gemini-script.ts) for failures, delays, hangs and scripted replies.
 * - The key value is kept in memory only (request log, stats) and never written to stdout.
 */
import http from 'node:http';
import type { GeminiContent, GeminiErrorBody } from './fake-gemini-bodies';
import {
  asContent,
  badRequestBody,
  blockedPromptResponse,
  candidateResponse,
  contentsText,
  estimateTokens,
  invalidKeyBody,
  lastUserText,
  leakedBody,
  missingKeyBody,
  modelNotFoundBody,
  modelResource,
  quotaExceededBody,
  rateLimitedNoDetailsBody,
  routeNotFoundBody,
  serverErrorBody,
  serviceBlockedBody,
  splitChunks,
  suspendedBody,
  usageFor,
} from './fake-gemini-bodies';
import { parseRoute, projectNumber, readBody, minLimit, Sleeper, writeJson, writeSse } from './fake-gemini-http';
import { QuotaLedger } from './fake-gemini-quota';
import type { QuotaLimits, QuotaUsage } from './fake-gemini-quota';
import { KeyScripts, isKeyState } from './fake-gemini-script';
import type { Behaviour, FakeReply, LeafBehaviour, RequestKind } from './fake-gemini-script';
import { DEFAULT_MODELS } from './fake-gemini-types';
import { LoopbackServer } from './loopback-server';
import type { Endpoint, FakeGeminiOptions, FakeKeyOptions, FakeRequest, KeyStats, LoggedRequest, RespondWith } from './fake-gemini-types';

export type { Behaviour, FakeReply } from './fake-gemini-script';
export type { QuotaLimits, QuotaUsage } from './fake-gemini-quota';
export * from './fake-gemini-types';

interface RegisteredKey extends FakeKeyOptions {
  id: string;
  projectNumber: string;
}

export class FakeGemini {
  /** Every request received, in arrival order. */
  readonly requests: LoggedRequest[] = [];
  private readonly keys = new Map<string, RegisteredKey>();
  private readonly models: Set<string>;
  private readonly scripts = new KeyScripts();
  private readonly ledger: QuotaLedger;
  private readonly now: () => number;
  private readonly sleeper = new Sleeper();
  private hook: RespondWith | undefined;
  private readonly server = new LoopbackServer(
    (req, res) => this.handle(req, res),
    (res) => writeJson(res, 500, serverErrorBody(500)),
  );
  private seq = 0;

  constructor(private readonly options: FakeGeminiOptions = {}) {
    this.now = options.now ?? Date.now;
    this.ledger = new QuotaLedger(this.now);
    this.models = new Set(options.models ?? DEFAULT_MODELS);
    for (const k of options.keys ?? []) this.addKey(k);
  }

  /** Starts listening on 127.0.0.1 (port 0 = random) and returns the base URL, e.g. `http://127.0.0.1:40123`. */
  async start(port = 0): Promise<string> {
    return this.server.start(port);
  }

  /** Stops the server, dropping hanging and delayed requests. */
  async stop(): Promise<void> {
    this.sleeper.clear();
    await this.server.stop();
  }

  get url(): string {
    return this.server.url;
  }

  addKey(options: FakeKeyOptions): this {
    const id = options.id ?? `key_${this.keys.size + 1}`;
    this.keys.set(options.key, { ...options, id, projectNumber: projectNumber(options.project) });
    return this;
  }

  removeKey(key: string): this {
    this.keys.delete(key);
    this.scripts.clear(key);
    return this;
  }

  addModel(model: string): this {
    this.models.add(model);
    return this;
  }

  /** Replaces the key's script (see fake-gemini-script.ts for the forms and what consumes a step). */
  script(key: string, behaviour: Behaviour | Behaviour[]): this {
    this.scripts.set(key, behaviour);
    return this;
  }

  /** Adds steps after the key's current script. */
  enqueue(key: string, behaviour: Behaviour | Behaviour[]): this {
    this.scripts.append(key, behaviour);
    return this;
  }

  clearScript(key?: string): this {
    this.scripts.clear(key);
    return this;
  }

  /** Global reply hook, consulted after scripted `responses`; return undefined for the default reply. */
  respondWith(fn: RespondWith | undefined): this {
    this.hook = fn;
    return this;
  }

  /** Effective limits for a project × model: the smallest declared by the project's keys. */
  limitsFor(project: string, model: string): QuotaLimits {
    const out: QuotaLimits = {};
    for (const k of this.keys.values()) {
      if (k.project !== project) continue;
      const m = k.perModel?.[model] ?? {};
      out.rpm = minLimit(out.rpm, m.rpm ?? k.rpm);
      out.tpm = minLimit(out.tpm, m.tpm ?? k.tpm);
      out.rpd = minLimit(out.rpd, m.rpd ?? k.rpd);
    }
    return out;
  }

  /** Current quota use of a project × model (window entries older than 60 s dropped). */
  usage(project: string, model: string): QuotaUsage {
    return this.ledger.usage(project, model);
  }

  /** Number of requests that carried `key` (optionally only for one endpoint). */
  count(key: string, endpoint?: Endpoint): number {
    return this.requests.filter((r) => r.key === key && (!endpoint || r.endpoint === endpoint)).length;
  }

  /** Per registered key value: requests, 200s, 429s and other errors. */
  stats(): Record<string, KeyStats> {
    const out: Record<string, KeyStats> = {};
    for (const k of this.keys.values()) {
      out[k.key] = { id: k.id, project: k.project, requests: 0, ok: 0, rateLimited: 0, errors: 0 };
    }
    for (const r of this.requests) {
      const s = r.key !== undefined ? out[r.key] : undefined;
      if (!s) continue;
      s.requests += 1;
      if (r.status === 200) s.ok += 1;
      else if (r.status === 429) s.rateLimited += 1;
      else if (r.status !== null) s.errors += 1;
    }
    return out;
  }

  /** Clears the request log, quota counters, scripts and the reply hook; keys and models stay. */
  reset(): void {
    this.requests.length = 0;
    this.ledger.reset();
    this.scripts.clear();
    this.hook = undefined;
  }

  // ------------------------------------------------------------------------------------------ handling

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const queryKey = url.searchParams.get('key');
    url.searchParams.delete('key');
    const header = req.headers['x-goog-api-key'];
    const key = (Array.isArray(header) ? header[0] : header) || queryKey || undefined;
    const method = req.method ?? 'GET';
    const route = parseRoute(method, url.pathname);
    const reg = key !== undefined ? this.keys.get(key) : undefined;
    const entry: LoggedRequest = {
      seq: ++this.seq,
      at: this.now(),
      method,
      path: url.pathname + url.search,
      endpoint: route.endpoint,
      model: route.model,
      key,
      keyId: reg?.id,
      project: reg?.project,
      status: null,
    };
    this.requests.push(entry);
    res.once('close', () => {
      if (res.writableFinished) return;
      entry.abandoned = true;
      entry.abandonedAt = Date.now();
    });
    const raw = method === 'POST' ? await readBody(req) : '';

    if (route.endpoint === 'unknown') return this.send(res, entry, routeNotFoundBody(method, url.pathname));
    let body: Record<string, unknown> = {};
    try {
      if (raw.trim()) body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return this.send(res, entry, badRequestBody(`Invalid JSON payload received. Unexpected token.\n${raw.slice(0, 40)}`));
    }
    if (!key) return this.send(res, entry, missingKeyBody());
    if (!reg) return this.send(res, entry, invalidKeyBody());

    const kind: RequestKind =
      route.endpoint === 'countTokens' ? 'count' : route.endpoint === 'listModels' || route.endpoint === 'getModel' ? 'list' : 'generate';
    const step = this.scripts.take(key, kind);
    let behaviour: LeafBehaviour = step.behaviour;
    let reply = step.reply;
    if (typeof behaviour === 'object' && 'delayMs' in behaviour) {
      reply = behaviour.reply ?? reply;
      const delay = behaviour.delayMs;
      behaviour = behaviour.then ?? 'ok';
      if (!(await this.sleeper.sleep(delay, res))) return;
    }

    if (isKeyState(behaviour)) return this.send(res, entry, this.keyStateBody(behaviour, reg, route.endpoint));
    if (behaviour === 'hang') return; // never answered; ends when the client gives up or the server stops
    if (route.endpoint === 'listModels') {
      return this.send(res, entry, { models: [...this.models].map(modelResource) }, 200);
    }
    const model = route.model ?? '';
    if (!this.models.has(model)) {
      const methodName = route.endpoint === 'getModel' ? 'getModel' : route.endpoint;
      return this.send(res, entry, modelNotFoundBody(model, methodName));
    }
    if (route.endpoint === 'getModel') return this.send(res, entry, modelResource(model), 200);

    const request = this.parseRequest(route.endpoint, model, reg, body);
    entry.request = request;
    if (typeof behaviour === 'object' && 'status' in behaviour && !('streamErrorAfterChunks' in behaviour)) {
      return this.send(res, entry, serverErrorBody(behaviour.status));
    }
    if (behaviour === 'rate-limited-no-details') return this.send(res, entry, rateLimitedNoDetailsBody());
    if (request.endpoint === 'countTokens') {
      const details = [{ modality: 'TEXT', tokenCount: request.promptTokens }];
      return this.send(res, entry, { totalTokens: request.promptTokens, promptTokensDetails: details }, 200);
    }

    const violations = this.ledger.admit(reg.project, model, request.promptTokens, this.limitsFor(reg.project, model));
    if (violations.length) return this.send(res, entry, quotaExceededBody(model, violations, reg.tier ?? 'free'));

    const streamError = typeof behaviour === 'object' && 'streamErrorAfterChunks' in behaviour ? behaviour : undefined;
    const sse = url.searchParams.get('alt') === 'sse';
    if (streamError && !(request.endpoint === 'streamGenerateContent' && sse)) {
      return this.send(res, entry, serverErrorBody(streamError.status ?? 503));
    }
    const meta = { model, responseId: `fake-${entry.seq}` };
    if (behaviour === 'safety-blocked') {
      const blocked = blockedPromptResponse(meta, request.promptTokens);
      if (request.endpoint === 'generateContent') return this.send(res, entry, blocked, 200);
      return sse ? this.sendSse(res, entry, [blocked]) : this.send(res, entry, [blocked], 200);
    }

    const answer = await this.replyFor(request, reply);
    const text = typeof answer === 'string' ? answer : answer.text;
    const finishReason = typeof answer === 'string' ? 'STOP' : (answer.finishReason ?? 'STOP');
    const usage = usageFor(request.promptTokens, text);
    if (request.endpoint === 'generateContent') {
      return this.send(res, entry, candidateResponse(text, meta, finishReason, usage), 200);
    }
    const pieces = splitChunks(text, this.options.streamChunks ?? 3);
    if (streamError) {
      const sent = pieces.slice(0, streamError.streamErrorAfterChunks).map((p) => candidateResponse(p, meta));
      return this.sendSse(res, entry, [...sent, serverErrorBody(streamError.status ?? 503)]);
    }
    const events = pieces.map((p, i) =>
      i === pieces.length - 1 ? candidateResponse(p, meta, finishReason, usage) : candidateResponse(p, meta),
    );
    return sse ? this.sendSse(res, entry, events) : this.send(res, entry, events, 200);
  }

  private parseRequest(endpoint: FakeRequest['endpoint'], model: string, reg: RegisteredKey, body: Record<string, unknown>): FakeRequest {
    const src = (endpoint === 'countTokens' && body.generateContentRequest ? body.generateContentRequest : body) as Record<string, unknown>;
    const contents = (Array.isArray(src.contents) ? src.contents : []) as GeminiContent[];
    const systemInstruction = asContent(src.systemInstruction ?? src.system_instruction);
    const generationConfig = (src.generationConfig ?? src.generation_config ?? {}) as Record<string, unknown>;
    const chars = contentsText(contents) + contentsText(systemInstruction ? [systemInstruction] : []);
    return {
      endpoint,
      model,
      key: reg.key,
      keyId: reg.id,
      project: reg.project,
      contents,
      systemInstruction,
      generationConfig,
      promptTokens: estimateTokens(chars),
    };
  }

  /** Scripted reply, then the global hook, then the default (`echo: <last user text>` or `{}` for JSON). */
  private async replyFor(request: FakeRequest, scripted: FakeReply | undefined): Promise<FakeReply> {
    if (scripted !== undefined) return scripted;
    if (this.hook) {
      const out = await this.hook(request);
      if (out !== undefined && out !== null) return out;
    }
    const cfg = request.generationConfig;
    const mime = cfg.responseMimeType ?? cfg.response_mime_type;
    if (mime === 'application/json') return '{}';
    return `echo: ${lastUserText(request.contents)}`;
  }

  private keyStateBody(state: string, reg: RegisteredKey, endpoint: Endpoint): GeminiErrorBody {
    if (state === 'suspended') return suspendedBody(reg.projectNumber, this.options.echoKeyInErrors ? reg.key : undefined);
    if (state === 'leaked') return leakedBody();
    if (state === 'blocked') {
      const method = { streamGenerateContent: 'StreamGenerateContent', countTokens: 'CountTokens' }[endpoint as string];
      const name = method ?? (endpoint === 'listModels' || endpoint === 'getModel' ? 'ListModels' : 'GenerateContent');
      return serviceBlockedBody(reg.projectNumber, name);
    }
    return invalidKeyBody();
  }

  // ------------------------------------------------------------------------------------------ writing

  /** Sends a JSON body; the status defaults to the error envelope's code. */
  private send(res: http.ServerResponse, entry: LoggedRequest, body: unknown, status?: number): void {
    const code = status ?? (body as GeminiErrorBody).error?.code ?? 200;
    if (res.destroyed || res.writableEnded) return;
    entry.status = code;
    writeJson(res, code, body);
  }

  private sendSse(res: http.ServerResponse, entry: LoggedRequest, events: unknown[]): Promise<void> {
    if (!res.destroyed) entry.status = 200;
    return writeSse(res, events, this.options.streamChunkDelayMs ?? 0, this.sleeper);
  }
}
