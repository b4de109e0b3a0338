/**
 * (a) Latency of `KeyRotationService.acquire()` — view (cached ≤ 1 s) + pin lookup + selection + atomic
 * reservation — with 8 and 1,000 keys on the memory and Redis stores, against a bare EVALSHA of a no-op
 * Lua script on its own ioredis client.
 */
import Redis from 'ioredis';
import { buildStack, makeKeys, MODEL, REDIS_URL } from './harness';
import { elapsedMs, fmtMs, fmtRatio, Section, summarize, Summary, verdict } from './stats';

const NO_LIMIT = { rpm: 1_000_000_000, tpm: 1_000_000_000_000, rpd: 1_000_000_000 };
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 5000);
const WARMUP = 500;
const TARGETS = { memoryP99: 0.05, redisP50: 0.3, redisP99: 1 };

/** Round trip of EVALSHA `return 1`, the floor for any atomic Redis script. Same client options as the store. */
async function evalshaBaseline(): Promise<Summary> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, enableOfflineQueue: false, commandTimeout: 1000, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    const sha = (await redis.script('LOAD', 'return 1')) as string;
    for (let i = 0; i < WARMUP; i++) await redis.evalsha(sha, 0);
    const samples: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const t = process.hrtime.bigint();
      await redis.evalsha(sha, 0);
      samples.push(elapsedMs(t));
    }
    return summarize(samples);
  } finally {
    await redis.quit();
  }
}

interface Case {
  store: 'memory' | 'redis';
  keys: number;
  /** Refund each lease (untimed) so the reservation windows stay empty: isolates the fixed cost. */
  release: boolean;
}

interface CaseResult extends Case {
  all: Summary;
  /** p50 of the first and last 10 % of samples: growth with the size of the reservation windows. */
  earlyP50: number;
  lateP50: number;
  /** A forced full view read (what one call in a second pays). */
  viewRefresh: Summary;
  refused: number;
  busiestKey: number;
}

async function runCase(c: Case): Promise<CaseResult> {
  const stack = await buildStack({ keys: makeKeys(c.keys, 1, NO_LIMIT), store: c.store });
  const { rotation, repo } = stack;
  const tried = new Set<string>();
  let refused = 0;
  const perKey = new Map<string, number>();
  const once = async (userId: string, times?: number[]) => {
    const t = process.hrtime.bigint();
    const got = await rotation.acquire({ userId, model: MODEL }, 12, tried);
    times?.push(elapsedMs(t));
    if (got.kind !== 'lease') return void refused++;
    if (times) perKey.set(got.lease.keyId, (perKey.get(got.lease.keyId) ?? 0) + 1);
    if (c.release) await repo.refund(got.lease);
  };
  try {
    for (let i = 0; i < WARMUP; i++) await once(`warm-${i}`);
    const times: number[] = [];
    for (let i = 0; i < SAMPLES; i++) await once(`user-${i}`, times);
    const views: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = process.hrtime.bigint();
      await rotation.currentView(Date.now(), true);
      views.push(elapsedMs(t));
    }
    const tenth = Math.max(1, Math.floor(SAMPLES / 10));
    return {
      ...c,
      all: summarize(times),
      earlyP50: summarize(times.slice(0, tenth)).p50,
      lateP50: summarize(times.slice(-tenth)).p50,
      viewRefresh: summarize(views),
      refused,
      busiestKey: Math.max(...perKey.values()),
    };
  } finally {
    await stack.close();
  }
}

export interface SelectReserveResult {
  baseline: Summary;
  cases: CaseResult[];
}

export async function benchSelectReserve(): Promise<{ section: Section; result: SelectReserveResult }> {
  const baseline = await evalshaBaseline();
  const cases: CaseResult[] = [];
  for (const keys of [8, 1000]) {
    for (const store of ['memory', 'redis'] as const) cases.push(await runCase({ store, keys, release: false }));
  }
  for (const store of ['memory', 'redis'] as const) cases.push(await runCase({ store, keys: 8, release: true }));

  const rows = cases.map((r) => {
    const target =
      r.store === 'memory'
        ? `p99≤50µs ${verdict(r.all.p99 <= TARGETS.memoryP99)}`
        : `p50≤0.3ms ${verdict(r.all.p50 <= TARGETS.redisP50)}, p99≤1ms ${verdict(r.all.p99 <= TARGETS.redisP99)}`;
    return [
      `acquire ${r.store}, ${r.keys} keys${r.release ? ', windows kept empty' : ''}`,
      String(r.all.n),
      fmtMs(r.all.p50),
      fmtMs(r.all.p99),
      fmtMs(r.all.p999),
      fmtMs(r.all.max),
      `${fmtMs(r.earlyP50)} → ${fmtMs(r.lateP50)}`,
      fmtMs(r.viewRefresh.p50),
      fmtRatio(r.all.p50 / baseline.p50),
      target,
    ];
  });
  rows.unshift([
    'baseline: EVALSHA "return 1"',
    String(baseline.n),
    fmtMs(baseline.p50),
    fmtMs(baseline.p99),
    fmtMs(baseline.p999),
    fmtMs(baseline.max),
    '',
    '',
    '1.00×',
    '',
  ]);
  const refused = cases.reduce((n, r) => n + r.refused, 0);
  const section: Section = {
    title: '(a) Select + reserve: KeyRotationService.acquire()',
    headers: ['case', 'n', 'p50', 'p99', 'p99.9', 'max', 'p50 first→last 10 %', 'full view read', 'p50 ÷ EVALSHA p50', 'target'],
    rows,
    notes: [
      `${SAMPLES} sequential samples per case after ${WARMUP} warm-up calls, distinct user ids, limits 1e9 (refused: ${refused}). Same sample count for 1,000 keys.`,
      'One call a second pays a full view read (every key and project, "full view read" column) because the view is cached ≤ 1 s; it shows in p99.9/max rather than p99 at these rates.',
      `Reservations are kept (as in real traffic within a minute), so RPM/TPM windows grow; least_loaded on a ≤ 1 s old view sends every call of that second to one key. Largest share on one key: ${cases
        .map((r) => `${r.store}/${r.keys}${r.release ? '/empty' : ''}=${r.busiestKey}`)
        .join(', ')}.`,
      '"windows kept empty" refunds each lease outside the timed section: the fixed cost without window growth.',
    ],
  };
  return { section, result: { baseline, cases } };
}
