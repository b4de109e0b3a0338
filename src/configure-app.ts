import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { HttpErrorFilter } from './common/http-error.filter';
import { SafeInputPipe } from './common/safe-input.pipe';
import { createValidationPipe } from './common/validation';
import { AppConfig } from './config/app-config';
import { createHttpLogger } from './logging/http-logger';
import { PinoNestLogger } from './logging/logger';

/**
 * Everything that makes the HTTP edge behave, shared by `main.ts` and the end-to-end tests so they run
 * the same app: logging, body size cap, validation, the error filter, Swagger.
 */
export function configureApp(app: NestExpressApplication): NestExpressApplication {
  const config = app.get(AppConfig);
  const logger = app.get(PinoNestLogger);
  app.useLogger(logger);
  app.disable('x-powered-by');
  app.set('trust proxy', config.http.trustProxy);
  app.use(createHttpLogger(logger.pino));
  app.useBodyParser('json', { limit: config.http.bodyLimit });
  app.useBodyParser('urlencoded', { limit: config.http.bodyLimit, extended: true });
  app.useGlobalPipes(new SafeInputPipe(), createValidationPipe());
  app.useGlobalFilters(new HttpErrorFilter());

  const document = new DocumentBuilder()
    .setTitle('AlgoAgent API')
    .setDescription(
      'Backend for AlgoAgent: describe a trading strategy in words, get a validated strategy, a generated bot, ' +
        'a backtest and AI help fixing it. Every Gemini call goes through one client with multi-key rotation. ' +
        'Errors are `{ "error": ..., "details": ... }`; 429 answers carry `Retry-After`.',
    )
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Access token from /api/auth/login/' })
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, document), {
    jsonDocumentUrl: 'docs-json',
    customSiteTitle: 'AlgoAgent API docs',
    swaggerOptions: { persistAuthorization: true },
  });
  return app;
}
