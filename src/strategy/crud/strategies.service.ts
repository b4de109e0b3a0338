import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../auth/current-user.decorator';
import { decimalText } from '../../common/decimal';
import { DomainError, ErrorCode } from '../../common/domain-error';
import { pageOf } from '../../common/page';
import type { Db } from '../../database/database';
import {
  isUniqueViolation,
  StrategiesRepository,
  type StrategyChanges,
  type StrategyFilters,
  type StrategyRow,
} from '../strategies.repository';
import { canSee, visibleOr404 } from '../../auth/ownership';
import { strategyJson, strategyListJson } from '../strategy.serializer';
import { TemplatesRepository, type TemplateRow } from '../templates.repository';
import { performanceJson, validationJson } from '../strategy.serializer';
import { StrategyCrudRepository } from './strategy-crud.repository';
import {
  CreateStrategyDto,
  CreateStrategyRequestDto,
  CreateStrategyResponseDto,
  SearchStrategiesDto,
  StrategyDto,
  StrategyListEntryDto,
  StrategyListQueryDto,
  StrategyPageDto,
  StrategyPerformanceDto,
  StrategyValidationDto,
  UpdateStrategyDto,
  ValidateStrategyBodyDto,
  ValidateStrategyResultDto,
  VALIDATION_TYPES,
  type ValidationType,
} from './strategy.dto';
import { BotValidationService } from './bot-validation.service';

export const PAGE_SIZE = 50;
/** validation_history / performance_history return at most this many rows, newest first. */
export const HISTORY_LIMIT = 100;
export const DEFAULT_VERSION = '1.0.0';
export const AUTO_TEMPLATE_CATEGORY = 'custom';
export const VALIDATION_MESSAGE =
  'Validation started in the background: static checks and a sandboxed backtest on AAPL (1y, 1d bars). ' +
  'The status changes from validating to valid or invalid; see validation_history/.';

function nameClash(name: string, version: string): DomainError {
  return new DomainError(ErrorCode.ValidationFailed, 'Invalid request: name', {
    name: [`A strategy named "${name}" with version ${version} already exists; choose another name or version`],
  });
}

function constraintOf(e: unknown): string | undefined {
  const c = (x: unknown) => (x as { constraint?: unknown } | undefined)?.constraint;
  const v = c(e) ?? c((e as { cause?: unknown })?.cause);
  return typeof v === 'string' ? v : undefined;
}

const decimal = (v: number | string | null | undefined): string | null | undefined =>
  v === undefined ? undefined : v === null ? null : decimalText(v, 10, 4);

/** The column changes a create/update body asks for (only the fields it carries). */
function changesOf(b: UpdateStrategyDto): StrategyChanges {
  const c: StrategyChanges = {};
  if (b.name !== undefined) c.name = b.name;
  if (b.strategy_code !== undefined) c.strategyCode = b.strategy_code;
  if (b.description !== undefined) c.description = b.description;
  if (b.template !== undefined) c.templateId = b.template;
  if (b.parameters !== undefined) c.parameters = b.parameters;
  if (b.tags !== undefined) c.tags = b.tags;
  if (b.timeframe !== undefined) c.timeframe = b.timeframe;
  if (b.risk_level !== undefined) c.riskLevel = b.risk_level;
  if (b.expected_return !== undefined) c.expectedReturn = decimal(b.expected_return);
  if (b.max_drawdown !== undefined) c.maxDrawdown = decimal(b.max_drawdown);
  if (b.status !== undefined) c.status = b.status;
  if (b.version !== undefined) c.version = b.version;
  return c;
}

/**
 * Django's StrategyViewSet (CRUD, validation and performance history, validate_strategy) and the non-AI
 * StrategyAPIViewSet actions (create_strategy, search, categories). Every method starts with the caller's
 * access: a strategy that is not theirs is "not found" (staff see all).
 */
@Injectable()
export class StrategiesService {
  constructor(
    private readonly strategies: StrategiesRepository,
    private readonly templates: TemplatesRepository,
    private readonly repo: StrategyCrudRepository,
    private readonly validation: BotValidationService,
  ) {}

  /** The caller's strategy, or 404 (also for someone else's). */
  async own(user: AuthUser, id: number): Promise<StrategyRow> {
    return visibleOr404(user, await this.strategies.byId(id), 'Strategy', id);
  }

  async list(user: AuthUser, q: StrategyListQueryDto): Promise<StrategyPageDto> {
    const page = q.page ? Number(q.page) : 1;
    const { count, results } = await this.page(user, { status: q.status, category: q.category, tags: q.tags, search: q.search }, page);
    return pageOf(count, page, PAGE_SIZE, results);
  }

  async get(user: AuthUser, id: number): Promise<StrategyDto> {
    return this.json(await this.own(user, id));
  }

  async create(user: AuthUser, b: CreateStrategyDto): Promise<StrategyDto> {
    if (b.template != null) await this.usableTemplate(user, b.template, 'template');
    const version = b.version ?? DEFAULT_VERSION;
    if (await this.strategies.nameVersionTaken(user.id, b.name, version)) throw nameClash(b.name, version);
    const row = await this.insertOrClash(b.name, version, () =>
      this.strategies.create({
        name: b.name,
        description: b.description ?? '',
        templateId: b.template ?? null,
        strategyCode: b.strategy_code,
        parameters: b.parameters ?? {},
        status: b.status ?? 'draft',
        version,
        tags: b.tags ?? [],
        timeframe: b.timeframe ?? '',
        riskLevel: b.risk_level ?? '',
        expectedReturn: decimal(b.expected_return) ?? null,
        maxDrawdown: decimal(b.max_drawdown) ?? null,
        createdBy: user.id,
      }),
    );
    return this.json(row);
  }

  /** PUT (the body carries name and strategy_code) and PATCH: only the fields sent change. */
  async update(user: AuthUser, id: number, b: UpdateStrategyDto): Promise<StrategyDto> {
    const row = await this.own(user, id);
    if (b.template != null) await this.usableTemplate(user, b.template, 'template');
    const name = b.name ?? row.name;
    const version = b.version ?? row.version;
    if ((name !== row.name || version !== row.version) && (await this.repo.nameVersionTakenByOther(row.createdBy, name, version, row.id)))
      throw nameClash(name, version);
    const updated = await this.insertOrClash(name, version, () => this.strategies.update(row.id, changesOf(b)));
    // Deleted between the read and the write.
    if (!updated) throw new DomainError(ErrorCode.NotFound, 'Strategy not found', { id });
    return this.json(updated);
  }

  async delete(user: AuthUser, id: number): Promise<void> {
    const row = await this.own(user, id);
    await this.repo.deleteStrategy(row.id);
  }

  async validationHistory(user: AuthUser, id: number): Promise<StrategyValidationDto[]> {
    const row = await this.own(user, id);
    return (await this.repo.validations(row.id, HISTORY_LIMIT)).map((v) => validationJson(v, row.name));
  }

  async performanceHistory(user: AuthUser, id: number): Promise<StrategyPerformanceDto[]> {
    const row = await this.own(user, id);
    return (await this.repo.performance(row.id, HISTORY_LIMIT)).map((p) => performanceJson(p, row.name));
  }

  async validate(user: AuthUser, id: number, b: ValidateStrategyBodyDto): Promise<ValidateStrategyResultDto> {
    const row = await this.own(user, id);
    if (b.strategy_id !== undefined && b.strategy_id !== row.id) {
      throw new DomainError(ErrorCode.ValidationFailed, 'Invalid request: strategy_id', {
        strategy_id: ['must be the strategy in the path'],
      });
    }
    const requested = b.validation_types ?? [...VALIDATION_TYPES];
    const runnable = (t: string): t is ValidationType => (VALIDATION_TYPES as readonly string[]).includes(t);
    const types = requested.filter(runnable); // in the order asked
    const skipped = requested.filter((t) => !runnable(t));
    if (types.length === 0) return { strategy_id: row.id, validation_results: [], overall_result: 'skipped', skipped_types: skipped };
    const { rows, overall } = await this.validation.validate(row, {
      types,
      strictMode: b.config?.strict_mode ?? false,
      useGemini: b.config?.use_gemini ?? false,
    });
    return {
      strategy_id: row.id,
      validation_results: rows.map((v) => validationJson(v, row.name)),
      overall_result: overall,
      skipped_types: skipped,
    };
  }

  /**
   * `create_strategy/`: the strategy (status validating) on the given `template_id` (yours or a system
   * template; otherwise 404 as Django's "Template not found"), or, without one and unless skipped, with a
   * new template "Template: {name}" (uniquified, linked both ways), in one transaction; then a background
   * backtest validation sets the status to valid or invalid.
   */
  async createWithTemplate(user: AuthUser, b: CreateStrategyRequestDto): Promise<CreateStrategyResponseDto> {
    const source = b.template_id != null ? await this.givenTemplate(user, b.template_id) : null;
    if (await this.strategies.nameVersionTaken(user.id, b.name, DEFAULT_VERSION)) throw nameClash(b.name, DEFAULT_VERSION);
    const parameters = b.parameters ?? {};
    const work = async (tx: Db): Promise<{ strategy: StrategyRow; template: TemplateRow | null }> => {
      const strategy = await this.strategies.create(
        {
          name: b.name,
          description: b.description ?? '',
          templateId: source?.id ?? null,
          strategyCode: b.strategy_code,
          parameters,
          status: 'validating',
          version: DEFAULT_VERSION,
          tags: b.tags ?? [],
          timeframe: b.timeframe ?? '',
          riskLevel: b.risk_level ?? '',
          expectedReturn: decimal(b.expected_return) ?? null,
          maxDrawdown: decimal(b.max_drawdown) ?? null,
          createdBy: user.id,
        },
        {},
        tx,
      );
      if (source || b.skip_template_creation) return { strategy, template: null };
      const template = await this.templates.create(
        {
          name: `Template: ${b.name}`.slice(0, 200),
          description: b.description || `Created with strategy "${b.name}"`,
          category: AUTO_TEMPLATE_CATEGORY,
          templateCode: b.strategy_code,
          parametersSchema: parameters,
          linkedStrategyId: strategy.id,
          latestStrategyCode: b.strategy_code,
          latestParameters: parameters,
          createdBy: user.id,
        },
        { uniquify: true },
        tx,
      );
      return { strategy: await this.strategies.update(strategy.id, { templateId: template.id }, tx), template };
    };
    const created = await this.withRetryOnTemplateName(() =>
      this.insertOrClash(b.name, DEFAULT_VERSION, () => this.strategies.transaction(work)),
    );
    await this.validation.validateInBackground(created.strategy.id, user.id);
    const t = created.template;
    return {
      ...(await this.json(created.strategy)),
      auto_created_template: t ? { id: t.id, name: t.name, message: `Template "${t.name}" was created and linked to this strategy` } : null,
      validation_message: VALIDATION_MESSAGE,
    };
  }

  /** `search/`: the caller's strategies matching every given filter, newest first, 50 per page. */
  async search(user: AuthUser, b: SearchStrategiesDto): Promise<{ strategies: StrategyListEntryDto[]; count: number }> {
    const { count, results } = await this.page(
      user,
      {
        search: b.query,
        category: b.category,
        tags: b.tags,
        status: b.status,
        riskLevel: b.risk_level,
        timeframe: b.timeframe,
        createdByUsername: b.created_by,
      },
      b.page ?? 1,
    );
    return { strategies: results, count };
  }

  async categories(user: AuthUser): Promise<{ categories: string[] }> {
    return { categories: await this.templates.categories(user) };
  }

  private async page(user: AuthUser, filters: StrategyFilters, page: number): Promise<{ count: number; results: StrategyListEntryDto[] }> {
    const { count, rows } = await this.strategies.list(user, filters, PAGE_SIZE, (page - 1) * PAGE_SIZE);
    const labels = await this.repo.labels(rows);
    const latest = await this.repo.latestSummaries(rows.map((r) => r.id));
    return { count, results: rows.map((r) => ({ ...strategyListJson(r, labels.get(r.id)), ...latest.get(r.id)! })) };
  }

  private async json(row: StrategyRow): Promise<StrategyDto> {
    const labels = await this.repo.labels([row]);
    return strategyJson(row, labels.get(row.id));
  }

  /** A template the caller may use: their own or a system template; otherwise 400 naming `field`. */
  private async usableTemplate(user: AuthUser, id: number, field: string): Promise<TemplateRow> {
    const t = await this.templates.byId(id);
    if (!t || !(t.isSystemTemplate || canSee(user, t.createdBy))) {
      throw new DomainError(ErrorCode.ValidationFailed, `Invalid request: ${field}`, {
        [field]: [`Invalid pk "${id}" - object does not exist.`],
      });
    }
    return t;
  }

  /** `create_strategy/`'s `template_id`: yours or a system template; anything else is Django's 404. */
  private async givenTemplate(user: AuthUser, id: number): Promise<TemplateRow> {
    const t = await this.templates.byId(id);
    if (!t || !(t.isSystemTemplate || canSee(user, t.createdBy))) throw new DomainError(ErrorCode.NotFound, 'Template not found', { id });
    return t;
  }

  /** Two requests may pick the same free template name at once; the loser's transaction is run again. */
  private async withRetryOnTemplateName<T>(run: () => Promise<T>, attempts = 3): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (e) {
        if (attempt >= attempts || !isUniqueViolation(e) || constraintOf(e) !== 'strategy_templates_name_key') throw e;
      }
    }
  }

  /** Runs `write`; the (name, version) unique index firing (a race past the pre-check) becomes the 400. */
  private async insertOrClash<T>(name: string, version: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (e) {
      if (isUniqueViolation(e) && constraintOf(e) !== 'strategy_templates_name_key') throw nameClash(name, version);
      throw e;
    }
  }
}
