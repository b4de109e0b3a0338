import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretsConfig } from '../../config/app-config';
import { fetchBundleThenKeys, SecretProvider, SecretStoreError } from '../secret-provider';

type AwsConfig = NonNullable<SecretsConfig['aws']>;

export interface AwsProviderOptions {
  timeoutMs: number;
  bundleName: string | null;
}

/** Service error names that mean "these credentials are not valid" rather than "not allowed". */
const AUTH_ERRORS = new Set([
  'CredentialsProviderError',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'ExpiredTokenException',
  'ExpiredToken',
]);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ECONNABORTED',
]);

/**
 * AWS Secrets Manager via the SDK. Secret `{AWS_SECRET_PREFIX}{key_id}` holds the key as `SecretString`, either
 * the plain key or JSON `{"value": "<key>"}` (the console's key/value editor). With a bundle name, the secret
 * `{prefix}{bundleName}` (or `bundleName` as is when it already starts with the prefix) is read first; requested
 * ids it does not cover are then read one by one.
 *
 * One attempt per call (`maxAttempts: 1`) bounded by `timeoutMs`: the refresh schedule is the retry.
 */
export class AwsSecretProvider extends SecretProvider {
  readonly type = 'aws' as const;

  private readonly client: SecretsManagerClient;
  private readonly where: string;

  constructor(
    private readonly config: AwsConfig,
    private readonly opts: AwsProviderOptions,
  ) {
    super();
    this.client = new SecretsManagerClient({
      region: config.region,
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      ...(config.credentials ? { credentials: config.credentials } : {}),
      maxAttempts: 1,
      requestHandler: { connectionTimeout: opts.timeoutMs, requestTimeout: opts.timeoutMs, throwOnRequestTimeout: true },
    });
    this.where = config.endpoint ? `${config.region} at ${endpointHost(config.endpoint)}` : config.region;
  }

  async fetch(keyIds: string[]): Promise<Map<string, string>> {
    const bundleName = this.opts.bundleName;
    const id = bundleName && (bundleName.startsWith(this.config.prefix) ? bundleName : `${this.config.prefix}${bundleName}`);
    const bundle = id
      ? {
          name: id,
          notFound: `bundle secret "${id}" not found in Secrets Manager (${this.where}): create it or fix SECRET_BUNDLE_NAME / AWS_SECRET_PREFIX / AWS_REGION`,
          read: () => this.get(id),
        }
      : null;
    return fetchBundleThenKeys('aws', keyIds, bundle, async (keyId) => {
      const secretId = `${this.config.prefix}${keyId}`;
      const text = await this.get(secretId);
      return text === null ? null : valueOf(secretId, text);
    });
  }

  override async close(): Promise<void> {
    this.client.destroy();
  }

  /** The secret's `SecretString`; null when the secret does not exist. */
  private async get(secretId: string): Promise<string | null> {
    let out;
    try {
      out = await this.client.send(new GetSecretValueCommand({ SecretId: secretId }), {
        abortSignal: AbortSignal.timeout(this.opts.timeoutMs),
      });
    } catch (e) {
      if (errorName(e) === 'ResourceNotFoundException') return null;
      throw this.toStoreError(e, secretId);
    }
    if (typeof out.SecretString !== 'string') {
      throw new SecretStoreError(
        'aws',
        'invalid',
        `secret "${secretId}" has no SecretString (binary secrets are not supported): store the key as text`,
      );
    }
    return out.SecretString;
  }

  private toStoreError(e: unknown, secretId: string): SecretStoreError {
    const name = errorName(e);
    const code = systemCode(e);
    const status = (e as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
    if (name === 'AccessDeniedException') {
      return new SecretStoreError(
        'aws',
        'forbidden',
        `access denied to secret "${secretId}": the IAM principal needs secretsmanager:GetSecretValue on it (and kms:Decrypt on its KMS key)`,
      );
    }
    if (name === 'DecryptionFailure') {
      return new SecretStoreError(
        'aws',
        'decryption',
        `cannot decrypt secret "${secretId}" with its KMS key: check kms:Decrypt for the IAM principal and that the key is enabled`,
      );
    }
    if (AUTH_ERRORS.has(name)) {
      return new SecretStoreError(
        'aws',
        'unauthenticated',
        `AWS rejected or could not find credentials (${name}): check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN or the instance/task role, and AWS_REGION (${this.config.region})`,
      );
    }
    if (name === 'AbortError' || name === 'TimeoutError' || code === 'ETIMEDOUT' || /requestTimeout/.test(messageOf(e))) {
      return new SecretStoreError(
        'aws',
        'timeout',
        `Secrets Manager (${this.where}) did not answer for "${secretId}" within ${this.opts.timeoutMs} ms: check the network / VPC endpoint, or raise SECRET_TIMEOUT_MS`,
      );
    }
    if ((code && NETWORK_CODES.has(code)) || status === undefined || status >= 500) {
      const why = code ?? (status ? `HTTP ${status} ${name}` : name);
      return new SecretStoreError(
        'aws',
        'unreachable',
        `cannot reach Secrets Manager (${this.where}) for "${secretId}" (${why}): check AWS_REGION, AWS_ENDPOINT_URL and the network`,
      );
    }
    return new SecretStoreError(
      'aws',
      'invalid',
      `Secrets Manager rejected the request for "${secretId}" (HTTP ${status} ${name}): check the secret's state (e.g. scheduled for deletion)`,
    );
  }
}

/** The key in a per-key secret: the plain string, or the `value` field of a JSON object. */
function valueOf(secretId: string, text: string): string {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      parsed = undefined;
    }
    if (parsed !== undefined) {
      const value = (parsed as { value?: unknown }).value;
      if (typeof value === 'string' && value.trim()) return value.trim();
      throw new SecretStoreError('aws', 'invalid', `secret "${secretId}" is a JSON object without a non-empty string "value" field`);
    }
  }
  if (!trimmed) throw new SecretStoreError('aws', 'invalid', `secret "${secretId}" is empty`);
  return trimmed;
}

/**
 * The Node system error code (ECONNREFUSED…). Errors from another realm (e.g. under Jest) reach us wrapped by the
 * SDK as "AWS SDK error wrapper for Error: connect ECONNREFUSED …", so the code is also looked for in the message.
 */
function systemCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return /\b(E[A-Z]{4,})\b/.exec(messageOf(e))?.[1];
}

function messageOf(e: unknown): string {
  const message = (e as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : '';
}

function errorName(e: unknown): string {
  const name = (e as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : 'Error';
}

function endpointHost(endpoint: string): string {
  try {
    return new URL(endpoint).host;
  } catch {
    return 'AWS_ENDPOINT_URL';
  }
}
