/**
 * Load for the HTTP-path bench: one client (global fetch, undici's keep-alive pool) for every path,
 * sequential latency in interleaved blocks, and closed-loop throughput at a fixed concurrency.
 */
import { elapsedMs } from './stats';

/** One call over HTTP; resolves when the whole answer is read and checked, throws on anything else. */
export type Call = () => Promise<void>;

export interface HttpPath {
  name: string;
  call: Call;
}

export interface LatencyResult {
  samples: number[];
  errors: number;
  firstError?: string;
}

/** POSTs JSON and checks the status and the answer (`check` returns an error text or undefined). */
export function jsonCall(url: string, headers: Record<string, string>, body: unknown, check: (json: unknown) => string | undefined): Call {
  const payload = JSON.stringify(body);
  const allHeaders = { 'content-type': 'application/json', ...headers };
  return async () => {
    const res = await fetch(url, { method: 'POST', headers: allHeaders, body: payload });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`${res.status} ${text.slice(0, 300)}`);
    const problem = check(JSON.parse(text));
    if (problem) throw new Error(problem);
  };
}

/**
 * `warmup` untimed calls per path, then `calls` timed calls per path in blocks of `block`, the paths taking
 * turns block by block so drift (GC, other load on the machine) falls on every path alike.
 */
export async function interleavedLatency(
  paths: HttpPath[],
  calls: number,
  block: number,
  warmup: number,
): Promise<Map<string, LatencyResult>> {
  const out = new Map<string, LatencyResult>(paths.map((p) => [p.name, { samples: [], errors: 0 }]));
  const one = async (p: HttpPath, timed: boolean) => {
    const r = out.get(p.name)!;
    const t = process.hrtime.bigint();
    try {
      await p.call();
      if (timed) r.samples.push(elapsedMs(t));
    } catch (e) {
      if (timed) r.errors++;
      r.firstError ??= (e as Error).message;
    }
  };
  for (const p of paths) for (let i = 0; i < warmup; i++) await one(p, false);
  for (let done = 0; done < calls; done += block) {
    const n = Math.min(block, calls - done);
    for (const p of paths) for (let i = 0; i < n; i++) await one(p, true);
  }
  return out;
}

export interface Throughput {
  ok: number;
  errors: number;
  seconds: number;
  rps: number;
  firstError?: string;
}

/**
 * Each path in turn for `round` seconds until every path had `seconds`, so a change in the machine's other load
 * falls on every path alike; the rounds of a path are summed.
 */
export async function interleavedThroughput(
  paths: HttpPath[],
  concurrency: number,
  seconds: number,
  round: number,
): Promise<Map<string, Throughput>> {
  const out = new Map<string, Throughput>(paths.map((p) => [p.name, { ok: 0, errors: 0, seconds: 0, rps: 0 }]));
  const rounds = Math.max(1, Math.round(seconds / round));
  for (let r = 0; r < rounds; r++) {
    for (const p of paths) {
      const t = await throughput(p.call, concurrency, seconds / rounds);
      const sum = out.get(p.name)!;
      sum.ok += t.ok;
      sum.errors += t.errors;
      sum.seconds += t.seconds;
      sum.rps = sum.ok / sum.seconds;
      sum.firstError ??= t.firstError;
    }
  }
  return out;
}

/** `concurrency` workers calling back to back for `seconds`; requests/s counts only checked answers. */
export async function throughput(call: Call, concurrency: number, seconds: number): Promise<Throughput> {
  let ok = 0;
  let errors = 0;
  let firstError: string | undefined;
  const start = process.hrtime.bigint();
  const endMs = seconds * 1000;
  const worker = async () => {
    while (elapsedMs(start) < endMs) {
      try {
        await call();
        ok++;
      } catch (e) {
        errors++;
        firstError ??= (e as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const took = elapsedMs(start) / 1000;
  return { ok, errors, seconds: took, rps: ok / took, firstError };
}
