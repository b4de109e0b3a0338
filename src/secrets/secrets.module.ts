import { Module } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { EnvSecretProvider } from './providers/env.provider';
import { VaultSecretProvider } from './providers/vault.provider';
import { SecretProvider } from './secret-provider';
import { SecretsService } from './secrets.service';

/**
 * Picks the provider named by `SECRET_STORE_TYPE` (validated with its settings in `src/config`). The AWS and
 * Azure SDKs are loaded only when their store is the one configured: together they hold tens of MB.
 */
export async function createSecretProvider(config: AppConfig, clock: Clock): Promise<SecretProvider> {
  const s = config.secrets;
  const opts = { timeoutMs: s.timeoutMs, bundleName: s.bundleName };
  switch (s.type) {
    case 'env':
      return new EnvSecretProvider(s.env, !config.rotation.enabled);
    case 'vault':
      return new VaultSecretProvider(s.vault!, { ...opts, now: () => clock.now() });
    case 'aws': {
      const { AwsSecretProvider } = await import('./providers/aws.provider');
      return new AwsSecretProvider(s.aws!, opts);
    }
    case 'azure': {
      const { AzureSecretProvider } = await import('./providers/azure.provider');
      return new AzureSecretProvider(s.azure!, opts);
    }
    default: {
      const unknown: never = s.type;
      throw new Error(`Unknown secret store ${String(unknown)}`);
    }
  }
}

@Module({
  providers: [{ provide: SecretProvider, inject: [AppConfig, Clock], useFactory: createSecretProvider }, SecretsService],
  exports: [SecretsService],
})
export class SecretsModule {}
