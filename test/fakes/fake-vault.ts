/**
 * In-process HashiCorp Vault fake (KV v2 reads, AppRole login, token renew-self) on 127.0.0.1 for wire-level tests.
 * Vault KV v2's wire format: secrets at `data.data`, errors as `{"errors":[...]}`.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { readBody, Sleeper, writeJson } from './fake-gemini-http';
import { LoopbackServer } from './loopback-server';

export interface FakeVaultOptions {
  /** KV v2 mount (default `secret`). */
  mount?: string;
  /** A token that never expires (default `root-token`). */
  rootToken?: string;
  roleId?: string;
  secretId?: string;
  /** lease_duration (seconds) of AppRole tokens and of each renewal (default 3600). */
  leaseSeconds?: number;
  /** When set, requests must carry this `X-Vault-Namespace` (else 403). */
  namespace?: string;
  /** Clock used for token expiry; share it with the provider's `now` to move time in tests. */
  now?: () => number;
}

export interface FakeVaultRequest {
  method: string;
  path: string;
  token: string | null;
  namespace: string | null;
}

export class FakeVault {
  readonly requests: FakeVaultRequest[] = [];
  /** Delay before every answer, in ms. */
  delayMs = 0;
  /** lease_duration of tokens issued or renewed from now on. */
  leaseSeconds: number;
  /** When true, reads answer 403 even with a valid token (a policy without `read`). */
  denyReads = false;

  private readonly mount: string;
  private readonly rootToken: string;
  private readonly now: () => number;
  private readonly secrets = new Map<string, Record<string, unknown>>();
  /** token → expiry (epoch ms; null = never). */
  private readonly tokens = new Map<string, number | null>();
  private readonly sleeper = new Sleeper();
  private sealed = false;
  private readonly server = new LoopbackServer(
    (req, res) => this.handle(req, res),
    (res) => writeJson(res, 500, { errors: ['internal error'] }),
  );

  constructor(private readonly options: FakeVaultOptions = {}) {
    this.mount = options.mount ?? 'secret';
    this.rootToken = options.rootToken ?? 'root-token';
    this.leaseSeconds = options.leaseSeconds ?? 3600;
    this.now = options.now ?? Date.now;
    this.tokens.set(this.rootToken, null);
  }

  async start(): Promise<string> {
    return this.server.start();
  }

  /** Stops the server, dropping hanging and delayed requests. */
  async stop(): Promise<void> {
    this.sleeper.clear();
    await this.server.stop();
  }

  /**
   * Writes a KV v2 secret at `path` (relative to the mount, e.g. `algoagent/key_01`). A string is stored as
   * `{ value: <string> }`; an object is stored as the secret's `data.data` as is.
   */
  setSecret(path: string, value: string | Record<string, unknown>): void {
    this.secrets.set(path, typeof value === 'string' ? { value } : value);
  }

  deleteSecret(path: string): void {
    this.secrets.delete(path);
  }

  seal(): void {
    this.sealed = true;
  }

  unseal(): void {
    this.sealed = false;
  }

  /** Revokes every token except the root token (as if their TTL ran out server-side). */
  expireTokens(): void {
    for (const token of [...this.tokens.keys()]) if (token !== this.rootToken) this.tokens.delete(token);
  }

  /** Tokens issued by AppRole login so far, oldest first. */
  get issuedTokens(): string[] {
    return [...this.tokens.keys()].filter((t) => t !== this.rootToken);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.server.url);
    const token = this.tokenOf(req);
    const namespace = (req.headers['x-vault-namespace'] as string | undefined) ?? null;
    this.requests.push({ method: req.method ?? '', path: url.pathname, token, namespace });
    const body = await readBody(req);
    if (this.delayMs > 0 && !(await this.sleeper.sleep(this.delayMs, res))) return;

    if (this.sealed) return writeJson(res, 503, { errors: ['Vault is sealed'] });
    if (this.options.namespace !== undefined && namespace !== this.options.namespace) {
      return writeJson(res, 403, { errors: ['permission denied'] });
    }
    if (req.method === 'POST' && url.pathname === '/v1/auth/approle/login') return this.login(body, res);
    if (!this.valid(token)) return writeJson(res, 403, { errors: ['permission denied'] });
    if (req.method === 'POST' && url.pathname === '/v1/auth/token/renew-self') return this.renew(token!, res);

    const prefix = `/v1/${this.mount}/data/`;
    if (req.method !== 'GET' || !url.pathname.startsWith(prefix)) return writeJson(res, 404, { errors: [] });
    if (this.denyReads) return writeJson(res, 403, { errors: ['permission denied'] });
    const path = decodeURIComponent(url.pathname.slice(prefix.length));
    const data = this.secrets.get(path);
    if (!data) return writeJson(res, 404, { errors: [] });
    writeJson(res, 200, {
      request_id: randomBytes(8).toString('hex'),
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      data: {
        data,
        metadata: {
          created_time: new Date(this.now()).toISOString(),
          custom_metadata: null,
          deletion_time: '',
          destroyed: false,
          version: 1,
        },
      },
      wrap_info: null,
      warnings: null,
      auth: null,
    });
  }

  private login(body: string, res: http.ServerResponse): void {
    let creds: { role_id?: unknown; secret_id?: unknown } = {};
    try {
      creds = JSON.parse(body) as typeof creds;
    } catch {
      /* answered below */
    }
    const { roleId, secretId } = this.options;
    if (!roleId || creds.role_id !== roleId || creds.secret_id !== secretId) {
      return writeJson(res, 400, { errors: ['invalid role or secret ID'] });
    }
    const token = `hvs.${randomBytes(12).toString('hex')}`;
    this.tokens.set(token, this.now() + this.leaseSeconds * 1000);
    writeJson(res, 200, { auth: this.authBody(token) });
  }

  private renew(token: string, res: http.ServerResponse): void {
    if (this.tokens.get(token) !== null) this.tokens.set(token, this.now() + this.leaseSeconds * 1000);
    writeJson(res, 200, { auth: this.authBody(token) });
  }

  private authBody(token: string) {
    return {
      client_token: token,
      accessor: 'fake-accessor',
      policies: ['default', 'algoagent'],
      lease_duration: this.leaseSeconds,
      renewable: true,
    };
  }

  private tokenOf(req: http.IncomingMessage): string | null {
    const header = req.headers['x-vault-token'];
    if (typeof header === 'string' && header) return header;
    const auth = req.headers.authorization;
    return auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : null;
  }

  private valid(token: string | null): boolean {
    if (token === null || !this.tokens.has(token)) return false;
    const expiry = this.tokens.get(token);
    return expiry === null || expiry === undefined || this.now() < expiry;
  }
}
