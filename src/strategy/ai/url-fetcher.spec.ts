import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeClock, SystemClock } from '../../common/clock';
import type { AppConfig } from '../../config/app-config';
import { forbiddenAddressKind, htmlToText, Resolver, UrlFetcher } from './url-fetcher';

describe('forbiddenAddressKind', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['fe80::1', 'link-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['64:ff9b::a00:1', 'private'],
  ])('refuses %s (%s)', (ip, kind) => {
    expect(forbiddenAddressKind(ip)).toBe(kind);
  });

  it.each(['8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])('allows public %s', (ip) => {
    expect(forbiddenAddressKind(ip)).toBeNull();
  });

  it('refuses IPv4-compatible (deprecated) forms, documentation ranges and malformed input', () => {
    expect(forbiddenAddressKind('::7f00:1')).toBe('loopback');
    expect(forbiddenAddressKind('::808:808')).toBe('reserved');
    expect(forbiddenAddressKind('2001:db8::1')).toBe('reserved');
    expect(forbiddenAddressKind('192.0.2.1')).toBe('reserved');
    expect(forbiddenAddressKind('1::2::3')).toBe('malformed');
  });
});

describe('htmlToText', () => {
  it('drops scripts, styles and comments and keeps readable text', () => {
    const html =
      '<html><head><style>p{}</style><script>alert("x")</script></head><body><h1>EMA &amp; RSI</h1><!-- hidden --><p>Buy&nbsp;when&#32;RSI &lt; 30</p><ul><li>one</li><li>two</li></ul></body></html>';
    expect(htmlToText(html)).toBe('EMA & RSI\nBuy when RSI < 30\n\n- one\n- two');
  });
});

describe(UrlFetcher.name, () => {
  let server: http.Server;
  let port = 0;
  const clock = new SystemClock();
  const config = (allowHosts: string[], extra: Partial<AppConfig['urlFetch']> = {}) =>
    ({ urlFetch: { timeoutMs: 2000, maxBytes: 4096, allowHosts, ...extra } }) as unknown as AppConfig;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(`hello from ${req.headers.host}`);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('refuses a host whose DNS answer includes a private address', async () => {
    const resolve: Resolver = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '10.0.0.7', family: 4 },
    ];
    await expect(new UrlFetcher(config([]), clock, resolve).fetchText('http://example.test/')).rejects.toMatchObject({
      message: 'url refused: resolves to a private address',
      details: { reason: 'private' },
    });
  });

  it('resolves once and connects to the vetted address (no second lookup)', async () => {
    const resolve = jest.fn<ReturnType<Resolver>, Parameters<Resolver>>(async () => [{ address: '127.0.0.1', family: 4 }]);
    const page = await new UrlFetcher(config([`docs.internal:${port}`]), clock, resolve).fetchText(`http://docs.internal:${port}/x`);
    expect(page.text).toBe(`hello from docs.internal:${port}`);
    expect(resolve).toHaveBeenCalledTimes(1);
  });

  it('refuses an unresolvable host', async () => {
    const resolve: Resolver = async () => {
      throw new Error('ENOTFOUND');
    };
    await expect(new UrlFetcher(config([]), clock, resolve).fetchText('http://nowhere.test/')).rejects.toMatchObject({
      message: 'url refused: host could not be resolved',
    });
  });

  it('gives up on a DNS lookup that outlasts the deadline', async () => {
    const resolve: Resolver = () => new Promise(() => undefined);
    await expect(new UrlFetcher(config([], { timeoutMs: 50 }), clock, resolve).fetchText('http://slow-dns.test/')).rejects.toMatchObject({
      message: 'url fetch timed out',
    });
  });

  it('spends the deadline on the injected clock: a lookup that used it all leaves nothing for the request', async () => {
    const fake = new FakeClock(1_000);
    const slowLookup: Resolver = async () => {
      fake.advance(60_000);
      return [{ address: '127.0.0.1', family: 4 }];
    };
    const fetcher = new UrlFetcher(config([`docs.internal:${port}`], { timeoutMs: 60_000 }), fake, slowLookup);
    await expect(fetcher.fetchText(`http://docs.internal:${port}/x`)).rejects.toMatchObject({
      message: 'url fetch timed out',
      details: { timeout_ms: 60_000 },
    });
  });

  it('fetches the page when the lookup left part of the deadline on the injected clock', async () => {
    const fake = new FakeClock(1_000);
    const lookup: Resolver = async () => {
      fake.advance(50_000);
      return [{ address: '127.0.0.1', family: 4 }];
    };
    const fetcher = new UrlFetcher(config([`docs.internal:${port}`], { timeoutMs: 60_000 }), fake, lookup);
    expect((await fetcher.fetchText(`http://docs.internal:${port}/x`)).text).toBe(`hello from docs.internal:${port}`);
  });

  it('refuses credentials in the URL', async () => {
    await expect(new UrlFetcher(config([]), clock).fetchText('https://user:pw@example.com/')).rejects.toMatchObject({
      message: 'url refused: credentials in the url are not allowed',
    });
  });
});
