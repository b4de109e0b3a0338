import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MetricsTokenGuard } from './metrics-token.guard';
import { MetricsService } from './metrics.service';

@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @UseGuards(MetricsTokenGuard)
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ summary: 'Prometheus metrics (key states, rotations, reservation and upstream latency); Bearer METRICS_TOKEN when set' })
  @ApiOkResponse({
    description: 'Prometheus text format',
    schema: { type: 'string', example: 'gemini_requests_total{key_id="flash_01",model="gemini-2.5-flash",outcome="ok"} 42' },
  })
  scrape(): Promise<string> {
    return this.metrics.render();
  }
}
