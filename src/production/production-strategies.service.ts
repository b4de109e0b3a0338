/**
 * `/api/production/strategies/…`: sandbox tests, lifecycle, deploy and rollback of immutable strategy
 * versions, the version list. Every method starts with the owner check (another user's strategy → 404).
 */
import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../auth/current-user.decorator';
import { BotFiles } from '../bots/bot-files';
import { BotsRepository } from '../bots/bots.repository';
import { DomainError, ErrorCode } from '../common/domain-error';
import { invalid } from '../common/path-id';
import { AppConfig } from '../config/app-config';
import { isUniqueViolation } from '../database/database';
import { MarketDataProvider, marketDataRequestOrDefaults } from '../market-data/market-data.port';
import { StrategyBotsService } from '../strategy/bots/strategy-bots.service';
import { StrategiesRepository, StrategyRow } from '../strategy/strategies.repository';
import { visibleOr404 } from '../auth/ownership';
import { codeHash, contentHash } from './core/content-hash';
import { transition } from './core/lifecycle';
import { actorOf, LifecycleService, stateOf } from './lifecycle.service';
import { DeployDto, MEMORY_PATTERN, RollbackDto, SandboxTestDto } from './production.dto';
import { SandboxDispatcher, SandboxRunAnswer, SandboxRunCommand } from './sandbox-dispatcher';
import { SandboxRunsRepository } from './sandbox-runs.repository';
import { StrategyVersionsRepository, VersionRow } from './versions/strategy-versions.repository';
import { versionJson, versionSummaryJson } from './version-json';

const DEFAULT_TEST_TIMEOUT_S = 60;

/** MB from "512m", "1g", "1024k" or a bare number of MB. */
export function memoryMb(text: string): number {
  const m = MEMORY_PATTERN.exec(text.trim())!;
  const n = Number(m[1]);
  const unit = m[2].toLowerCase();
  return Math.max(1, Math.floor(unit === 'g' ? n * 1024 : unit === 'k' ? n / 1024 : n));
}

@Injectable()
export class ProductionStrategiesService {
  constructor(
    private readonly strategies: StrategiesRepository,
    private readonly strategyBots: StrategyBotsService,
    private readonly bots: BotsRepository,
    private readonly botFiles: BotFiles,
    private readonly lifecycle: LifecycleService,
    private readonly runs: SandboxRunsRepository,
    private readonly versions: StrategyVersionsRepository,
    private readonly dispatcher: SandboxDispatcher,
    private readonly config: AppConfig,
    private readonly marketData: MarketDataProvider,
  ) {}

  async owned(user: AuthUser, id: number): Promise<StrategyRow> {
    return visibleOr404(user, await this.strategies.byId(id), 'Strategy', id);
  }

  /**
   * POST sandbox-test/: runs the strategy's current bot code in the sandbox (testing → ready | failed). The
   * market data is checked before anything is recorded, so a bad symbol or a data outage leaves no trace.
   */
  async sandboxTest(user: AuthUser, dto: SandboxTestDto): Promise<SandboxRunAnswer> {
    const strategy = await this.owned(user, dto.strategy_id);
    const code = await this.strategyBots.codeOf(strategy);
    const market = marketDataRequestOrDefaults({ symbol: dto.symbol, period: dto.period, interval: dto.interval });
    await this.marketData.getBars(market);
    const hash = codeHash(code);
    const version = await this.versions.numberForCode(strategy.id, code);
    const limits = {
      timeoutMs: (dto.timeout ?? DEFAULT_TEST_TIMEOUT_S) * 1000,
      memoryMb: dto.resource_limits?.memory ? memoryMb(dto.resource_limits.memory) : this.config.bots.memoryMb,
    };
    const actor = actorOf(user);
    const run = await this.lifecycle.transaction(async (tx) => {
      await this.lifecycle.apply(tx, {
        strategyId: strategy.id,
        event: 'test_started',
        action: 'test_started',
        actor,
        detail: { code_hash: hash, strategy_version: version, market },
        changes: this.lifecycle.increments('testAttempts'),
      });
      const request = { ...market, timeout: dto.timeout ?? DEFAULT_TEST_TIMEOUT_S, resource_limits: dto.resource_limits ?? {} };
      return this.runs.create(
        { kind: 'strategy_test', strategyId: strategy.id, userId: user.id, codeHash: hash, strategyVersion: version, request },
        tx,
      );
    });
    const command: SandboxRunCommand = {
      kind: 'strategy_test',
      runId: run.id,
      strategyId: strategy.id,
      actor,
      code,
      codeHash: hash,
      strategyVersion: version,
      markets: [market],
      limits,
    };
    return this.dispatcher.dispatch(command);
  }

  async lifecycleOf(user: AuthUser, id: number) {
    return this.lifecycle.describe(await this.owned(user, id));
  }

  /**
   * POST {id}/deploy/: freezes the current code, parameters and the passing test of exactly that code into the
   * next numbered version and makes it current (ready → deployed). Refused (400) unless the newest finished
   * sandbox test of this exact code passed and the strategy is `ready`.
   */
  async deploy(user: AuthUser, id: number, dto: DeployDto) {
    const strategy = await this.owned(user, id);
    const code = await this.strategyBots.codeOf(strategy);
    const hash = codeHash(code);
    const tag = dto.create_tag ? (dto.tag_version ?? 'v1.0.0') : null;
    const actor = actorOf(user);
    const message = dto.commit_message ?? `Deploy ${strategy.name}`;
    try {
      const version = await this.lifecycle.transaction(async (tx) => {
        const current = stateOf(await this.lifecycle.get(strategy.id, tx));
        const test = await this.runs.latestFinished(strategy.id, hash, tx);
        if (!test?.success)
          throw mustPassTests(current, test ? 'the last sandbox test of this code failed' : 'this exact code has no sandbox test');
        if (tag && (await this.versions.byTag(strategy.id, tag, tx))) {
          throw new DomainError(ErrorCode.Conflict, `Tag ${tag} is already used by another version`, { tag_version: [`${tag} is taken`] });
        }
        const allowed = transition(current, 'deployed');
        if (!allowed.ok) throw mustPassTests(current, `the strategy is ${current}; it must be ready (tested since its last change)`);
        const row = await this.versions.create(
          {
            strategyId: strategy.id,
            code,
            parameters: strategy.parameters,
            codeHash: hash,
            contentHash: contentHash(code, strategy.parameters),
            testRunId: test.id,
            testResult: test.result ?? {},
            message,
            tag,
            createdBy: user.id,
            createdByName: user.username,
          },
          tx,
        );
        await this.lifecycle.apply(tx, {
          strategyId: strategy.id,
          event: 'deployed',
          action: 'deployed',
          actor,
          detail: { version: row.number, content_hash: row.contentHash, code_hash: hash, test_run_id: test.id, tag, message },
          changes: { currentVersion: row.number },
          refused: (from) => mustPassTests(from, `the strategy is ${from}; it must be ready (tested since its last change)`),
        });
        await this.strategies.update(strategy.id, { status: 'deployed' }, tx);
        return row;
      });
      return {
        status: 'deployed',
        strategy_id: strategy.id,
        version: versionSummaryJson(version, version.number),
        commit: version.contentHash,
        branch: null,
        tag: version.tag,
        message: `Strategy ${strategy.name} deployed as version ${version.number}`,
      };
    } catch (error) {
      if (isUniqueViolation(error))
        throw new DomainError(ErrorCode.Conflict, 'Another deploy of this strategy finished first; try again', { strategy_id: id });
      throw error;
    }
  }

  /**
   * POST {id}/rollback/: makes an earlier version current again — the strategy's code (its bot's, when it has
   * one) and parameters become that version's — and moves it to deployed. Default: the version before the
   * current one.
   */
  async rollback(user: AuthUser, id: number, dto: RollbackDto) {
    const strategy = await this.owned(user, id);
    const chosen = [dto.version !== undefined, dto.commit_hash !== undefined, dto.tag !== undefined].filter(Boolean).length;
    if (chosen > 1) throw invalid('version', 'give at most one of version, commit_hash and tag');
    const reason = dto.reason ?? 'Rollback requested via API';
    const actor = actorOf(user);
    const botId = strategy.botId && (await this.bots.byId(strategy.botId)) ? strategy.botId : null;
    const { target, previous } = await this.lifecycle.transaction(async (tx) => {
      const row = await this.lifecycle.get(strategy.id, tx);
      const current = row?.currentVersion ?? null;
      const target = await this.rollbackTarget(strategy.id, dto, current, tx);
      await this.lifecycle.apply(tx, {
        strategyId: strategy.id,
        event: 'rolled_back',
        action: 'rolled_back',
        actor,
        detail: { from_version: current, to_version: target.number, content_hash: target.contentHash, reason },
        changes: { currentVersion: target.number },
      });
      // eslint-disable-next-line no-restricted-syntax -- row timestamp, not a decision
      if (botId) await this.bots.update(botId, { code: target.code }, new Date(), tx);
      await this.strategies.update(
        strategy.id,
        { ...(botId ? {} : { strategyCode: target.code }), parameters: target.parameters, status: 'rolled_back' },
        tx,
      );
      return { target, previous: current };
    });
    if (botId) {
      const bot = await this.bots.byId(botId);
      if (bot) this.botFiles.write(bot.fileName, target.code);
    }
    return {
      status: 'rolled_back',
      strategy_id: strategy.id,
      reverted_to: target.number,
      previous_version: previous,
      version: versionSummaryJson(target, target.number),
      commit: target.contentHash,
      branch: null,
      reason,
      message: `Strategy ${strategy.name} rolled back to version ${target.number}`,
    };
  }

  private async rollbackTarget(
    strategyId: number,
    dto: RollbackDto,
    current: number | null,
    tx: Parameters<StrategyVersionsRepository['byNumber']>[2],
  ): Promise<VersionRow> {
    if (dto.version !== undefined) {
      const v = await this.versions.byNumber(strategyId, dto.version, tx);
      if (!v) throw new DomainError(ErrorCode.NotFound, 'Version not found', { version: dto.version });
      return v;
    }
    if (dto.tag !== undefined) {
      const v = await this.versions.byTag(strategyId, dto.tag, tx);
      if (!v) throw new DomainError(ErrorCode.NotFound, 'Version not found', { tag: dto.tag });
      return v;
    }
    if (dto.commit_hash !== undefined) {
      const found = await this.versions.byHashPrefix(strategyId, dto.commit_hash, tx);
      if (found.length === 0) throw new DomainError(ErrorCode.NotFound, 'Version not found', { commit_hash: dto.commit_hash });
      if (found.length > 1) throw invalid('commit_hash', 'commit_hash matches more than one version; give more characters');
      return found[0];
    }
    const below = current === null ? null : await this.previousVersion(strategyId, current, tx);
    if (!below) {
      throw new DomainError(ErrorCode.Conflict, 'Nothing to roll back to', {
        current_version: current,
        reason: current === null ? 'the strategy has never been deployed' : 'the current version is the first one',
      });
    }
    return below;
  }

  private async previousVersion(
    strategyId: number,
    current: number,
    tx: Parameters<StrategyVersionsRepository['byNumber']>[2],
  ): Promise<VersionRow | null> {
    for (let n = current - 1; n >= 1; n--) {
      const v = await this.versions.byNumber(strategyId, n, tx);
      if (v) return v;
    }
    return null;
  }

  async listVersions(user: AuthUser, id: number) {
    const strategy = await this.owned(user, id);
    const current = (await this.lifecycle.get(strategy.id))?.currentVersion ?? null;
    const rows = await this.versions.list(strategy.id);
    return {
      strategy_id: strategy.id,
      current_version: current,
      count: rows.length,
      results: rows.map((r) => versionSummaryJson(r, current)),
    };
  }

  async version(user: AuthUser, id: number, number: number) {
    const strategy = await this.owned(user, id);
    const row = await this.versions.byNumber(strategy.id, number);
    if (!row) throw new DomainError(ErrorCode.NotFound, 'Version not found', { strategy_id: id, version: number });
    const current = (await this.lifecycle.get(strategy.id))?.currentVersion ?? null;
    return versionJson(row, current);
  }
}

function mustPassTests(current: string, why: string): DomainError {
  return new DomainError(ErrorCode.ValidationFailed, 'Strategy must pass tests before deployment', { reason: why }, undefined, {
    current_status: current,
    required_status: 'ready',
  });
}
