import { ConfigValidationError, loadAppConfig } from '../../src/config/app-config';

/** The problems `loadAppConfig` reports for `env`; fails the test when the config is accepted. */
export function configProblems(env: Record<string, string>): string[] {
  try {
    loadAppConfig(env);
  } catch (e) {
    if (e instanceof ConfigValidationError) return e.problems;
    throw e;
  }
  throw new Error('expected the config to be rejected');
}
