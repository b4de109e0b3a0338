/**
 * Fetches a strategy page for `input_type: url` without letting the server be used against its own network
 * (SSRF): http/https only, no credentials in the URL, every address the host resolves to must be public
 * (unless `host:port` is allow-listed), the connection goes to the vetted address (no second lookup, so
 * no DNS rebinding), redirects are followed by hand and re-checked, with a deadline and a size cap.
 * Failures are 400s that name what was wrong, never an internal address the user did not send.
 */
import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import * as http from 'node:http';
import * as https from 'node:https';
import { isIP } from 'node:net';
import * as ipaddr from 'ipaddr.js';
import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { DomainError, ErrorCode } from '../../common/domain-error';
import { AppConfig } from '../../config/app-config';

export const MAX_REDIRECTS = 3;
const USER_AGENT = 'AlgoAgent-StrategyFetcher/1.0';

export interface FetchedPage {
  /** The final URL (after redirects). */
  url: string;
  contentType: string;
  /** Readable text (tags, scripts and styles stripped). */
  text: string;
}

export interface FetchLimits {
  timeoutMs: number;
  maxBytes: number;
  /** `host:port`, lowercased; IPv6 hosts with or without brackets. */
  allowHosts: string[];
}

export type Resolver = (host: string) => Promise<LookupAddress[]>;

const defaultResolver: Resolver = (host) =>
  new Promise((resolve, reject) =>
    dnsLookup(host, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))),
  );

const refused = (why: string, details?: unknown) => new DomainError(ErrorCode.ValidationFailed, `url refused: ${why}`, details);
const timedOut = (timeoutMs: number) => new DomainError(ErrorCode.ValidationFailed, 'url fetch timed out', { timeout_ms: timeoutMs });
const TIMED_OUT = new Error('timed out');

/**
 * `work`, or a rejection with TIMED_OUT once `deadline` (epoch ms on `clock`) has passed. What is left of the
 * budget is the Clock's to say; it is spent on a real timer, since the work is real I/O.
 */
async function withDeadline<T>(work: Promise<T>, deadline: number, clock: Clock): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(TIMED_OUT), Math.max(0, deadline - clock.now()));
  });
  const result = await Promise.race([work, expiry]).finally(() => clearTimeout(timer));
  // Work that answered only once the deadline had passed on the Clock used the whole budget.
  if (clock.now() >= deadline) throw TIMED_OUT;
  return result;
}

// ------------------------------------------------------------------ address classification (pure)

/** How ipaddr.js names the ranges that must not be fetched, in the words of our error messages. */
const RANGE_LABELS: Record<string, string> = {
  loopback: 'loopback',
  private: 'private',
  uniqueLocal: 'private',
  deprecatedSiteLocal: 'private',
  linkLocal: 'link-local',
  carrierGradeNat: 'carrier-grade NAT',
  unspecified: 'unspecified',
  multicast: 'multicast',
  broadcast: 'broadcast',
};

/** Why an address must not be fetched ('loopback', 'private', 'link-local', …), or null when it is public. */
export function forbiddenAddressKind(ip: string): string | null {
  const bare = ip.replace(/%.*$/, '');
  if (!isIP(bare) || !ipaddr.isValid(bare)) return 'malformed';
  let addr = ipaddr.parse(bare);
  if (addr.kind() === 'ipv6') {
    const v6 = addr as ipaddr.IPv6;
    const parts = v6.parts;
    const embedsV4 =
      v6.isIPv4MappedAddress() || // ::ffff:a.b.c.d
      v6.range() === 'rfc6052' || // 64:ff9b::a.b.c.d (NAT64)
      (parts.slice(0, 6).every((p) => p === 0) && (parts[6] !== 0 || parts[7] > 1)); // ::a.b.c.d (deprecated)
    if (embedsV4) {
      const bytes = v6.toByteArray().slice(12);
      addr = new ipaddr.IPv4(bytes);
      if (RANGE_LABELS[addr.range()] === undefined && !v6.isIPv4MappedAddress() && v6.range() !== 'rfc6052') return 'reserved';
    }
  }
  const range = addr.range();
  if (range === 'unicast') return null;
  return RANGE_LABELS[range] ?? 'reserved';
}

// ------------------------------------------------------------------ HTML → text (pure)

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8}|#39);/gi, (m, e: string) => {
    const lower = e.toLowerCase();
    if (lower.startsWith('#x')) return safeCodePoint(parseInt(lower.slice(2), 16)) ?? m;
    if (lower.startsWith('#')) return safeCodePoint(parseInt(lower.slice(1), 10)) ?? m;
    return ENTITIES[lower] ?? m;
  });
}

function safeCodePoint(n: number): string | null {
  return Number.isFinite(n) && n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : null;
}

/** Readable text of an HTML page: scripts, styles, comments and tags removed, block ends as line breaks. */
export function htmlToText(html: string): string {
  return decodeEntities(
    html
      .replace(/<!--[\s\S]*?-->/g, ' ')
      .replace(/<(script|style|noscript|template|svg|iframe|object)\b[\s\S]*?<\/\1\s*>/gi, ' ')
      .replace(/<(script|style|noscript|template|svg|iframe|object)\b[\s\S]*$/gi, ' ')
      .replace(/<(br|hr)\b[^>]*>/gi, '\n')
      .replace(/<\/(p|div|tr|h[1-6]|section|article|ul|ol|table|pre|blockquote|header|footer)\s*>/gi, '\n')
      .replace(/<li\b[^>]*>/gi, '\n- ')
      .replace(/<[^>]*>/g, ' '),
  )
    .replace(/[ \t\f\v\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

// ------------------------------------------------------------------ the fetcher

interface Target {
  url: URL;
  host: string;
  port: number;
  address: LookupAddress;
}

/** The one way strategy pages are fetched (an injectable port, so tests can swap the network). */
@Injectable()
export class UrlFetcher {
  private readonly limits: FetchLimits;

  constructor(
    config: AppConfig,
    private readonly clock: Clock,
    private readonly resolve: Resolver = defaultResolver,
  ) {
    this.limits = config.urlFetch;
  }

  async fetchText(raw: string): Promise<FetchedPage> {
    const deadline = this.clock.now() + this.limits.timeoutMs;
    let url = this.parse(raw.trim());
    for (let hop = 0; ; hop++) {
      const target = await this.vet(url, hop > 0, deadline);
      const res = await this.request(target, deadline);
      if (res.status >= 300 && res.status < 400 && res.location !== null) {
        if (hop >= MAX_REDIRECTS) throw refused(`more than ${MAX_REDIRECTS} redirects`);
        url = this.parse(res.location, url, true);
        continue;
      }
      if (res.status < 200 || res.status >= 300)
        throw new DomainError(ErrorCode.ValidationFailed, `url fetch failed: the page answered HTTP ${res.status}`, { url: raw });
      const type = res.contentType.split(';')[0].trim().toLowerCase();
      const text = type === 'text/html' ? htmlToText(res.body) : res.body.replace(/\r\n/g, '\n').trim();
      if (!text) throw new DomainError(ErrorCode.ValidationFailed, 'url fetch failed: the page has no readable text', { url: raw });
      return { url: url.toString(), contentType: type, text };
    }
  }

  private parse(raw: string, base?: URL, redirect = false): URL {
    const what = redirect ? 'redirect target' : 'url';
    let url: URL;
    try {
      url = base ? new URL(raw, base) : new URL(raw);
    } catch {
      throw refused(`${what} is not a valid URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw refused(`only http and https URLs are allowed (${what} uses ${url.protocol.replace(/:$/, '')})`);
    if (url.username || url.password) throw refused(`credentials in the ${what} are not allowed`);
    if (!url.hostname) throw refused(`${what} has no host`);
    return url;
  }

  private allowListed(host: string, port: number): boolean {
    const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
    return this.limits.allowHosts.includes(`${bare}:${port}`) || this.limits.allowHosts.includes(`[${bare}]:${port}`);
  }

  /** Resolves once and checks every address; the first one is what the connection will use. */
  private async vet(url: URL, redirect: boolean, deadline: number): Promise<Target> {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    let addresses: LookupAddress[];
    if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
    else {
      try {
        addresses = await withDeadline(this.resolve(host), deadline, this.clock);
      } catch (e) {
        if (e === TIMED_OUT) throw timedOut(this.limits.timeoutMs);
        throw refused(`${redirect ? 'redirect target host' : 'host'} could not be resolved`);
      }
    }
    if (addresses.length === 0) throw refused('host could not be resolved');
    if (!this.allowListed(host, port)) {
      const kind = addresses.map((a) => forbiddenAddressKind(a.address)).find((k) => k !== null);
      if (kind) throw refused(`${redirect ? 'redirect target ' : ''}resolves to a private address`, { reason: kind });
    }
    return { url, host, port, address: addresses[0] };
  }

  private request(t: Target, deadline: number): Promise<{ status: number; location: string | null; contentType: string; body: string }> {
    const max = this.limits.maxBytes;
    const { address, family } = t.address;
    // The connection goes to the vetted address: a second lookup (DNS rebinding) never happens.
    const lookup = (_h: string, opts: { all?: boolean }, cb: (...args: unknown[]) => void) =>
      opts?.all ? cb(null, [{ address, family }]) : cb(null, address, family);
    const client = t.url.protocol === 'https:' ? https : http;
    // Nothing left of the budget: no request at all (a 0 ms timer would race a fast answer).
    if (deadline - this.clock.now() <= 0) return Promise.reject(timedOut(this.limits.timeoutMs));
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (e: DomainError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.destroy();
        reject(e);
      };
      const timer = setTimeout(() => fail(timedOut(this.limits.timeoutMs)), Math.max(0, deadline - this.clock.now()));
      const req = client.request(
        {
          protocol: t.url.protocol,
          hostname: t.host,
          port: t.port,
          path: `${t.url.pathname}${t.url.search}`,
          method: 'GET',
          headers: { 'User-Agent': USER_AGENT, Accept: 'text/html, text/plain;q=0.9', 'Accept-Encoding': 'identity' },
          lookup: lookup as never,
          agent: false,
          ...(isIP(t.host) ? {} : { servername: t.host }),
        },
        (res) => {
          const status = res.statusCode ?? 0;
          const location = typeof res.headers.location === 'string' ? res.headers.location : null;
          if (status >= 300 && status < 400 && location !== null) {
            res.resume();
            settled = true;
            clearTimeout(timer);
            req.destroy();
            resolve({ status, location, contentType: '', body: '' });
            return;
          }
          const contentType = String(res.headers['content-type'] ?? '');
          const type = contentType.split(';')[0].trim().toLowerCase();
          if (status >= 200 && status < 300 && type !== 'text/html' && type !== 'text/plain') {
            return fail(refused(`the page is ${type || 'of unknown type'}, not text/html or text/plain`));
          }
          const tooLarge = () => new DomainError(ErrorCode.ValidationFailed, `page larger than ${max} bytes`, { max_bytes: max });
          if (Number(res.headers['content-length'] ?? 0) > max) return fail(tooLarge());
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > max) return fail(tooLarge());
            chunks.push(c);
          });
          res.on('end', () => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            resolve({ status, location, contentType, body: decode(Buffer.concat(chunks), contentType) });
          });
          res.on('error', () => fail(new DomainError(ErrorCode.ValidationFailed, 'url fetch failed: the connection broke off')));
        },
      );
      req.on('error', () => fail(new DomainError(ErrorCode.ValidationFailed, 'url fetch failed: could not connect to the host')));
      req.end();
    });
  }
}

function decode(body: Buffer, contentType: string): string {
  const charset = /charset\s*=\s*"?([\w-]+)/i.exec(contentType)?.[1]?.toLowerCase();
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}
