/**
 * (c) Overload: 8 keys in 4 projects (the fake enforces per-project RPM), open-loop load at 1.5× the total
 * RPM, each request its own user. The service (GEMINI_MAX_WAIT_MS=0, memory store) against a naive
 * round-robin-with-failover client on the same fake, same schedule, counters reset in between.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { statusFor } from '../src/http/http-error.filter';
import { DomainError } from '../src/common/domain-error';
import { FakeGemini } from '../test/fakes/fake-gemini';
import { buildStack, makeKeys, MODEL, secretFor } from './harness';
import { NaiveRoundRobin } from './naive-round-robin';
import { fmtMs, fmtPct, fmtRatio, Section, summarize, verdict } from './stats';

const SECONDS = Number(process.env.BENCH_OVERLOAD_SECONDS ?? 65);
const PROJECTS = 4;
const KEYS_PER_PROJECT = 2;
const RPM_PER_PROJECT = 20;
const LOAD_FACTOR = 1.5;
const WINDOW_MS = 60_000;
const TOTAL_RPM = PROJECTS * RPM_PER_PROJECT;
const LIMITS = { rpm: RPM_PER_PROJECT, tpm: 1_000_000, rpd: 100_000 };

interface RunResult {
  offered: number;
  statuses: number[];
  latencies: number[];
  upstreamRequests: number;
  upstream429: number;
  /** Seconds after the start at which the fake answered 429. */
  upstream429At: number[];
}

/** Fires `count` calls evenly spaced `periodMs` apart (open loop: nothing waits for earlier calls). */
async function openLoop(
  count: number,
  periodMs: number,
  call: (i: number) => Promise<number>,
): Promise<{ statuses: number[]; latencies: number[] }> {
  const start = performance.now();
  const pending: Array<Promise<void>> = [];
  const statuses: number[] = new Array(count);
  const latencies: number[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const wait = start + i * periodMs - performance.now();
    if (wait > 0) await sleep(wait);
    const t = performance.now();
    pending.push(
      call(i).then((status) => {
        statuses[i] = status;
        latencies[i] = performance.now() - t;
      }),
    );
  }
  await Promise.all(pending);
  return { statuses, latencies };
}

/** Most requests of this schedule any client could get admitted (greedy over the projects' sliding windows). */
function scheduleMax(count: number, periodMs: number): number {
  const windows: number[][] = Array.from({ length: PROJECTS }, () => []);
  let admitted = 0;
  for (let i = 0; i < count; i++) {
    const t = i * periodMs;
    const free = windows.find((w) => w.filter((x) => x > t - WINDOW_MS).length < RPM_PER_PROJECT);
    if (free) {
      free.push(t);
      admitted++;
    }
  }
  return admitted;
}

async function measure(fake: FakeGemini, count: number, periodMs: number, call: (i: number) => Promise<number>): Promise<RunResult> {
  fake.reset();
  const t0 = Date.now();
  const { statuses, latencies } = await openLoop(count, periodMs, call);
  const stats = Object.values(fake.stats());
  return {
    offered: count,
    statuses,
    latencies,
    upstreamRequests: stats.reduce((n, s) => n + s.requests, 0),
    upstream429: stats.reduce((n, s) => n + s.rateLimited, 0),
    upstream429At: fake.requests.filter((r) => r.status === 429).map((r) => (r.at - t0) / 1000),
  };
}

export interface OverloadResult {
  seconds: number;
  capacity: number;
  scheduleMax: number;
  service: RunResult;
  naive: RunResult;
}

export async function benchOverload(): Promise<{ section: Section; result: OverloadResult }> {
  const keys = makeKeys(PROJECTS * KEYS_PER_PROJECT, KEYS_PER_PROJECT, LIMITS);
  const fake = new FakeGemini(); // real clock: this runs in real time
  for (const k of keys) fake.addKey({ key: secretFor(k.id), id: k.id, project: k.project, ...LIMITS });
  const baseUrl = await fake.start();
  const periodMs = WINDOW_MS / (TOTAL_RPM * LOAD_FACTOR);
  const count = Math.round((SECONDS * 1000) / periodMs);
  const prompt = (i: number) => `Backtest idea #${i}: buy when the 20-day average crosses the 50-day one.`;

  const stack = await buildStack({ keys, store: 'memory', baseUrl, env: { GEMINI_MAX_WAIT_MS: '0', GEMINI_TIMEOUT_MS: '10000' } });
  let service: RunResult;
  let disables = 0;
  try {
    service = await measure(fake, count, periodMs, async (i) => {
      try {
        await stack.client.generate({ userId: `overload-user-${i}` }, { contents: [{ role: 'user', text: prompt(i) }] });
        return 200;
      } catch (e) {
        return e instanceof DomainError ? statusFor(e.code) : 500;
      }
    });
    disables = stack.auditInserts();
  } finally {
    await stack.close();
  }

  const naiveClient = new NaiveRoundRobin(
    keys.map((k) => ({ id: k.id, secret: secretFor(k.id) })),
    baseUrl,
    MODEL,
  );
  let naive: RunResult;
  try {
    naive = await measure(fake, count, periodMs, (i) => naiveClient.generate(prompt(i)));
  } finally {
    await fake.stop();
  }

  const capacity = (TOTAL_RPM * SECONDS) / 60;
  const max = scheduleMax(count, periodMs);
  const ok = (r: RunResult) => r.statuses.filter((s) => s === 200).length;
  const user429 = (r: RunResult) => r.statuses.filter((s) => s === 429).length;
  const user5xx = (r: RunResult) => r.statuses.filter((s) => s !== 200 && s !== 429).length;
  const row = (name: string, r: RunResult) => {
    const lat = summarize(r.latencies);
    return [
      name,
      String(r.offered),
      `${ok(r)} (${fmtPct(ok(r) / r.offered)})`,
      fmtPct(ok(r) / capacity),
      fmtPct(ok(r) / max),
      String(r.upstreamRequests),
      String(r.upstream429),
      String(user429(r)),
      String(user5xx(r)),
      `${fmtMs(lat.p50)} / ${fmtMs(lat.p99)}`,
    ];
  };
  const served = ok(service) / capacity;
  const pass = served >= 0.97 && service.upstream429 === 0 && user5xx(service) === 0;
  const when = (r: RunResult) => (r.upstream429At.length ? r.upstream429At.map((s) => `${s.toFixed(1)}s`).join(', ') : 'none');
  const section: Section = {
    title: `(c) Overload: ${LOAD_FACTOR}× of ${TOTAL_RPM} RPM for ${SECONDS} s`,
    headers: [
      'client',
      'offered',
      '200 OK',
      '÷ capacity',
      '÷ schedule max',
      'upstream req',
      'upstream 429',
      'user 429',
      'user 5xx',
      'latency p50 / p99',
    ],
    rows: [
      row('baseline: naive round-robin + failover (SDK)', naive),
      row('GeminiClientService (memory store, max wait 0)', service),
      [
        'ratio service ÷ naive',
        '',
        fmtRatio(ok(service) / ok(naive)),
        '',
        '',
        fmtRatio(service.upstreamRequests / naive.upstreamRequests),
        fmtRatio(service.upstream429 / naive.upstream429),
        '',
        '',
        '',
      ],
    ],
    notes: [
      `${KEYS_PER_PROJECT * PROJECTS} keys in ${PROJECTS} projects, ${RPM_PER_PROJECT} RPM per project (fake enforces per project); ${count} requests, one every ${periodMs.toFixed(0)} ms, each its own user, real clock.`,
      `capacity = ${TOTAL_RPM} RPM × ${SECONDS} s / 60 = ${capacity.toFixed(1)}; schedule max = ${max}, the most this exact schedule could get admitted (a run longer than 60 s reuses the first seconds' slots; ±1 at the 60 s edge, where arrival jitter decides).`,
      `Target (≥ 97 % of capacity, 0 upstream 429 from our admission, 0 user 5xx): ${verdict(pass)} (served ${fmtPct(served)}, upstream 429 ${service.upstream429}, user 5xx ${user5xx(service)}); key disables during the run: ${disables}.`,
      `Upstream 429s of the service at: ${when(service)}.`,
      `Naive failures per key: ${[...naiveClient.failures].map(([id, n]) => `${id}=${n}`).join(', ') || 'none'}.`,
    ],
  };
  return { section, result: { seconds: SECONDS, capacity, scheduleMax: max, service, naive } };
}
