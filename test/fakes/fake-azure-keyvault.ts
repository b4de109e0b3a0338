/**
 * In-process Azure Key Vault fake (get secret + the bearer challenge flow) on 127.0.0.1 for wire-level tests with
 * the real `SecretClient`, which needs `{ disableChallengeResourceVerification: true, allowInsecureConnection: true }`.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { Sleeper, writeJson } from './fake-gemini-http';
import { LoopbackServer } from './loopback-server';

export interface FakeAzureKeyVaultOptions {
  tenantId?: string;
  /** When set, only this bearer token is accepted (others get 401); by default any bearer token is. */
  acceptedToken?: string;
}

export interface FakeAzureRequest {
  method: string;
  path: string;
  apiVersion: string | null;
  /** The bearer token sent, or null for the unauthenticated challenge request. */
  bearer: string | null;
}

interface StoredSecret {
  value: string;
  version: string;
}

const SECRET_PATH = /^\/secrets\/([^/]+)(?:\/([^/]*))?\/?$/;

export class FakeAzureKeyVault {
  readonly requests: FakeAzureRequest[] = [];
  delayMs = 0;
  /** When true, authenticated requests answer 403 `Forbidden` (no `get` permission on secrets). */
  forbidden = false;
  /** When true, every bearer token is rejected with 401 (e.g. wrong tenant or expired). */
  rejectTokens = false;

  private readonly tenantId: string;
  private readonly secrets = new Map<string, StoredSecret>();
  private readonly sleeper = new Sleeper();
  private readonly server = new LoopbackServer(
    (req, res) => this.handle(req, res),
    (res) => writeJson(res, 500, { error: { code: 'InternalServerError', message: 'fake failure' } }),
  );

  constructor(private readonly options: FakeAzureKeyVaultOptions = {}) {
    this.tenantId = options.tenantId ?? 'fake-tenant';
  }

  async start(): Promise<string> {
    return this.server.start();
  }

  /** Stops the server, dropping hanging and delayed requests. */
  async stop(): Promise<void> {
    this.sleeper.clear();
    await this.server.stop();
  }

  /** Creates the secret or adds a new current version. */
  setSecret(name: string, value: string): void {
    this.secrets.set(name, { value, version: randomBytes(16).toString('hex') });
  }

  deleteSecret(name: string): void {
    this.secrets.delete(name);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', this.server.url);
    const auth = req.headers.authorization;
    const bearer = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : null;
    this.requests.push({ method: req.method ?? '', path: url.pathname, apiVersion: url.searchParams.get('api-version'), bearer });
    req.resume();
    const answer = (): void => this.answer(req.method ?? '', url, bearer, res);
    if (this.delayMs <= 0) return answer();
    void this.sleeper.sleep(this.delayMs, res).then((ok) => ok && answer());
  }

  private answer(method: string, url: URL, bearer: string | null, res: http.ServerResponse): void {
    const badToken =
      bearer !== null && (this.rejectTokens || (this.options.acceptedToken !== undefined && bearer !== this.options.acceptedToken));
    if (bearer === null || badToken) {
      res.setHeader(
        'WWW-Authenticate',
        `Bearer authorization="https://login.microsoftonline.com/${this.tenantId}", resource="https://vault.azure.net"`,
      );
      const body =
        bearer === null
          ? { error: { code: 'Unauthorized', message: 'AKV10000: Request is missing a Bearer or PoP token.' } }
          : { error: { code: 'Unauthorized', message: 'AKV10032: Invalid issuer.' } };
      return writeJson(res, 401, body);
    }
    if (!url.searchParams.get('api-version')) {
      return writeJson(res, 400, { error: { code: 'BadParameter', message: 'The api-version query parameter is required.' } });
    }
    if (this.forbidden) {
      return writeJson(res, 403, {
        error: {
          code: 'Forbidden',
          message: "The user, group or application 'appid=fake' does not have secrets get permission on key vault 'fake'.",
          innererror: { code: 'AccessDenied' },
        },
      });
    }
    const m = SECRET_PATH.exec(url.pathname);
    if (method !== 'GET' || !m) return writeJson(res, 404, { error: { code: 'NotFound', message: 'Not found' } });
    const name = decodeURIComponent(m[1]);
    const secret = this.secrets.get(name);
    if (!secret || (m[2] && m[2] !== secret.version)) {
      return writeJson(res, 404, {
        error: { code: 'SecretNotFound', message: `A secret with (name/id) ${name} was not found in this key vault.` },
      });
    }
    writeJson(res, 200, {
      value: secret.value,
      id: `${this.server.url}/secrets/${name}/${secret.version}`,
      attributes: { enabled: true, created: 1700000000, updated: 1700000000, recoveryLevel: 'Recoverable+Purgeable' },
      tags: {},
    });
  }
}
