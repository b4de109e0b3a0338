import { Global, Module, OnApplicationShutdown } from '@nestjs/common';
import { AppLogger } from '../logging/app-logger';
import { AppConfig } from '../config/app-config';
import { DatabaseConnection, Db, openDatabase } from './database';

/** DI token for the open connection (the Drizzle handle is `Db`, below). */
export abstract class Database {
  abstract readonly connection: DatabaseConnection;
}

/**
 * Opens PostgreSQL (`DATABASE_URL=postgres://…`) or embedded PGlite, runs migrations before anything else
 * starts, and closes the pool on shutdown.
 */
@Global()
@Module({
  providers: [
    {
      provide: Database,
      inject: [AppConfig],
      useFactory: async (config: AppConfig): Promise<Database> => {
        const logger = new AppLogger('Database');
        const connection = await openDatabase(config.database.target, config.database.schema);
        await connection.migrate();
        const where = config.database.target.kind === 'pglite' ? (config.database.target.dataDir ?? 'memory') : 'server';
        logger.info(`${connection.kind} ready (${where}), migrations applied`);
        return { connection };
      },
    },
  ],
  exports: [Database],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(private readonly database: Database) {}

  async onApplicationShutdown(): Promise<void> {
    await this.database.connection.close();
  }
}

export type { Db };
