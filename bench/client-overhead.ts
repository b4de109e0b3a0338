/**
 * (b) What GeminiClientService.generate adds per call (acquire, SDK transport with timeout, succeed:
 * reconcile + stats + pin) over a direct SDK call to the same fake Gemini. Memory store, sequential.
 */
import { FakeGemini } from '../test/fakes/fake-gemini';
import { directGenerate } from './direct-sdk';
import { buildStack, makeKeys, MODEL, secretFor } from './harness';
import { elapsedMs, fmtMs, fmtRatio, Section, summarize, Summary } from './stats';

const CALLS = Number(process.env.BENCH_CLIENT_CALLS ?? 1000);
const BLOCK = 100;
const WARMUP = 100;
const PROMPT = 'Summarise a moving-average crossover strategy in one sentence.';

export interface ClientOverheadResult {
  service: Summary;
  direct: Summary;
}

export async function benchClientOverhead(): Promise<{ section: Section; result: ClientOverheadResult }> {
  const keys = makeKeys(8, 1, { rpm: 1_000_000, tpm: 1_000_000_000, rpd: 1_000_000 });
  // No limits on the fake: this measures overhead, not quota.
  const fake = new FakeGemini();
  for (const k of keys) fake.addKey({ key: secretFor(k.id), id: k.id, project: k.project });
  const baseUrl = await fake.start();
  const stack = await buildStack({ keys, store: 'memory', baseUrl, env: { GEMINI_TIMEOUT_MS: '10000' } });
  const directSecret = secretFor(keys[0].id);
  let seq = 0;
  const viaService = async () => {
    const r = await stack.client.generate({ userId: `user-${seq++}` }, { contents: [{ role: 'user', text: PROMPT }] });
    if (!r.text.startsWith('echo:')) throw new Error(`unexpected reply ${r.text}`);
  };
  const viaSdk = async () => {
    const text = await directGenerate(directSecret, baseUrl, MODEL, PROMPT);
    if (!text.startsWith('echo:')) throw new Error(`unexpected reply ${text}`);
  };
  const timed = async (fn: () => Promise<void>, out: number[]) => {
    const t = process.hrtime.bigint();
    await fn();
    out.push(elapsedMs(t));
  };
  try {
    for (let i = 0; i < WARMUP; i++) {
      await viaService();
      await viaSdk();
    }
    const service: number[] = [];
    const direct: number[] = [];
    // Alternate blocks so drift (GC, other load on the machine) hits both sides alike.
    for (let done = 0; done < CALLS; done += BLOCK) {
      const n = Math.min(BLOCK, CALLS - done);
      for (let i = 0; i < n; i++) await timed(viaService, service);
      for (let i = 0; i < n; i++) await timed(viaSdk, direct);
    }
    const s = summarize(service);
    const d = summarize(direct);
    const upstream429 = Object.values(fake.stats()).reduce((n, k) => n + k.rateLimited, 0);
    const section: Section = {
      title: '(b) Client overhead: GeminiClientService.generate vs direct SDK call',
      headers: ['path', 'n', 'p50', 'p99', 'p99.9', 'mean', 'overhead p50', 'overhead p99', 'p50 ÷ direct p50'],
      rows: [
        ['baseline: direct SDK generateContent', String(d.n), fmtMs(d.p50), fmtMs(d.p99), fmtMs(d.p999), fmtMs(d.mean), '', '', '1.00×'],
        [
          'GeminiClientService.generate (memory store)',
          String(s.n),
          fmtMs(s.p50),
          fmtMs(s.p99),
          fmtMs(s.p999),
          fmtMs(s.mean),
          `+${fmtMs(s.p50 - d.p50)}`,
          `+${fmtMs(s.p99 - d.p99)}`,
          fmtRatio(s.p50 / d.p50),
        ],
      ],
      notes: [
        `${CALLS} sequential calls each after ${WARMUP} warm-up calls, alternating blocks of ${BLOCK}; same prompt, fake Gemini in the same process (answers in well under 1 ms of server work), 8 keys, distinct user ids; upstream 429s: ${upstream429}.`,
        'The service path includes acquire (view, pin, select, reserve), a fresh SDK model per call with a timeout, and succeed (token reconcile, success stats, pin).',
      ],
    };
    return { section, result: { service: s, direct: d } };
  } finally {
    await stack.close();
    await fake.stop();
  }
}
