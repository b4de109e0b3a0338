/**
 * (d) Retry-After you can trust: 8 keys in 4 projects, open-loop load at 1.5× the total RPM, each request
 * its own user; a client refused with 429 sleeps exactly its Retry-After and tries once more. Measured for
 * the service as it ships (slots handed out in order and held for their caller) and, in the same run, with
 * RETRY_SLOT_HOLD_MS=0 (the earliest window edge, as before) as the baseline. Real clock, memory store.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DomainError, ErrorCode } from '../src/common/domain-error';
import { FakeGemini } from '../test/fakes/fake-gemini';
import { buildStack, makeKeys, secretFor } from './harness';
import { fmtPct, fmtRatio, Section, summarize, verdict } from './stats';

const SECONDS = Number(process.env.BENCH_RETRY_SECONDS ?? 90);
const PROJECTS = 4;
const KEYS_PER_PROJECT = 2;
const RPM_PER_PROJECT = 20;
const LOAD_FACTOR = 1.5;
const TOTAL_RPM = PROJECTS * RPM_PER_PROJECT;
const LIMITS = { rpm: RPM_PER_PROJECT, tpm: 1_000_000, rpd: 100_000 };
const TARGET = 0.9;

interface RetryRun {
  offered: number;
  firstOk: number;
  told: number;
  retryOk: number;
  retryAfterSec: number[];
  upstream429: number;
  user5xx: number;
}

async function run(fake: FakeGemini, baseUrl: string, holdMs: number): Promise<RetryRun> {
  const keys = makeKeys(PROJECTS * KEYS_PER_PROJECT, KEYS_PER_PROJECT, LIMITS);
  const stack = await buildStack({
    keys,
    store: 'memory',
    baseUrl,
    env: { GEMINI_MAX_WAIT_MS: '0', GEMINI_TIMEOUT_MS: '10000', RETRY_SLOT_HOLD_MS: String(holdMs) },
  });
  fake.reset();
  const out: RetryRun = { offered: 0, firstOk: 0, told: 0, retryOk: 0, retryAfterSec: [], upstream429: 0, user5xx: 0 };
  const call = async (userId: string, i: number): Promise<number | 'ok'> => {
    try {
      await stack.client.generate({ userId }, { contents: [{ role: 'user', text: `Idea #${i}: trade the 20/50 crossover.` }] });
      return 'ok';
    } catch (e) {
      if (e instanceof DomainError && e.code === ErrorCode.KeysExhausted) return e.retryAfterSec ?? 1;
      out.user5xx++;
      return -1;
    }
  };
  const periodMs = 60_000 / (TOTAL_RPM * LOAD_FACTOR);
  const count = Math.round((SECONDS * 1000) / periodMs);
  const start = performance.now();
  const pending: Array<Promise<void>> = [];
  try {
    for (let i = 0; i < count; i++) {
      const wait = start + i * periodMs - performance.now();
      if (wait > 0) await sleep(wait);
      out.offered++;
      const user = `retry-user-${i}`;
      pending.push(
        call(user, i).then(async (first) => {
          if (first === 'ok') return void out.firstOk++;
          if (first < 0) return;
          out.told++;
          out.retryAfterSec.push(first);
          await sleep(first * 1000);
          if ((await call(user, i)) === 'ok') out.retryOk++;
        }),
      );
    }
    await Promise.all(pending);
    out.upstream429 = Object.values(fake.stats()).reduce((n, s) => n + s.rateLimited, 0);
    return out;
  } finally {
    await stack.close();
  }
}

export interface RetryAfterResult {
  held: RetryRun;
  edge: RetryRun;
}

export async function benchRetryAfter(): Promise<{ section: Section; result: RetryAfterResult }> {
  const keys = makeKeys(PROJECTS * KEYS_PER_PROJECT, KEYS_PER_PROJECT, LIMITS);
  const fake = new FakeGemini();
  for (const k of keys) fake.addKey({ key: secretFor(k.id), id: k.id, project: k.project, ...LIMITS });
  const baseUrl = await fake.start();
  let edge: RetryRun;
  let held: RetryRun;
  try {
    edge = await run(fake, baseUrl, 0);
    held = await run(fake, baseUrl, 2000);
  } finally {
    await fake.stop();
  }
  const rate = (r: RetryRun) => r.retryOk / Math.max(1, r.told);
  const ones = (r: RetryRun) => r.retryAfterSec.filter((s) => s <= 1).length / Math.max(1, r.retryAfterSec.length);
  const row = (name: string, r: RetryRun) => {
    const ra = summarize(r.retryAfterSec);
    return [
      name,
      String(r.offered),
      String(r.firstOk),
      String(r.told),
      `${r.retryOk} (${fmtPct(rate(r))})`,
      fmtPct(ones(r)),
      `${ra.p50} / ${ra.p99} / ${ra.max} s`,
      String(r.upstream429),
      String(r.user5xx),
    ];
  };
  const section: Section = {
    title: `(d) Retry-After under ${LOAD_FACTOR}× overload for ${SECONDS} s, clients retrying once at Retry-After`,
    headers: [
      'service',
      'offered',
      'first try OK',
      'told to retry',
      'retry OK',
      'Retry-After = 1 s',
      'Retry-After p50 / p99 / max',
      'upstream 429',
      'user 5xx',
    ],
    rows: [
      row('baseline: earliest window edge (RETRY_SLOT_HOLD_MS=0, default)', edge),
      row('slots handed out in order, held 2 s (RETRY_SLOT_HOLD_MS=2000)', held),
      ['ratio held ÷ baseline', '', '', '', fmtRatio(rate(held) / Math.max(1e-9, rate(edge))), '', '', '', ''],
    ],
    notes: [
      `${PROJECTS * KEYS_PER_PROJECT} keys in ${PROJECTS} projects, ${RPM_PER_PROJECT} RPM per project enforced by the fake; one request every ${(60_000 / (TOTAL_RPM * LOAD_FACTOR)).toFixed(0)} ms, each its own user, GEMINI_MAX_WAIT_MS=0, memory store, real clock.`,
      `Target: a client retrying once at its Retry-After succeeds ≥ ${fmtPct(TARGET)} of the time: ${verdict(rate(held) >= TARGET)} (${fmtPct(rate(held))}; baseline ${fmtPct(rate(edge))}).`,
    ],
  };
  return { section, result: { held, edge } };
}
