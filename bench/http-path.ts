/**
 * (h) The whole request path over HTTP against a real peer: the built service as its own process (PostgreSQL,
 * embedded PGlite, Redis state store), anonymous and with a JWT, beside a direct HTTP call to the same fake
 * Gemini (the baseline) and Portkey's open-source gateway load-balancing over the same 8 keys, all in one
 * interleaved run. Also the service's RSS (idle and after the run) and requests/s at concurrency 16.
 *
 *   BENCH_HTTP_CALLS=200 BENCH_HTTP_SECONDS=3 npm run bench -- http
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeGemini } from '../test/fakes/fake-gemini';
import { buildApp } from '../test/support/built-app';
import { freshPostgresSchema } from '../test/support/services';
import { benchRedisPrefix, deleteRedisPrefix, makeKeys, MODEL, REDIS_URL, secretFor } from './harness';
import { Call, HttpPath, interleavedLatency, interleavedThroughput, jsonCall, LatencyResult, Throughput } from './http-load';
import {
  Cleanups,
  FloorMode,
  Peer,
  PORTKEY_DIR,
  PORTKEY_VERSION,
  rssMb,
  sleep,
  startFloorProxy,
  startPortkey,
  startService,
} from './http-procs';
import { fmtMs, fmtRatio, Section, summarize, verdict } from './stats';

const CALLS = Number(process.env.BENCH_HTTP_CALLS ?? 2000);
const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 20);
const WARMUP = Number(process.env.BENCH_HTTP_WARMUP ?? 200);
const BLOCK = 100;
const CONCURRENCY = 16;
/** Throughput paths take turns in rounds of this many seconds. */
const TPUT_ROUND_S = 5;
const TPUT_PATHS = ['direct', 'postgres jwt', 'redis jwt', 'portkey'];
const SETTLE_MS = 2000;
const PROMPT = 'Summarise a moving-average crossover strategy in one sentence.';
const TARGET_ADDED_MS = 0.5;
const FLOOR_MODES: FloorMode[] = ['http', 'fetch', 'sdk'];
const RSS_TARGET_MB = { postgres: 150, pglite: 300 };

type ServiceName = 'postgres' | 'pglite' | 'redis';
const SERVICE_LABEL: Record<ServiceName, string> = {
  postgres: 'PostgreSQL, memory store',
  pglite: 'PGlite (pglite://memory), memory store',
  redis: 'PostgreSQL, Redis store',
};

const echoed = (text: unknown) => (typeof text === 'string' && text.startsWith('echo:') ? undefined : `unexpected answer ${String(text)}`);

function directCall(baseUrl: string, secret: string): Call {
  const body = { contents: [{ role: 'user', parts: [{ text: PROMPT }] }] };
  return jsonCall(`${baseUrl}/v1beta/models/${MODEL}:generateContent`, { 'x-goog-api-key': secret }, body, (j) =>
    echoed((j as { candidates?: Array<{ content?: { parts?: Array<{ text?: string }> } }> }).candidates?.[0]?.content?.parts?.[0]?.text),
  );
}

function serviceCall(peer: Peer, access?: string): Call {
  const headers: Record<string, string> = access ? { authorization: `Bearer ${access}` } : {};
  return jsonCall(`${peer.url}/api/ai/generate`, headers, { prompt: PROMPT }, (j) => echoed((j as { text?: string }).text));
}

function portkeyCall(peer: Peer, fakeUrl: string, secrets: string[]): Call {
  const config = JSON.stringify({
    strategy: { mode: 'loadbalance' },
    targets: secrets.map((api_key) => ({ provider: 'google', api_key, custom_host: fakeUrl, weight: 1 })),
  });
  const body = { model: MODEL, messages: [{ role: 'user', content: PROMPT }] };
  return jsonCall(`${peer.url}/v1/chat/completions`, { 'x-portkey-config': config }, body, (j) =>
    echoed((j as { choices?: Array<{ message?: { content?: string } }> }).choices?.[0]?.message?.content),
  );
}

/** POST /api/auth/register/ and return the access token. */
async function register(peer: Peer): Promise<string> {
  const password = `Bench-${randomBytes(6).toString('hex')}!26`;
  const username = `bench_${randomBytes(4).toString('hex')}`;
  const res = await fetch(`${peer.url}/api/auth/register/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, email: `${username}@example.com`, password, password2: password }),
  });
  const body = (await res.json()) as { tokens?: { access?: string } };
  if (res.status !== 201 || !body.tokens?.access) throw new Error(`register on ${peer.name}: ${res.status} ${JSON.stringify(body)}`);
  return body.tokens.access;
}

/** An error as one short line, fit for a Markdown bullet. */
const oneLine = (e: unknown) => {
  const text = (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').trim();
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
};
/** The JWT paths measure a verified token: a tampered one must get 401, not the anonymous user. */
async function refusesBadToken(peer: Peer, access: string): Promise<void> {
  const res = await fetch(`${peer.url}/api/ai/generate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${access.slice(0, -2)}xx` },
    body: JSON.stringify({ prompt: PROMPT }),
  });
  await res.arrayBuffer();
  if (res.status !== 401) throw new Error(`${peer.name}: a tampered access token got ${res.status}, not 401`);
}

const mb = (x: number) => (Number.isFinite(x) ? `${x.toFixed(0)} MB` : '—');
const rps = (t: Throughput | undefined) => (t ? t.rps.toFixed(0) : '—');

export async function benchHttpPath(): Promise<{ sections: Section[] }> {
  const cleanups = new Cleanups();
  try {
    return await run(cleanups);
  } finally {
    const problems = await cleanups.run();
    if (problems.length) console.error(`bench http: cleanup problems: ${problems.join('; ')}`);
  }
}

async function run(cleanups: Cleanups): Promise<{ sections: Section[] }> {
  const keys = makeKeys(8, 1, { rpm: 1_000_000, tpm: 1_000_000_000, rpd: 1_000_000 });
  const secrets = keys.map((k) => secretFor(k.id));
  const fake = new FakeGemini(); // no limits: this measures the path, not quota
  for (const k of keys) fake.addKey({ key: secretFor(k.id), id: k.id, project: k.project });
  const fakeUrl = await fake.start();
  cleanups.add(() => fake.stop());
  const dir = mkdtempSync(join(tmpdir(), 'bench-http-'));
  cleanups.add(() => rmSync(dir, { recursive: true, force: true }));
  const keysFile = join(dir, 'keys.json');
  writeFileSync(
    keysFile,
    JSON.stringify({
      keys: keys.map((k) => ({ key_id: k.id, model_name: MODEL, project: k.project, rpm: k.rpm, tpm: k.tpm, rpd: k.rpd })),
      rotation_strategy: 'least_loaded',
    }),
  );
  buildApp();

  const pgMemory = await freshPostgresSchema();
  cleanups.add(pgMemory.drop);
  const pgRedis = await freshPostgresSchema();
  cleanups.add(pgRedis.drop);
  const prefix = benchRedisPrefix();
  cleanups.add(async () => void (await deleteRedisPrefix(prefix)));
  const base: Record<string, string> = {
    KEYS_FILE: keysFile,
    GEMINI_BASE_URL: fakeUrl,
    ...Object.fromEntries(keys.map((k) => [`GEMINI_KEY_${k.id}`, secretFor(k.id)])),
    JWT_SECRET: randomBytes(36).toString('base64url'),
    AI_USER_RPM: '0',
    AI_USER_RPD: '0',
    ALLOW_ANONYMOUS: 'true',
    LOG_LEVEL: 'warn',
    GEMINI_MAX_WAIT_MS: '0',
    BOTS_DIR: join(dir, 'bots'),
    BOT_WARM_PROCESSES: '0',
  };
  const envs: Record<ServiceName, Record<string, string>> = {
    postgres: { ...base, DATABASE_URL: pgMemory.url, DATABASE_SCHEMA: pgMemory.schema },
    pglite: { ...base, DATABASE_URL: 'pglite://memory' },
    redis: { ...base, DATABASE_URL: pgRedis.url, DATABASE_SCHEMA: pgRedis.schema, REDIS_URL, REDIS_KEY_PREFIX: prefix },
  };
  // One at a time, so no boot competes with another for the two cores.
  const services = {} as Record<ServiceName, Peer>;
  for (const name of Object.keys(envs) as ServiceName[]) services[name] = await startService(name, envs[name], dir, cleanups);

  const notes: string[] = [];
  let portkey: (Peer & { install: string }) | undefined;
  try {
    portkey = await startPortkey(cleanups);
  } catch (e) {
    notes.push(`Portkey could not be started, so it is missing from every table: ${oneLine(e)}`);
  }
  await sleep(SETTLE_MS);
  const peers = (): Peer[] => [...Object.values(services), ...(portkey ? [portkey] : [])];
  const rssAll = () => new Map(peers().map((p) => [p.name, rssMb(p.pid)]));
  const idle = rssAll();

  const access = {} as Record<ServiceName, string>;
  for (const name of Object.keys(services) as ServiceName[]) access[name] = await register(services[name]);

  // The floors: bare pass-through proxies, no framework (not in the RSS table: they hold nothing).
  const floors: HttpPath[] = [];
  for (const mode of FLOOR_MODES) {
    const floor = await startFloorProxy(mode, fakeUrl, secrets[0], MODEL, cleanups);
    floors.push({ name: floor.name, call: jsonCall(floor.url, {}, { prompt: PROMPT }, (j) => echoed((j as { text?: string }).text)) });
  }
  const paths: HttpPath[] = [
    { name: 'direct', call: directCall(fakeUrl, secrets[0]) },
    ...floors,
    { name: 'postgres anonymous', call: serviceCall(services.postgres) },
    { name: 'postgres jwt', call: serviceCall(services.postgres, access.postgres) },
    { name: 'pglite anonymous', call: serviceCall(services.pglite) },
    { name: 'pglite jwt', call: serviceCall(services.pglite, access.pglite) },
    { name: 'redis jwt', call: serviceCall(services.redis, access.redis) },
  ];
  for (const p of paths) await p.call(); // a broken service path fails the bench here, before any figure
  for (const name of Object.keys(services) as ServiceName[]) await refusesBadToken(services[name], access[name]);
  if (portkey) {
    const call = portkeyCall(portkey, fakeUrl, secrets);
    try {
      await call();
      paths.push({ name: 'portkey', call });
    } catch (e) {
      notes.push(`Portkey started but its answer was wrong, so it is left out: ${oneLine(e)}`);
      idle.delete(portkey.name);
      await portkey.stop();
      portkey = undefined;
    }
  }

  const linesBefore = new Map(peers().map((p) => [p.name, p.lines()]));
  const latency = await interleavedLatency(paths, CALLS, BLOCK, WARMUP);
  const afterRun = rssAll();
  const tput = await interleavedThroughput(
    paths.filter((p) => TPUT_PATHS.includes(p.name)),
    CONCURRENCY,
    SECONDS,
    TPUT_ROUND_S,
  );
  const afterTput = rssAll();
  const requests = new Map<string, number>();
  const served = (path: string, n: number) => requests.set(path.split(' ')[0], (requests.get(path.split(' ')[0]) ?? 0) + n);
  for (const [name, r] of latency) served(name, WARMUP + r.samples.length + r.errors);
  for (const [name, t] of tput) served(name, t.ok + t.errors);
  const logs = peers().map((p) => `${p.name} ${p.lines() - linesBefore.get(p.name)!} lines over ${requests.get(p.name) ?? 0} requests`);
  const upstream429 = Object.values(fake.stats()).reduce((n, k) => n + k.rateLimited, 0);

  return {
    sections: [
      latencySection(
        latency,
        [...notes, `Output lines (stdout + stderr) each process wrote while measured: ${logs.join('; ')}.`],
        upstream429,
        portkey?.install,
      ),
      rssSection(idle, afterRun, afterTput),
      throughputSection(tput),
    ],
  };
}

const LATENCY_LABEL: Record<string, string> = {
  direct: 'baseline: direct HTTP POST to the fake generateContent',
  'floor http': 'floor: bare Node.js proxy, upstream call with node:http (keep-alive)',
  'floor fetch': 'floor: bare Node.js proxy, upstream call with the global fetch',
  'floor sdk': 'floor: bare Node.js proxy, upstream call with @google/generative-ai',
  'postgres anonymous': `service /api/ai/generate, anonymous (${SERVICE_LABEL.postgres})`,
  'postgres jwt': `service /api/ai/generate, with a JWT (${SERVICE_LABEL.postgres})`,
  'pglite anonymous': `service /api/ai/generate, anonymous (${SERVICE_LABEL.pglite})`,
  'pglite jwt': `service /api/ai/generate, with a JWT (${SERVICE_LABEL.pglite})`,
  'redis jwt': `service /api/ai/generate, with a JWT (${SERVICE_LABEL.redis})`,
  portkey: `Portkey ${PORTKEY_VERSION} /v1/chat/completions, loadbalance over 8 keys`,
};

function latencySection(latency: Map<string, LatencyResult>, extra: string[], upstream429: number, portkeyInstall?: string): Section {
  const s = new Map([...latency].map(([k, v]) => [k, summarize(v.samples)]));
  const direct = s.get('direct')!;
  const added = (name: string) => (s.get(name)?.p50 ?? NaN) - direct.p50;
  const rows = [...latency.keys()].map((name) => {
    const x = s.get(name)!;
    const base = name === 'direct';
    return [
      LATENCY_LABEL[name] ?? name,
      String(x.n),
      String(latency.get(name)!.errors),
      fmtMs(x.p50),
      fmtMs(x.p99),
      base ? '' : `+${fmtMs(added(name))}`,
      base ? '' : `+${fmtMs(x.p99 - direct.p99)}`,
      fmtRatio(x.p50 / direct.p50),
    ];
  });
  const jwt = added('postgres jwt');
  const pk = latency.has('portkey') ? added('portkey') : NaN;
  const failures = [...latency].filter(([, v]) => v.firstError).map(([k, v]) => `${k}: ${oneLine(v.firstError)}`);
  return {
    title: '(h) Whole HTTP request path: service vs direct HTTP vs Portkey (sequential)',
    headers: ['path', 'n', 'errors', 'p50', 'p99', 'added p50 over direct', 'added p99', 'p50 ÷ direct p50'],
    rows,
    notes: [
      `${CALLS} sequential calls per path after ${WARMUP} warm-up calls each, the paths taking turns in blocks of ${BLOCK}; one client for every path (global fetch, undici keep-alive); the same prompt; the fake Gemini runs in the bench process with 8 keys and no limits (upstream 429s: ${upstream429}).`,
      'Each service is the built app (swc, decorator metadata) as its own `node main.js` process: ALLOW_ANONYMOUS=true, AI_USER_RPM=0, AI_USER_RPD=0, GEMINI_MAX_WAIT_MS=0, LOG_LEVEL=warn, BOT_WARM_PROCESSES=0; PostgreSQL in a fresh schema dropped afterwards; Redis on the bench database under a random prefix deleted afterwards; one user registered over HTTP per service, its access token sent as `Authorization: Bearer` (checked first: a tampered token gets 401).',
      latency.has('portkey')
        ? `Portkey @portkey-ai/gateway@${PORTKEY_VERSION} (${portkeyInstall}, outside the project's dependencies in ${PORTKEY_DIR}) started with \`build/start-server.js --headless\`, NODE_ENV=production; x-portkey-config: loadbalance over 8 google targets with custom_host = the fake.`
        : 'Portkey: not measured (see below).',
      'The floors are one small `node:http` server each (bench/floor-proxy.ts): read the body, one upstream call with a fixed key, answer; no framework, auth, validation, key choice or logging. What the service adds beyond `floor sdk` is its own work.',
      `Goal: JWT path (PostgreSQL) added p50 ≤ ${fmtMs(TARGET_ADDED_MS)}: +${fmtMs(jwt)} → ${verdict(jwt <= TARGET_ADDED_MS)}; below Portkey's added p50 (+${fmtMs(pk)}): ${Number.isFinite(pk) ? verdict(jwt < pk) : '—'}.`,
      ...(failures.length ? [`First failure per path: ${failures.join(' | ')}`] : []),
      ...extra,
    ],
  };
}

function rssSection(idle: Map<string, number>, afterRun: Map<string, number>, afterTput: Map<string, number>): Section {
  const target = (name: string) => (name === 'postgres' ? RSS_TARGET_MB.postgres : name === 'pglite' ? RSS_TARGET_MB.pglite : undefined);
  const rows = [...idle.keys()].map((name) => {
    const t = target(name);
    const i = idle.get(name)!;
    return [
      name === 'portkey' ? `Portkey ${PORTKEY_VERSION}` : `service (${SERVICE_LABEL[name as ServiceName]})`,
      mb(i),
      mb(afterRun.get(name) ?? NaN),
      mb(afterTput.get(name) ?? NaN),
      t ? `≤ ${t} MB` : '',
      t ? verdict(i <= t) : '',
    ];
  });
  return {
    title: '(h) RSS of each process (VmRSS from /proc/<pid>/status)',
    headers: [
      'process',
      `idle (boot + ${SETTLE_MS / 1000} s)`,
      `after the ${CALLS}-call run`,
      'after throughput',
      'idle target',
      'idle verdict',
    ],
    rows,
    notes: [
      `Idle: every process booted one after the other, then ${SETTLE_MS / 1000} s of settle before any request. "After": right after the sequential run above (each service saw its anonymous and/or JWT calls: ${CALLS} timed + ${WARMUP} warm-up per path).`,
      'MB here are MiB (kB ÷ 1024). Issue 21 targets: idle ≤ 150 MB with PostgreSQL, ≤ 300 MB with PGlite.',
    ],
  };
}

const TPUT_LABEL: Record<string, string> = {
  direct: 'baseline: direct HTTP to the fake',
  'postgres jwt': `service with a JWT (${SERVICE_LABEL.postgres})`,
  'redis jwt': `service with a JWT (${SERVICE_LABEL.redis})`,
  portkey: `Portkey ${PORTKEY_VERSION}, loadbalance over 8 keys`,
};

function throughputSection(t: Map<string, Throughput>): Section {
  const direct = t.get('direct')!;
  const pk = t.get('portkey');
  const rows = [...t].map(([name, x]) => [
    TPUT_LABEL[name] ?? name,
    rps(x),
    String(x.ok),
    String(x.errors),
    fmtRatio(x.rps / direct.rps),
    pk ? fmtRatio(x.rps / pk.rps) : '—',
  ]);
  const failures = [...t].filter(([, x]) => x.firstError).map(([k, x]) => `${k}: ${oneLine(x.firstError)}`);
  return {
    title: `(h) Throughput at concurrency ${CONCURRENCY}`,
    headers: ['path', 'requests/s', 'ok', 'errors', '÷ direct', '÷ Portkey'],
    rows,
    notes: [
      `${CONCURRENCY} closed-loop workers for ${SECONDS} s per path, the paths taking turns in rounds of about ${TPUT_ROUND_S} s (summed), the same fetch client; requests/s counts checked 200 answers only.`,
      'The client and the fake Gemini share the bench process, and the service (or Portkey) takes the other core: on 2 cores every path is bounded by the machine, so the ratios say more than the absolute figures.',
      ...(failures.length ? [`First failure per path: ${failures.join(' | ')}`] : []),
    ],
  };
}
