import { Injectable } from '@nestjs/common';
import { AppLogger } from '../../logging/app-logger';
import { KeyRotationService } from '../../key-rotation/key-rotation.service';
import { StrategiesRepository } from '../strategies.repository';
import { TemplatesRepository } from '../templates.repository';
import type { StrategyApiHealthDto, StrategyApiUnhealthyDto } from './strategy.dto';

const DB_TIMEOUT_MS = 2000;

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export type StrategyApiHealth = { healthy: true; body: StrategyApiHealthDto } | { healthy: false; body: StrategyApiUnhealthyDto };

/**
 * Django's `health/` of the strategy API: counts strategies and templates (so the database answers within
 * two seconds), says whether the validator (the sandbox, always here) and the generator (needs Gemini keys
 * with secrets) are available.
 */
@Injectable()
export class StrategyApiHealthService {
  private readonly logger = new AppLogger('StrategyApiHealth');

  constructor(
    private readonly strategies: StrategiesRepository,
    private readonly templates: TemplatesRepository,
    private readonly rotation: KeyRotationService,
  ) {}

  async check(): Promise<StrategyApiHealth> {
    try {
      const [strategiesCount, templatesCount] = await withTimeout(
        Promise.all([this.strategies.countAll(), this.templates.countAll()]),
        DB_TIMEOUT_MS,
      );
      return {
        healthy: true,
        body: {
          status: 'healthy',
          database: 'connected',
          strategies_count: strategiesCount,
          templates_count: templatesCount,
          validator_available: true,
          generator_available: this.rotation.keyPool.usableIds().length > 0,
          // eslint-disable-next-line no-restricted-syntax -- response timestamp, not a decision
          timestamp: new Date().toISOString(),
        },
      };
    } catch (e) {
      const message = (e as Error)?.message ?? String(e);
      this.logger.warn(`strategy API health: database check failed: ${message}`);
      return { healthy: false, body: { status: 'unhealthy', error: 'Database unavailable', details: message.slice(0, 200) } };
    }
  }
}
