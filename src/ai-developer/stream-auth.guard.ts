import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { Authenticator } from '../auth/authenticator';
import { bearerToken } from '../common/bearer-token';
import { RequestWithUser } from '../auth/current-user.decorator';
import { AuthFailure } from '../common/auth-failure';
import { StreamTickets } from './stream-tickets';

const TICKET_USED = Symbol('streamTicketUsed');

/**
 * The events stream takes either `Authorization: Bearer <access>` (any HTTP client) or `?ticket=` (a
 * browser's EventSource). A ticket already redeemed is let through marked as such: the handler may then
 * only answer 204 for a finished run (EventSource's reconnect after the end), anything else is a 401.
 */
@Injectable()
export class StreamAuthGuard implements CanActivate {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly tickets: StreamTickets,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<RequestWithUser & Request>();
    const ticket = req.query.ticket;
    if (ticket !== undefined) {
      if (typeof ticket !== 'string') throw AuthFailure.invalidStreamTicket();
      const redeemed = await this.tickets.redeem(ticket, String(req.params.id));
      if (!redeemed.ok && redeemed.reason === 'invalid') throw AuthFailure.invalidStreamTicket();
      req.user = redeemed.user;
      (req as unknown as Record<symbol, boolean>)[TICKET_USED] = !redeemed.ok;
      return true;
    }
    const token = bearerToken(req.headers.authorization);
    if (!token) throw AuthFailure.notProvided();
    const result = await this.authenticator.authenticate(token);
    if (!result.ok) throw AuthFailure.invalidAccessToken(result.reason);
    req.user = result.user;
    return true;
  }
}

/** True when the request came with a stream ticket that had been redeemed before. */
export function ticketAlreadyUsed(req: Request): boolean {
  return (req as unknown as Record<symbol, boolean>)[TICKET_USED] === true;
}
