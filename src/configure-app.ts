import { Reflector } from '@nestjs/core';
import type { Server } from 'node:http';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { corsOptions } from './common/cors';
import { ErrorStyleGuard } from './common/error-style';
import { withErrorExamples } from './common/error-examples';
import { HttpErrorFilter } from './http/http-error.filter';
import { SafeInputPipe } from './common/safe-input.pipe';
import { createValidationPipe } from './common/validation';
import { DjangoPathsWsAdapter } from './common/ws-adapter';
import { AppConfig } from './config/app-config';
import { ADMIN_SECURITY } from './key-rotation/admin-token.guard';
import { createHttpLogger } from './logging/http-logger';
import { PinoNestLogger } from './logging/logger';
import { httpMetrics } from './metrics/http-metrics';
import { MetricsService } from './metrics/metrics.service';
import { ShutdownService } from './shutdown/shutdown.service';

const HEADERS_TIMEOUT_MS = 20_000;
const REQUEST_TIMEOUT_MS = 60_000;

/** A declared Content-Length over the limit is answered 413 at once, without waiting for (or reading) the body. */
function refuseOversizedBodies(limitBytes: number) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const declared = Number(req.headers['content-length']);
    if (!Number.isFinite(declared) || declared <= limitBytes) return next();
    res.setHeader('Connection', 'close');
    res.status(413).json({ error: 'Request body is too large', details: { limit_bytes: limitBytes } });
  };
}

/**
 * Everything that makes the HTTP edge behave, shared by `main.ts` and the end-to-end tests so they run
 * the same app: logging, CORS, body size cap, validation, the error filter, Swagger.
 */
export function configureApp(app: NestExpressApplication): NestExpressApplication {
  const config = app.get(AppConfig);
  const logger = app.get(PinoNestLogger);
  app.useLogger(logger);
  app.use(app.get(ShutdownService).track);
  app.use(httpMetrics(app.get(MetricsService)));
  app.disable('x-powered-by');
  app.set('trust proxy', config.http.trustProxy);
  app.use(createHttpLogger(logger.pino));
  app.use(helmet({ contentSecurityPolicy: config.http.docsEnabled ? false : undefined }));
  app.enableCors(corsOptions(config.http.corsOrigins));
  app.use(refuseOversizedBodies(config.http.bodyLimitBytes));
  app.useBodyParser('json', { limit: config.http.bodyLimit });
  app.useBodyParser('urlencoded', { limit: config.http.bodyLimit, extended: true });
  app.useGlobalPipes(new SafeInputPipe(), createValidationPipe());
  app.useGlobalGuards(new ErrorStyleGuard(app.get(Reflector)));
  app.useGlobalFilters(new HttpErrorFilter());
  // WebSockets (ws/backtest/stream/) on the same HTTP server, with the plain `ws` library
  app.useWebSocketAdapter(new DjangoPathsWsAdapter(app));
  const server: Server = app.getHttpServer();
  // A slow or stalled client cannot hold a socket for Node's 5-minute default. These bound receiving the
  // request only: a long response (SSE) is not cut.
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  if (!config.http.docsEnabled) return app;

  const document = new DocumentBuilder()
    .setTitle('AlgoAgent API')
    .setDescription(
      'Backend for AlgoAgent: describe a trading strategy in words, get a validated strategy, a generated bot, ' +
        'a backtest and AI help fixing it. Every Gemini call goes through one client with multi-key rotation. ' +
        'Errors are `{ "error": ..., "details": ... }`; 429 answers carry `Retry-After`.',
    )
    .setVersion('0.1.0')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'User access token from /api/auth/login/' },
      'bearer',
    )
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: "ADMIN_API_TOKEN (or a staff user's access token) for /api/keys/*" },
      ADMIN_SECURITY,
    )
    .build();
  SwaggerModule.setup('docs', app, () => withErrorExamples(SwaggerModule.createDocument(app, document)), {
    jsonDocumentUrl: 'docs-json',
    customSiteTitle: 'AlgoAgent API docs',
    swaggerOptions: { persistAuthorization: true },
  });
  return app;
}
