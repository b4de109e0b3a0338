import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IndicatorCatalogDto } from './indicators.dto';
import { indicatorCatalog } from './sdk/indicators';

/**
 * Django's `StrategyViewSet.available_indicators`: the indicators a bot can call through `ctx.indicators`.
 * Public on purpose (no guard): it is a static reference list, the same for everyone, with nothing
 * user-specific or secret in it, and front-ends show it before the user logs in.
 */
@ApiTags('strategies')
@Controller('api/strategies/strategies')
export class IndicatorsController {
  @Get('available_indicators')
  @ApiOperation({
    summary: 'Indicators available to bots (`ctx.indicators.<name>({...params, ago})`)',
    description: 'Static reference list; no authentication needed. Every indicator also accepts `ago` (bars back, default 0).',
  })
  @ApiOkResponse({ type: IndicatorCatalogDto })
  list(): IndicatorCatalogDto {
    return indicatorCatalog();
  }
}
