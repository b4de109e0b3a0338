import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { AppConfig, ConfigValidationError, loadAppConfig } from './config/app-config';
import { readEnvironment } from './config/environment';
import { configureApp } from './configure-app';
import { PinoNestLogger } from './logging/logger';
import { ShutdownService } from './shutdown/shutdown.service';

async function bootstrap(): Promise<void> {
  // Validate before Nest boots: a bad value ends here with one line per variable, not inside Nest's
  // exception handler (which would print its own stack dump around the message).
  const env = readEnvironment();
  loadAppConfig(env);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot({ env }), {
    bodyParser: false,
    bufferLogs: true,
    abortOnError: false,
  });
  configureApp(app);
  const config = app.get(AppConfig);

  // SIGTERM/SIGINT: readiness 503, stop accepting, end SSE streams with a final event, let in-flight requests
  // finish, close idle keep-alive sockets, close the database pool and Redis, exit 0 (1 when requests had to be
  // cut at SHUTDOWN_TIMEOUT_MS). Nest's own shutdown hooks are not used: they re-raise the signal on exit.
  const shutdown = app.get(ShutdownService);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => process.exit(1), config.http.shutdownTimeoutMs + 5000).unref();
      void shutdown.run(app, signal).then(
        (code) => process.exit(code),
        () => process.exit(1),
      );
    });
  }

  await app.listen(config.http.port, config.http.host);
  const url = `http://${config.http.host === '0.0.0.0' ? 'localhost' : config.http.host}:${config.http.port}`;
  app.get(PinoNestLogger).log(`AlgoAgent API listening on ${url} (Swagger UI: ${url}/docs)`, 'Bootstrap');
}

bootstrap().catch((err: unknown) => {
  if (err instanceof ConfigValidationError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    process.stderr.write(`Boot failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  }
  process.exit(1);
});
