/**
 * `npm run worker`: a process that only consumes jobs — no HTTP server. Run as many as the work needs beside
 * the API replicas (WORKER_MODE=off there); with REDIS_URL they share the BullMQ queues. SIGTERM/SIGINT
 * stop taking jobs, hand the running ones back to the queue, and exit.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { AppConfig, ConfigValidationError } from './config/app-config';
import { PinoNestLogger } from './logging/logger';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.createApplicationContext(AppModule.forRoot({ role: 'worker' }), { bufferLogs: true, abortOnError: false });
  const logger = app.get(PinoNestLogger);
  app.useLogger(logger);
  const config = app.get(AppConfig);
  app.enableShutdownHooks();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => setTimeout(() => process.exit(1), config.http.shutdownTimeoutMs).unref());
  }
  await app.init();
  logger.log(
    `AlgoAgent worker ${process.pid} consuming jobs${config.redis.url ? ' from Redis' : ' from the database (single process)'}`,
    'Worker',
  );
}

bootstrap().catch((err: unknown) => {
  if (err instanceof ConfigValidationError) process.stderr.write(`${err.message}\n`);
  else process.stderr.write(`Worker boot failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
