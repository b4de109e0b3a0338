import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { DomainError, ErrorCode } from '../common/domain-error';
import { ErrorBodyDto } from '../common/error-body.dto';
import { HealthReportDto } from './health.dto';
import { ShutdownService } from '../shutdown/shutdown.service';
import { ReadinessIndicators } from './readiness.indicators';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: ReadinessIndicators,
    private readonly shutdown: ShutdownService,
  ) {}

  @Get('live')
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({ summary: 'Liveness: the process answers (Kubernetes livenessProbe)' })
  @ApiOkResponse({ type: HealthReportDto })
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({ summary: 'Readiness: database and state store answer, and a Gemini key can serve (Kubernetes readinessProbe)' })
  @ApiOkResponse({ type: HealthReportDto })
  @ApiServiceUnavailableResponse({
    type: ErrorBodyDto,
    description: 'A part is down; `error` names it and `details` holds the full report',
  })
  async ready(): Promise<HealthCheckResult> {
    if (this.shutdown.isDraining) throw new DomainError(ErrorCode.NotReady, 'Not ready: shutting_down', { status: 'shutting_down' });
    try {
      return await this.health.check([
        () => this.indicators.databaseCheck(),
        () => this.indicators.stateStoreCheck(),
        () => this.indicators.keysCheck(),
        () => this.indicators.jobsCheck(),
      ]);
    } catch (e) {
      if (!(e instanceof ServiceUnavailableException)) throw e;
      const report = e.getResponse() as HealthCheckResult;
      const failing = Object.keys(report.error ?? {});
      throw new DomainError(ErrorCode.NotReady, `Not ready: ${failing.join(', ') || report.status}`, report);
    }
  }
}
