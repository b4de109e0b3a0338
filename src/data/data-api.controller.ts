import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '../auth/current-user.decorator';
import { Authenticated } from '../auth/jwt-auth.guard';
import { ApiDocs } from '../common/api-docs';
import { ErrorBodyDto } from '../common/error-body.dto';
import {
  AvailableIndicatorsDto,
  CalculateIndicatorDto,
  CalculateIndicatorResultDto,
  DataHealthDto,
  FetchDataDto,
  FetchDataResultDto,
} from './data-api.dto';
import { DataApiService } from './data-api.service';
import { FetchDataService } from './fetch-data.service';

/** Django's `DataAPIViewSet` (`/api/data/api/…`). */
@ApiTags('data')
@Authenticated()
@Controller('api/data/api')
export class DataApiController {
  constructor(
    private readonly fetcher: FetchDataService,
    private readonly data: DataApiService,
  ) {}

  @Post('fetch_data')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Fetch bars from the configured source (DATA_SOURCE), store them (idempotent), compute indicators',
    description: 'Any signed-in user. Records a DataRequest: pending → processing → completed | failed.',
  })
  @ApiOkResponse({ type: FetchDataResultDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'symbol, period, interval (e.g. 1m over 1y) or indicators[i], named' })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'No data found for the specified symbol and period' })
  @ApiBadGatewayResponse({ type: ErrorBodyDto, description: 'The source answered with unusable data' })
  @ApiServiceUnavailableResponse({ type: ErrorBodyDto, description: 'The source is down (named; Retry-After)' })
  fetchData(@CurrentUser() user: AuthUser, @Body() body: FetchDataDto): Promise<FetchDataResultDto> {
    return this.fetcher.fetch(user, body);
  }

  @Post('calculate_indicator')
  @HttpCode(200)
  @ApiDocs({
    summary: 'An indicator over the stored bars of a symbol (Django or SDK names, TA-Lib or SDK parameters)',
    ok: CalculateIndicatorResultDto,
    400: 'Unknown indicator or parameter, named',
    404: 'Symbol X not found / No market data found for this symbol. Fetch data first.',
  })
  calculateIndicator(@Body() body: CalculateIndicatorDto): Promise<CalculateIndicatorResultDto> {
    return this.data.calculate(body);
  }

  @Get('available_indicators')
  @ApiOperation({ summary: 'Indicator names calculate_indicator and fetch_data accept (lower case)' })
  @ApiOkResponse({ type: AvailableIndicatorsDto })
  availableIndicators(): AvailableIndicatorsDto {
    return this.data.available();
  }

  @Get('health')
  @ApiOperation({ summary: 'Database reachable, symbol count, the configured source' })
  @ApiOkResponse({ type: DataHealthDto })
  @ApiServiceUnavailableResponse({ type: ErrorBodyDto, description: '{status: "unhealthy", error, details}' })
  health(): Promise<DataHealthDto> {
    return this.data.health();
  }
}
