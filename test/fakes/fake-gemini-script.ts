/**
 * Per-key scripting for the fake Gemini server.
 *
 * `script(key, b)` with a single behaviour makes it permanent (until cleared), except the finite forms:
 * `{ times: n, then: b }` applies `b` to the next n requests, `{ responses: [...] }` lasts one request per text.
 * `script(key, [b1, b2, ...])` is a queue: plain entries apply to one request each, `times` entries to n,
 * `responses` entries to one request per text. When the script runs out the key behaves normally ('ok').
 *
 * Which requests consume a step: generateContent / streamGenerateContent always; countTokens except for
 * `responses` steps (which it skips over without consuming); model listing (`GET /models`) never consumes —
 * it only sees key-state behaviours (invalid / suspended / leaked / blocked), so a probe of a dead key fails.
 */

export type KeyStateBehaviour = 'invalid' | 'suspended' | 'leaked' | 'blocked';

/** A reply the model gives: plain text, or text with a finish reason (e.g. 'MAX_TOKENS'). */
export type FakeReply = string | { text: string; finishReason?: string };

/** Behaviours that answer immediately. */
export type ImmediateBehaviour =
  | 'ok'
  | KeyStateBehaviour
  | 'rate-limited-no-details'
  | 'hang'
  /** 200 with no candidates and promptFeedback.blockReason = SAFETY. */
  | 'safety-blocked'
  | { status: 500 | 503 | 504 }
  /** Streaming: send N text chunks, then an in-stream `data: {"error":...}` event (default 503).
   *  Non-streaming requests get that status as a plain HTTP error. */
  | { streamErrorAfterChunks: number; status?: 500 | 503 | 504 };

export type LeafBehaviour =
  | ImmediateBehaviour
  /** Answer after `delayMs`, then act as `then` (default 'ok'), replying `reply` when given. */
  | { delayMs: number; then?: ImmediateBehaviour; reply?: FakeReply }
  /** Scripted model replies, in order. */
  | { responses: FakeReply[] };

export type Behaviour = LeafBehaviour | { times: number; then: Behaviour };

export type RequestKind = 'generate' | 'count' | 'list';

/** The step chosen for one request: the behaviour, plus the scripted reply when it came from `responses`. */
export interface ScriptStep {
  behaviour: LeafBehaviour;
  reply?: FakeReply;
}

interface Entry {
  behaviour: LeafBehaviour;
  remaining: number;
  cursor: number;
}

const KEY_STATES: readonly string[] = ['invalid', 'suspended', 'leaked', 'blocked'];

export function isKeyState(b: LeafBehaviour): b is KeyStateBehaviour {
  return typeof b === 'string' && KEY_STATES.includes(b);
}

function isResponses(b: LeafBehaviour): b is { responses: FakeReply[] } {
  return typeof b === 'object' && 'responses' in b;
}

function toEntry(b: Behaviour, inQueue: boolean): Entry | undefined {
  if (typeof b === 'object' && 'times' in b) {
    if (b.times <= 0) return undefined;
    const inner = toEntry(b.then, true);
    return inner ? { behaviour: inner.behaviour, remaining: b.times, cursor: 0 } : undefined;
  }
  if (isResponses(b)) {
    return b.responses.length ? { behaviour: b, remaining: b.responses.length, cursor: 0 } : undefined;
  }
  return { behaviour: b, remaining: inQueue ? 1 : Number.POSITIVE_INFINITY, cursor: 0 };
}

export class KeyScripts {
  private readonly queues = new Map<string, Entry[]>();

  set(key: string, behaviour: Behaviour | Behaviour[]): void {
    const list = Array.isArray(behaviour) ? behaviour : [behaviour];
    const entries = list.map((b) => toEntry(b, Array.isArray(behaviour))).filter((e): e is Entry => e !== undefined);
    this.queues.set(key, entries);
  }

  /** Appends steps after whatever is already scripted for the key. */
  append(key: string, behaviour: Behaviour | Behaviour[]): void {
    const list = Array.isArray(behaviour) ? behaviour : [behaviour];
    const queue = this.queues.get(key) ?? [];
    for (const b of list) {
      const e = toEntry(b, true);
      if (e) queue.push(e);
    }
    this.queues.set(key, queue);
  }

  clear(key?: string): void {
    if (key === undefined) this.queues.clear();
    else this.queues.delete(key);
  }

  /** Steps still queued for the key (Infinity for a permanent behaviour). */
  pending(key: string): number {
    return (this.queues.get(key) ?? []).reduce((s, e) => s + e.remaining, 0);
  }

  /** Picks (and, where the rules above say so, consumes) the step for one request. */
  take(key: string, kind: RequestKind): ScriptStep {
    const queue = this.queues.get(key);
    if (!queue || queue.length === 0) return { behaviour: 'ok' };

    if (kind === 'list') {
      const head = queue[0].behaviour;
      return isKeyState(head) ? { behaviour: head } : { behaviour: 'ok' };
    }

    const entry = queue[0];
    if (kind === 'count' && isResponses(entry.behaviour)) return { behaviour: 'ok' }; // leave it for generate

    const step: ScriptStep = { behaviour: entry.behaviour };
    if (isResponses(entry.behaviour)) {
      const list = entry.behaviour.responses;
      step.reply = list[entry.cursor % list.length];
      entry.cursor += 1;
      step.behaviour = 'ok';
    }
    entry.remaining -= 1;
    if (entry.remaining <= 0) queue.shift();
    return step;
  }
}
