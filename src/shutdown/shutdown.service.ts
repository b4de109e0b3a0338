import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { INestApplication, Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { AppLogger } from '../logging/app-logger';
import { closeOpenStreams } from './open-streams';

/** What an open SSE stream receives before it is ended on shutdown. */
export const SHUTDOWN_EVENT = { event: 'shutdown', data: { error: 'The server is shutting down; reconnect to continue', reconnect: true } };

/**
 * Graceful shutdown on SIGTERM/SIGINT: readiness answers 503 at once, the listener closes (new connections are
 * refused), open SSE streams get a final `shutdown` event, in-flight requests finish (their responses carry
 * `Connection: close`), idle keep-alive sockets are closed as soon as they are idle, then Nest closes the
 * modules (database pool, Redis). Exit code 0 when everything finished within `SHUTDOWN_TIMEOUT_MS`, 1 when
 * requests had to be cut.
 */
@Injectable()
export class ShutdownService {
  private readonly logger = new AppLogger('Shutdown');
  private draining = false;
  private inFlight = 0;
  private server: Server | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  get isDraining(): boolean {
    return this.draining;
  }

  /** Express middleware (first in the chain): counts in-flight requests and ends keep-alive while draining. */
  readonly track = (_req: Request, res: Response, next: NextFunction): void => {
    this.inFlight++;
    if (this.draining) res.setHeader('Connection', 'close');
    res.once('close', () => {
      this.inFlight--;
      // The socket may now be idle (its response started before the drain, so it kept keep-alive).
      if (this.draining) setImmediate(() => this.server?.closeIdleConnections());
    });
    next();
  };

  /** Runs the shutdown once; resolves with the exit code. */
  async run(app: INestApplication, signal: string): Promise<number> {
    if (this.draining) return 0;
    this.draining = true;
    const started = this.clock.now();
    const server = app.getHttpServer() as Server;
    this.server = server;
    const requests = this.inFlight;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const streams = closeOpenStreams(SHUTDOWN_EVENT.event, SHUTDOWN_EVENT.data);
    this.logger.info(`${signal} received: readiness 503, no new connections; finishing ${requests} request(s), ended ${streams} stream(s)`);
    const timeoutMs = this.config.http.shutdownTimeoutMs;
    // A real timer bounds the drain (requests finish in real time); the Clock times the shutdown for the log.
    const cut = await Promise.race([closed.then(() => false), sleep(timeoutMs, true, { ref: false })]);
    const unfinished = cut ? this.inFlight : 0;
    if (cut) server.closeAllConnections();
    await app.close();
    const ms = this.clock.now() - started;
    if (cut) {
      this.logger.error(
        `Shutdown forced after ${ms} ms: ${unfinished} request(s) still running at SHUTDOWN_TIMEOUT_MS=${timeoutMs} were cut; exit 1`,
      );
      return 1;
    }
    this.logger.info(`Shutdown complete in ${ms} ms: every request finished, connections and dependencies closed; exit 0`);
    return 0;
  }
}
