import type { NextFunction, Request, Response } from 'express';
import { RATE_LIMIT_REASON, RateLimitReason } from '../common/domain-error';
import type { MetricsService } from './metrics.service';

/** The matched route's template (`/api/strategies/strategies/:id`), or `unmatched` — never the raw path. */
export function routeTemplate(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? `${req.baseUrl}${path}` : 'unmatched';
}

/** Express middleware recording every response in `http_request_duration_seconds` and 429s by reason. */
export function httpMetrics(metrics: MetricsService) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const stop = metrics.httpDuration.startTimer();
    res.once('finish', () => {
      stop({ method: req.method, route: routeTemplate(req), status_code: String(res.statusCode) });
      if (res.statusCode === 429)
        metrics.rateLimited.inc({ reason: (res.locals[RATE_LIMIT_REASON] as RateLimitReason | undefined) ?? 'user_limit' });
    });
    next();
  };
}
