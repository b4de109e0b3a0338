/**
 * In-process AWS Secrets Manager fake (awsJson1_1 `GetSecretValue`) on 127.0.0.1 for wire-level tests with the
 * real SDK (`endpoint: await fake.start()`). SigV4 is not verified; only the access key id in `Credential=`.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { readBody, Sleeper } from './fake-gemini-http';
import { LoopbackServer } from './loopback-server';

export interface FakeAwsSecretsOptions {
  /** Access key id the client must sign with (default `AKIDFAKE`); others get `UnrecognizedClientException`. */
  accessKeyId?: string;
  region?: string;
  accountId?: string;
}

export interface FakeAwsRequest {
  target: string | null;
  accessKeyId: string | null;
  secretId: string | null;
}

interface StoredSecret {
  string?: string;
  binary?: Buffer;
  version: number;
  suffix: string;
}

const AMZ_JSON = 'application/x-amz-json-1.1';

export class FakeAwsSecrets {
  readonly requests: FakeAwsRequest[] = [];
  delayMs = 0;
  /** When true, every GetSecretValue answers `AccessDeniedException`. */
  denyAccess = false;
  /** Secret names whose KMS key cannot be used: they answer `DecryptionFailure`. */
  readonly undecryptable = new Set<string>();

  private readonly accessKeyId: string;
  private readonly region: string;
  private readonly accountId: string;
  private readonly secrets = new Map<string, StoredSecret>();
  private readonly sleeper = new Sleeper();
  private readonly server = new LoopbackServer(
    (req, res) => this.handle(req, res),
    (res) => this.error(res, 500, 'InternalServiceError', 'An error occurred on the server side.'),
  );

  constructor(options: FakeAwsSecretsOptions = {}) {
    this.accessKeyId = options.accessKeyId ?? 'AKIDFAKE';
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '123456789012';
  }

  async start(): Promise<string> {
    return this.server.start();
  }

  /** Stops the server, dropping hanging and delayed requests. */
  async stop(): Promise<void> {
    this.sleeper.clear();
    await this.server.stop();
  }

  /** Creates the secret or puts a new current version (a string → `SecretString`, a Buffer → `SecretBinary`). */
  setSecret(name: string, value: string | Buffer): void {
    const prev = this.secrets.get(name);
    const stored: StoredSecret = { version: (prev?.version ?? 0) + 1, suffix: prev?.suffix ?? randomBytes(3).toString('hex') };
    if (typeof value === 'string') stored.string = value;
    else stored.binary = value;
    this.secrets.set(name, stored);
  }

  deleteSecret(name: string): void {
    this.secrets.delete(name);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const target = (req.headers['x-amz-target'] as string | undefined) ?? null;
    const accessKeyId = /Credential=([^/,\s]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? null;
    const raw = await readBody(req);
    let body: { SecretId?: unknown } = {};
    try {
      body = JSON.parse(raw || '{}') as typeof body;
    } catch {
      /* SecretId stays missing */
    }
    const secretId = typeof body.SecretId === 'string' ? body.SecretId : null;
    this.requests.push({ target, accessKeyId, secretId });
    if (this.delayMs > 0 && !(await this.sleeper.sleep(this.delayMs, res))) return;

    if (req.method !== 'POST' || req.url !== '/') return this.error(res, 404, 'UnknownOperationException', 'Not found');
    if (accessKeyId !== this.accessKeyId) {
      return this.error(res, 400, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    }
    if (target !== 'secretsmanager.GetSecretValue') return this.error(res, 400, 'UnknownOperationException', '');
    if (!secretId) return this.error(res, 400, 'InvalidParameterException', 'SecretId is required.');
    if (this.denyAccess) {
      return this.error(
        res,
        400,
        'AccessDeniedException',
        `User: arn:aws:iam::${this.accountId}:user/test is not authorized to perform: secretsmanager:GetSecretValue`,
      );
    }
    const name = this.nameOf(secretId);
    const secret = this.secrets.get(name);
    if (!secret) return this.error(res, 400, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    if (this.undecryptable.has(name)) {
      return this.error(
        res,
        400,
        'DecryptionFailure',
        "Secrets Manager can't decrypt the protected secret text using the provided KMS key.",
      );
    }
    this.json(res, 200, {
      ARN: this.arnOf(name, secret),
      Name: name,
      VersionId: `v${secret.version}`,
      ...(secret.string !== undefined ? { SecretString: secret.string } : { SecretBinary: secret.binary!.toString('base64') }),
      VersionStages: ['AWSCURRENT'],
      CreatedDate: 1700000000.123,
    });
  }

  private nameOf(secretId: string): string {
    if (!secretId.startsWith('arn:')) return secretId;
    for (const [name, secret] of this.secrets) if (this.arnOf(name, secret) === secretId) return name;
    return secretId;
  }

  private arnOf(name: string, secret: StoredSecret): string {
    return `arn:aws:secretsmanager:${this.region}:${this.accountId}:secret:${name}-${secret.suffix}`;
  }

  private error(res: http.ServerResponse, status: number, type: string, message: string): void {
    this.json(res, status, { __type: type, message }, { 'x-amzn-ErrorType': type });
  }

  private json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const payload = JSON.stringify(body);
    res.writeHead(status, {
      'Content-Type': AMZ_JSON,
      'Content-Length': Buffer.byteLength(payload),
      'x-amzn-RequestId': randomBytes(16).toString('hex'),
      ...headers,
    });
    res.end(payload);
  }
}
