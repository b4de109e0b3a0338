import { Controller, Get, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { apiIndex, routerRoot } from './api-index';

const baseUrl = (req: Request): string => `${req.protocol}://${req.get('host') ?? 'localhost'}`;

/** `GET /api/` and the DRF router roots of the apps this service serves (no auth, as in Django). */
@ApiTags('api-root')
@Controller('api')
export class ApiRootController {
  @Get()
  @ApiOperation({ summary: "The API's index: where each app, auth flow, chat and health check lives" })
  @ApiOkResponse({
    schema: {
      example: { message: 'AlgoAgent API', version: '1.0.0', timestamp: '2026-12-01T09:00:00.000Z', endpoints: { auth: '/api/auth/' } },
    },
  })
  index(): Record<string, unknown> {
    // eslint-disable-next-line no-restricted-syntax -- response timestamp, not a decision
    return apiIndex(new Date());
  }

  @Get('auth')
  @ApiOperation({ summary: 'DRF router root of /api/auth/: each viewset with its absolute URL' })
  @ApiOkResponse({ schema: { example: { profiles: 'http://localhost:8000/api/auth/profiles/' } } })
  authRoot(@Req() req: Request): Record<string, string> {
    return routerRoot('auth', baseUrl(req));
  }

  @Get('strategies')
  @ApiOperation({ summary: 'DRF router root of /api/strategies/: each viewset with its absolute URL' })
  @ApiOkResponse({ schema: { example: { templates: 'http://localhost:8000/api/strategies/templates/' } } })
  strategiesRoot(@Req() req: Request): Record<string, string> {
    return routerRoot('strategies', baseUrl(req));
  }
}
