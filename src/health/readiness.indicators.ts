import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { Database } from '../database/database.module';
import { StateStore } from '../state-store/state-store';

const CHECK_TIMEOUT_MS = 2000;

/** Readiness parts, each answering within two seconds or counting as down. */
@Injectable()
export class ReadinessIndicators {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly database: Database,
    private readonly store: StateStore,
  ) {}

  databaseCheck(): PromiseLike<HealthIndicatorResult<'database'>> {
    const { connection } = this.database;
    return this.health
      .check('database')
      .attempt(async () => {
        await connection.ping();
        return { kind: connection.kind };
      })
      .withTimeout(CHECK_TIMEOUT_MS);
  }

  stateStoreCheck(): PromiseLike<HealthIndicatorResult<'state_store'>> {
    const store = this.store;
    return this.health
      .check('state_store')
      .attempt(async () => {
        await store.ping();
        return store.kind === 'memory'
          ? { kind: 'memory', note: 'in-process state: correct for a single replica only' }
          : { kind: 'redis' };
      })
      .withTimeout(CHECK_TIMEOUT_MS);
  }
}
