import { ClientSecretCredential, DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { SecretClient, type SecretClientOptions } from '@azure/keyvault-secrets';
import type { SecretsConfig } from '../../config/app-config';
import { fetchBundleThenKeys, SecretProvider, SecretStoreError } from '../secret-provider';
import { asText } from '../../common/text';

type AzureConfig = NonNullable<SecretsConfig['azure']>;

export interface AzureProviderOptions {
  timeoutMs: number;
  bundleName: string | null;
  /** Defaults to `ClientSecretCredential` when a client secret is configured, else `DefaultAzureCredential`. */
  credential?: TokenCredential;
  /** Extra client options (tests: `disableChallengeResourceVerification`, `allowInsecureConnection`). */
  clientOptions?: SecretClientOptions;
}

const CREDENTIAL_ERRORS = new Set([
  'CredentialUnavailableError',
  'AuthenticationError',
  'AggregateAuthenticationError',
  'AuthenticationRequiredError',
]);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'REQUEST_SEND_ERROR',
]);

/**
 * Azure Key Vault via `SecretClient`. Key `{key_id}` is the secret named after it with `_` and `.` turned into
 * `-` (Key Vault names allow only `[0-9a-zA-Z-]`; key ids also allow `_` and `.`). With a bundle name, the
 * secret of that (mapped) name is read first; requested ids it does not cover are then read one by one.
 * No SDK retries; each call is bounded by `timeoutMs`, the refresh schedule is the retry.
 */
export class AzureSecretProvider extends SecretProvider {
  readonly type = 'azure' as const;

  private readonly client: SecretClient;
  private readonly host: string;

  constructor(
    config: AzureConfig,
    private readonly opts: AzureProviderOptions,
  ) {
    super();
    const cs = config.clientSecret;
    const credential =
      opts.credential ?? (cs ? new ClientSecretCredential(cs.tenantId, cs.clientId, cs.clientSecret) : new DefaultAzureCredential());
    this.client = new SecretClient(config.vaultUrl, credential, { ...opts.clientOptions, retryOptions: { maxRetries: 0 } });
    this.host = hostOf(config.vaultUrl);
  }

  async fetch(keyIds: string[]): Promise<Map<string, string>> {
    const bundleName = this.opts.bundleName;
    const name = bundleName ? secretName(bundleName) : '';
    const bundle = bundleName
      ? {
          name,
          notFound: `bundle secret "${name}" not found in Key Vault ${this.host}: create it or fix SECRET_BUNDLE_NAME / AZURE_VAULT_URL`,
          read: () => this.get(name),
        }
      : null;
    return fetchBundleThenKeys('azure', keyIds, bundle, async (keyId) => {
      const keyName = secretName(keyId);
      const text = await this.get(keyName);
      if (text === null) return null;
      if (!text.trim()) throw new SecretStoreError('azure', 'invalid', `secret "${keyName}" in Key Vault ${this.host} is empty`);
      return text.trim();
    });
  }

  /** The secret's current value; null when it does not exist. */
  private async get(name: string): Promise<string | null> {
    try {
      const secret = await this.client.getSecret(name, { abortSignal: AbortSignal.timeout(this.opts.timeoutMs) });
      return secret.value ?? '';
    } catch (e) {
      if (statusOf(e) === 404) return null;
      throw this.toStoreError(e, name);
    }
  }

  private toStoreError(e: unknown, name: string): SecretStoreError {
    const errName = (e as { name?: unknown } | null)?.name;
    const code = (e as { code?: unknown } | null)?.code;
    const status = statusOf(e);
    if (status === 401 || (typeof errName === 'string' && CREDENTIAL_ERRORS.has(errName))) {
      const why = status === 401 ? 'Key Vault rejected the token (HTTP 401)' : `could not get a token (${String(errName)})`;
      return new SecretStoreError(
        'azure',
        'unauthenticated',
        `${why} reading "${name}" from ${this.host}: check AZURE_TENANT_ID / AZURE_CLIENT_ID / AZURE_CLIENT_SECRET or the managed identity, and that the vault is in that tenant`,
      );
    }
    if (status === 403) {
      return new SecretStoreError(
        'azure',
        'forbidden',
        `access denied to secret "${name}" in ${this.host} (HTTP 403): grant the identity "get" on secrets (access policy or the Key Vault Secrets User role), check the firewall and that the secret is enabled`,
      );
    }
    if (errName === 'AbortError' || errName === 'TimeoutError' || code === 'ETIMEDOUT') {
      return new SecretStoreError(
        'azure',
        'timeout',
        `Key Vault ${this.host} did not answer for "${name}" within ${this.opts.timeoutMs} ms: check AZURE_VAULT_URL and the network, or raise SECRET_TIMEOUT_MS`,
      );
    }
    if ((typeof code === 'string' && NETWORK_CODES.has(code)) || status === undefined || status >= 500) {
      const why = status ? `HTTP ${status}` : typeof code === 'string' ? code : asText(errName ?? 'error');
      return new SecretStoreError(
        'azure',
        'unreachable',
        `cannot reach Key Vault ${this.host} for "${name}" (${why}): check AZURE_VAULT_URL and the network`,
      );
    }
    return new SecretStoreError(
      'azure',
      'invalid',
      `Key Vault ${this.host} answered HTTP ${status} for "${name}" (${String(code ?? errName)}): check the secret name and AZURE_VAULT_URL`,
    );
  }
}

/** Key Vault secret name for a key id or bundle name. */
export function secretName(id: string): string {
  return id.replace(/[_.]/g, '-');
}

function statusOf(e: unknown): number | undefined {
  const status = (e as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'AZURE_VAULT_URL';
  }
}
