import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../auth/jwt-auth.guard';

/** `GET /api/production/`: the two groups, as a DRF router root lists them (Django's answered `{}`). */
@ApiTags('production')
@Authenticated()
@Controller('api/production')
export class ProductionRootController {
  @Get()
  @ApiOperation({ summary: 'The production API groups' })
  @ApiOkResponse({ schema: { example: { strategies: '/api/production/strategies/', backtests: '/api/production/backtests/' } } })
  root() {
    return { strategies: '/api/production/strategies/', backtests: '/api/production/backtests/' };
  }
}
