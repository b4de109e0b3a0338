import { loadAppConfig } from './app-config';
import { configProblems as problemsOf } from '../../test/support/config';

const SECRET = 'a-jwt-secret-of-at-least-32-characters!!';

describe('loadAppConfig: auth', () => {
  it('uses JWT_SECRET when set, with the Django token lifetimes and issuer', () => {
    const { auth } = loadAppConfig({ JWT_SECRET: SECRET });
    expect(auth).toMatchObject({
      jwtSecret: SECRET,
      jwtSecretGenerated: false,
      issuer: 'algoagent-api',
      accessTtlSec: 3600,
      refreshTtlSec: 604800,
    });
  });

  it('makes a random secret per boot when JWT_SECRET is unset outside production, and says so', () => {
    const a = loadAppConfig({}).auth;
    const b = loadAppConfig({ NODE_ENV: 'test' }).auth;
    expect(a.jwtSecretGenerated).toBe(true);
    expect(a.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(a.jwtSecret).not.toBe(b.jwtSecret);
  });

  it('requires JWT_SECRET in production', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual(['JWT_SECRET: is required when NODE_ENV=production (at least 32 characters)']);
    expect(loadAppConfig({ NODE_ENV: 'production', JWT_SECRET: SECRET }).auth.jwtSecret).toBe(SECRET);
  });

  it('rejects a JWT_SECRET shorter than 32 characters without echoing it', () => {
    const problems = problemsOf({ JWT_SECRET: 'short-secret-value' });
    expect(problems).toEqual(['JWT_SECRET: must be at least 32 characters']);
    expect(problems.join()).not.toContain('short-secret-value');
  });

  it('defaults to no anonymous access and 5 failed logins per 15 minutes', () => {
    expect(loadAppConfig({}).auth).toMatchObject({ allowAnonymous: false, loginMaxAttempts: 5, loginWindowMs: 900000 });
  });

  it('reads ALLOW_ANONYMOUS and AUTH_LOGIN_MAX_ATTEMPTS', () => {
    expect(loadAppConfig({ ALLOW_ANONYMOUS: 'true', AUTH_LOGIN_MAX_ATTEMPTS: '10' }).auth).toMatchObject({
      allowAnonymous: true,
      loginMaxAttempts: 10,
    });
    expect(
      problemsOf({ ALLOW_ANONYMOUS: 'maybe', AUTH_LOGIN_MAX_ATTEMPTS: '0' })
        .map((p) => p.split(':')[0])
        .sort(),
    ).toEqual(['ALLOW_ANONYMOUS', 'AUTH_LOGIN_MAX_ATTEMPTS']);
  });
});
