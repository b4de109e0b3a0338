import type { CorsOptions } from '@nestjs/common/interfaces/external/cors-options.interface';

/** Request headers a browser page may send: auth, JSON, SSE resume, idempotent retries, tracing. */
export const CORS_ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'Accept', 'Last-Event-ID', 'Idempotency-Key', 'X-Request-Id'];
/** Response headers a page may read besides the simple ones. */
export const CORS_EXPOSED_HEADERS = ['Retry-After', 'X-Request-Id', 'Idempotent-Replayed', 'Location', 'Preference-Applied', 'X-Job-Id'];
/** How long a browser may cache a preflight answer (seconds); Chromium caps it at 2 h. */
export const CORS_MAX_AGE_SECONDS = 7200;

/**
 * Nest's built-in CORS (the `cors` middleware) for the configured origins, with credentials, as
 * django-cors-headers did. An origin not on the list gets no CORS headers, so the browser blocks the page.
 */
export function corsOptions(origins: string[]): CorsOptions {
  const allowed = new Set(origins);
  return {
    origin: (origin, done) => done(null, origin !== undefined && allowed.has(origin)),
    credentials: true,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    maxAge: CORS_MAX_AGE_SECONDS,
    optionsSuccessStatus: 204,
    preflightContinue: false,
  };
}
