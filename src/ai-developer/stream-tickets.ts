/**
 * Stream tickets: a browser's `EventSource` cannot send `Authorization`, so a signed-in client trades its
 * access token for a short-lived, single-use ticket scoped to one run and opens `…/events?ticket=…`.
 * Kept in the state store (Redis when configured), so any replica can redeem a ticket another issued;
 * only a hash of the ticket is stored.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../auth/current-user.decorator';
import { StateStore } from '../state-store/state-store';

export const TICKET_TTL_SECONDS = 60;

interface TicketPayload {
  runId: string;
  userId: number;
  username: string;
  isStaff: boolean;
}

export type Redemption =
  | { ok: true; user: AuthUser }
  /** Already redeemed once: only good for learning that a finished run has nothing more (204). */
  | { ok: false; reason: 'used'; user: AuthUser }
  | { ok: false; reason: 'invalid' };

const hash = (ticket: string): string => createHash('sha256').update(ticket).digest('base64url');

@Injectable()
export class StreamTickets {
  constructor(private readonly store: StateStore) {}

  async issue(user: AuthUser & { id: number }, runId: string): Promise<{ ticket: string; expiresIn: number }> {
    const ticket = randomBytes(24).toString('base64url');
    const payload: TicketPayload = { runId, userId: user.id, username: user.username, isStaff: user.isStaff };
    await this.store.set(`sse-ticket:${hash(ticket)}`, JSON.stringify(payload), TICKET_TTL_SECONDS * 1000);
    return { ticket, expiresIn: TICKET_TTL_SECONDS };
  }

  /** The first redemption for `runId` wins (an atomic counter); an unknown, expired or other-run ticket is invalid. */
  async redeem(ticket: string, runId: string): Promise<Redemption> {
    if (!/^[A-Za-z0-9_-]{16,64}$/.test(ticket)) return { ok: false, reason: 'invalid' };
    const key = hash(ticket);
    const raw = await this.store.get(`sse-ticket:${key}`);
    const payload = raw ? (JSON.parse(raw) as TicketPayload) : null;
    if (!payload || payload.runId !== runId) return { ok: false, reason: 'invalid' };
    const user: AuthUser = { id: payload.userId, username: payload.username, isStaff: payload.isStaff };
    const uses = await this.store.increment(`sse-ticket-used:${key}`, 1, TICKET_TTL_SECONDS * 1000);
    return uses === 1 ? { ok: true, user } : { ok: false, reason: 'used', user };
  }
}
