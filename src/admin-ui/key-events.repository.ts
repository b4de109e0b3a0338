import { Injectable } from '@nestjs/common';
import { desc } from 'drizzle-orm';
import { Database } from '../database/database.module';
import { keyEvents } from '../database/schema';

export interface KeyEventDto {
  id: number;
  key_id: string;
  event: string;
  reason: string | null;
  at: string;
}

/** Reads the key audit log (`key_events`, written by the key rotation). */
@Injectable()
export class KeyEventsRepository {
  constructor(private readonly database: Database) {}

  async recent(limit: number): Promise<KeyEventDto[]> {
    const rows = await this.database.connection.db.select().from(keyEvents).orderBy(desc(keyEvents.id)).limit(limit);
    return rows.map((r) => ({ id: r.id, key_id: r.keyId, event: r.event, reason: r.reason, at: r.createdAt.toISOString() }));
  }
}
