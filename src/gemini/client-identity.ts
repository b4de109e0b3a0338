import { createHash } from 'node:crypto';
import type { Request } from 'express';

/**
 * The user id for key stickiness until authentication exists: `anonymous:` + a short hash of the client
 * address (the address itself is not stored).
 */
export function anonymousUserId(req: Request): string {
  const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
  return `anonymous:${createHash('sha256').update(address).digest('hex').slice(0, 16)}`;
}
