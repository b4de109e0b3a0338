import type { SecretsConfig } from '../../config/app-config';
import { fetchBundleThenKeys, SecretProvider, SecretStoreError } from '../secret-provider';

type VaultConfig = NonNullable<SecretsConfig['vault']>;

export interface VaultProviderOptions {
  timeoutMs: number;
  bundleName: string | null;
  /** Clock for token renewal (epoch ms): the app's `Clock`. */
  now: () => number;
}

/** The token in use. `refreshAt` (epoch ms) is null for tokens that do not expire (static, or lease 0). */
interface Session {
  token: string;
  refreshAt: number | null;
  renewable: boolean;
}

interface Reply {
  status: number;
  body: unknown;
}

/** Renew or re-login once this share of the lease has passed. */
const RENEW_AT = 2 / 3;

/**
 * HashiCorp Vault KV v2 over `fetch`. Secret `{key_id}` is read at `{mount}/data/{path}/{key_id}`, field `value`.
 *
 * Path rule: `VAULT_SECRET_PATH` may be written with or without the mount (`secret/algoagent` and `algoagent`
 * are the same with mount `secret`): a leading `{mount}/` is stripped, then `/data/` is inserted after the mount.
 *
 * With a bundle name, the bundle secret `{path}/{bundleName}` is read first; its `data.data` is either the
 * `{ "<key_id>": "<secret>" }` map itself or a single `value` field holding that map as JSON. Requested ids the
 * bundle does not cover are then read one by one.
 *
 * Auth: AppRole when `VAULT_ROLE_ID` and `VAULT_SECRET_ID` are set (they win over `VAULT_TOKEN`), else the static
 * token. An AppRole token is renewed (renew-self, falling back to a fresh login) once 2/3 of its lease has
 * passed, checked on each fetch; a 403 triggers one fresh login and retry before giving up.
 */
export class VaultSecretProvider extends SecretProvider {
  readonly type = 'vault' as const;

  private readonly now: () => number;
  private readonly mount: string;
  private readonly relPath: string;
  private readonly host: string;
  private session: Session | null = null;
  private authing: Promise<Session> | null = null;

  constructor(
    private readonly config: VaultConfig,
    private readonly opts: VaultProviderOptions,
  ) {
    super();
    this.now = opts.now;
    this.mount = trimSlashes(config.mount);
    const path = trimSlashes(config.path);
    this.relPath = path === this.mount ? '' : path.startsWith(`${this.mount}/`) ? path.slice(this.mount.length + 1) : path;
    this.host = hostOf(config.addr);
  }

  async fetch(keyIds: string[]): Promise<Map<string, string>> {
    const bundleName = this.opts.bundleName;
    const where = bundleName ? this.displayPath(bundleName) : '';
    const bundle = bundleName
      ? {
          name: where,
          notFound: `bundle secret ${where} not found (404): create it or fix SECRET_BUNDLE_NAME, VAULT_SECRET_PATH or VAULT_MOUNT`,
          read: async () => {
            const data = await this.read(bundleName);
            if (!data) return null;
            return Object.keys(data).length === 1 && typeof data.value === 'string' ? data.value : JSON.stringify(data);
          },
        }
      : null;
    return fetchBundleThenKeys('vault', keyIds, bundle, async (id) => {
      const data = await this.read(id);
      if (!data) return null;
      const value = typeof data.value === 'string' ? data.value.trim() : '';
      if (!value) throw new SecretStoreError('vault', 'invalid', `secret ${this.displayPath(id)} has no non-empty string field "value"`);
      return value;
    });
  }

  override async close(): Promise<void> {
    this.session = null;
  }

  private get appRole(): boolean {
    return Boolean(this.config.roleId && this.config.secretId);
  }

  /** Reads one KV v2 secret; null when it does not exist (404). */
  private async read(name: string): Promise<Record<string, unknown> | null> {
    const where = this.displayPath(name);
    const url = `${this.config.addr}/v1/${encodePath(this.mount)}/data/${encodePath(this.relPath ? `${this.relPath}/${name}` : name)}`;
    let session = await this.currentSession();
    let reply = await this.call('GET', url, session.token, undefined, `reading ${where}`);
    if (reply.status === 403 && this.appRole) {
      session = await this.reLogin(session.token);
      reply = await this.call('GET', url, session.token, undefined, `reading ${where}`);
    }
    if (reply.status === 404) return null;
    if (reply.status !== 200) throw this.statusError(reply, where);
    const data = (reply.body as { data?: { data?: unknown } } | null)?.data?.data;
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw new SecretStoreError(
        'vault',
        'invalid',
        `secret ${where} has no data.data object: is ${this.mount} a KV v2 mount (VAULT_MOUNT)?`,
      );
    }
    return data as Record<string, unknown>;
  }

  private async currentSession(): Promise<Session> {
    if (!this.appRole) return { token: this.config.token ?? '', refreshAt: null, renewable: false };
    const current = this.session;
    if (current && (current.refreshAt === null || this.now() < current.refreshAt)) return current;
    return this.authOnce(() => (current ? this.renew(current) : this.login()));
  }

  /** Logs in again after a 403, unless a concurrent read already replaced the token that was refused. */
  private async reLogin(refusedToken: string): Promise<Session> {
    if (this.authing) return this.authing;
    if (this.session && this.session.token !== refusedToken) return this.session;
    return this.authOnce(() => this.login());
  }

  /** Runs at most one login/renewal at a time; concurrent callers share it. */
  private authOnce(run: () => Promise<Session>): Promise<Session> {
    this.authing ??= run()
      .then((session) => (this.session = session))
      .finally(() => (this.authing = null));
    return this.authing;
  }

  private async renew(current: Session): Promise<Session> {
    if (!current.renewable) return this.login();
    const reply = await this.call('POST', `${this.config.addr}/v1/auth/token/renew-self`, current.token, {}, 'renewing the token');
    const session = reply.status === 200 ? this.sessionFrom(reply.body) : null;
    return session ?? this.login();
  }

  private async login(): Promise<Session> {
    const body = { role_id: this.config.roleId, secret_id: this.config.secretId };
    const reply = await this.call('POST', `${this.config.addr}/v1/auth/approle/login`, null, body, 'AppRole login');
    if (reply.status >= 500) throw this.statusError(reply, 'auth/approle/login');
    const session = reply.status === 200 ? this.sessionFrom(reply.body) : null;
    if (!session) {
      throw new SecretStoreError(
        'vault',
        'unauthenticated',
        `AppRole login at ${this.host} failed (HTTP ${reply.status}): check VAULT_ROLE_ID and VAULT_SECRET_ID (the secret id may be expired or used up), VAULT_NAMESPACE and that AppRole is enabled at auth/approle`,
      );
    }
    return session;
  }

  private sessionFrom(body: unknown): Session | null {
    const auth = (body as { auth?: { client_token?: unknown; lease_duration?: unknown; renewable?: unknown } } | null)?.auth;
    if (!auth || typeof auth.client_token !== 'string' || !auth.client_token) return null;
    const lease = typeof auth.lease_duration === 'number' ? auth.lease_duration : 0;
    return {
      token: auth.client_token,
      refreshAt: lease > 0 ? this.now() + lease * 1000 * RENEW_AT : null,
      renewable: auth.renewable !== false,
    };
  }

  private async call(method: 'GET' | 'POST', url: string, token: string | null, body: unknown, what: string): Promise<Reply> {
    const headers: Record<string, string> = {};
    if (token) headers['X-Vault-Token'] = token;
    if (this.config.namespace) headers['X-Vault-Namespace'] = this.config.namespace;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    try {
      const res = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
      const text = await res.text();
      let parsed: unknown = null;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // Non-JSON bodies (proxies, HTML error pages) are judged by status alone.
      }
      return { status: res.status, body: parsed };
    } catch (e) {
      throw this.transportError(e, what);
    }
  }

  private transportError(e: unknown, what: string): SecretStoreError {
    const name = (e as { name?: string } | null)?.name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      return new SecretStoreError(
        'vault',
        'timeout',
        `Vault at ${this.host} did not answer ${what} within ${this.opts.timeoutMs} ms: check VAULT_ADDR and the network, or raise SECRET_TIMEOUT_MS`,
      );
    }
    const cause = (e as { cause?: { code?: unknown } } | null)?.cause;
    const code = typeof cause?.code === 'string' ? ` (${cause.code})` : '';
    return new SecretStoreError(
      'vault',
      'unreachable',
      `cannot reach Vault at ${this.host}${code} for ${what}: check VAULT_ADDR (scheme, host, port, TLS) and that Vault is running`,
    );
  }

  private statusError(reply: Reply, where: string): SecretStoreError {
    const { status } = reply;
    const errors = (reply.body as { errors?: unknown } | null)?.errors;
    if (status === 503 && Array.isArray(errors) && errors.some((m) => typeof m === 'string' && /sealed/i.test(m))) {
      return new SecretStoreError(
        'vault',
        'sealed',
        `Vault is sealed: unseal it (vault operator unseal) or point VAULT_ADDR at an unsealed node (${this.host})`,
      );
    }
    if (status === 403) {
      const creds = this.appRole ? 'the AppRole role policies' : 'VAULT_TOKEN';
      return new SecretStoreError(
        'vault',
        'forbidden',
        `permission denied: token lacks read on ${where} or expired; check ${creds}, the policy (read on ${this.mount}/data/${this.relPath ? `${this.relPath}/` : ''}*) and VAULT_NAMESPACE`,
      );
    }
    if (status === 401)
      return new SecretStoreError(
        'vault',
        'unauthenticated',
        `Vault at ${this.host} rejected the request as unauthenticated (HTTP 401) for ${where}: check VAULT_TOKEN or AppRole credentials`,
      );
    if (status >= 500)
      return new SecretStoreError(
        'vault',
        'unreachable',
        `Vault at ${this.host} answered HTTP ${status} for ${where}: check Vault's health (GET /v1/sys/health) and logs`,
      );
    return new SecretStoreError(
      'vault',
      'invalid',
      `Vault at ${this.host} answered HTTP ${status} for ${where}: check VAULT_MOUNT (a KV v2 mount) and VAULT_SECRET_PATH`,
    );
  }

  private displayPath(name: string): string {
    return [this.mount, 'data', this.relPath, name].filter(Boolean).join('/');
  }
}

function trimSlashes(s: string): string {
  return s.replace(/^\/+|\/+$/g, '');
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** `host:port` of VAULT_ADDR, never userinfo or query. */
function hostOf(addr: string): string {
  try {
    return new URL(addr).host || addr;
  } catch {
    return 'an invalid VAULT_ADDR';
  }
}
