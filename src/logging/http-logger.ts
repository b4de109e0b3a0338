import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import pinoHttp, { HttpLogger } from 'pino-http';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const PROBE_PATHS = /^\/(health\/(live|ready)|metrics)(\?|$)/;

/** A caller's `X-Request-Id` is kept when it looks sane; otherwise a new UUID. Echoed in the response. */
export function requestIdFor(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/**
 * pino-http: one JSON line per request with its id, status and duration. Probes and scrapes log at debug
 * so they do not drown the info stream; failures log at warn/error.
 */
export function createHttpLogger(logger: Logger): HttpLogger {
  return pinoHttp({
    logger,
    genReqId: requestIdFor,
    customLogLevel: (req, res, err) => {
      if (err || res.statusCode >= 500) return 'error';
      if (res.statusCode >= 400) return 'warn';
      return PROBE_PATHS.test(req.url ?? '') ? 'debug' : 'info';
    },
    serializers: {
      req: (req: { id: string; method: string; url: string; headers: Record<string, unknown>; remoteAddress?: string }) => ({
        id: req.id,
        method: req.method,
        // The path only: query strings may carry keys (`?key=…`) and are never logged.
        url: String(req.url).split('?')[0],
        headers: req.headers,
        remoteAddress: req.remoteAddress,
      }),
    },
  });
}
