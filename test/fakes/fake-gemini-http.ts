/** HTTP plumbing of the fake Gemini server: routing, body reading, JSON / SSE writing, cancellable sleeps. */
import { createHash } from 'node:crypto';
import type http from 'node:http';
import type { Endpoint } from './fake-gemini-types';

export type Route = { endpoint: Endpoint; model?: string };

export const JSON_TYPE = 'application/json; charset=UTF-8';
const ROUTE_RE = /^\/v1(?:beta)?\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens)$/;
const MODEL_RE = /^\/v1(?:beta)?\/models\/([^/:]+)$/;

export function parseRoute(method: string, path: string): Route {
  const m = ROUTE_RE.exec(path);
  if (m && method === 'POST') return { endpoint: m[2] as Endpoint, model: decodeURIComponent(m[1]) };
  if (method === 'GET' && /^\/v1(?:beta)?\/models\/?$/.test(path)) return { endpoint: 'listModels' };
  const g = MODEL_RE.exec(path);
  if (g && method === 'GET') return { endpoint: 'getModel', model: decodeURIComponent(g[1]) };
  return { endpoint: 'unknown' };
}

export function projectNumber(project: string): string {
  const digits = BigInt(`0x${createHash('sha256').update(project).digest('hex').slice(0, 12)}`).toString();
  return digits.padStart(12, '1').slice(0, 12);
}

export function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function minLimit(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

export function writeJson(res: http.ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(payload) });
  res.end(payload);
}

/** setTimeout-based waits tied to a response: they end early when the client goes away, and stop() drops them. */
export class Sleeper {
  private readonly timers = new Set<NodeJS.Timeout>();

  /** Resolves true after `ms`, or false when the client goes away first (never, once cancelled by clear()). */
  sleep(ms: number, res: http.ServerResponse): Promise<boolean> {
    return new Promise((resolve) => {
      const onClose = (): void => {
        clearTimeout(timer);
        this.timers.delete(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        res.off('close', onClose);
        resolve(true);
      }, ms);
      this.timers.add(timer);
      res.once('close', onClose);
    });
  }

  clear(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

/** Writes `data: <json>\r\n\r\n` events (the SDK's SSE framing), pausing `pauseMs` between them. */
export async function writeSse(res: http.ServerResponse, events: unknown[], pauseMs: number, sleeper: Sleeper): Promise<void> {
  if (res.destroyed) return;
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
  for (let i = 0; i < events.length; i++) {
    if (i > 0 && pauseMs > 0 && !(await sleeper.sleep(pauseMs, res))) return;
    if (res.destroyed) return;
    res.write(`data: ${JSON.stringify(events[i])}\r\n\r\n`);
  }
  res.end();
}
