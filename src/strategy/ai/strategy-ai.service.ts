import { Injectable } from '@nestjs/common';
import { AuthUser } from '../../auth/current-user.decorator';
import { DomainError, ErrorCode } from '../../common/domain-error';
import { isUniqueViolation } from '../../database/database';
import { StrategiesRepository, StrategyRow } from '../strategies.repository';
import { canSee, visibleOr404 } from '../../auth/ownership';
import { strategyJson } from '../strategy.serializer';
import { TemplatesRepository } from '../templates.repository';
import { CanonicalStrategy, decimalOrNull } from './canonical-strategy';
import {
  CreateStrategyWithAiDto,
  CreateStrategyWithAiResponseDto,
  UpdateStrategyWithAiDto,
  UpdateStrategyWithAiResponseDto,
  ValidationResultDto,
} from './strategy-ai.dto';
import { StrategyValidationService, ValidationOutcome } from './strategy-validation.service';
import { ValidationConversation } from './validation-conversation';
import type { AiCaller } from '../../gemini/ai-caller';

export const DEFAULT_STRATEGY_NAME = 'AI Generated Strategy';
export const CHAT_HISTORY_LIMIT = 50;
const INSERT_ATTEMPTS = 3;

/** The fixed hints of a failed create (the Django view sent four). */
export const VALIDATION_SUGGESTIONS = [
  'Describe when to enter a trade: the instrument, the indicator or price condition, and its parameters',
  'Describe when to exit: a sell signal, a stop loss and/or a take profit',
  'Add risk management: position size per trade and the maximum loss you accept',
  'Name the timeframe (e.g. daily or 4-hour bars) and the market you trade',
];

/**
 * A create/update whose validation did not succeed: a 400 with the Django view's top-level keys
 * (`message`, `validation_result`, `session_id`, `suggestions`) next to `error`/`details`.
 */
export class ValidationRejectedError extends DomainError {
  constructor(
    readonly body: {
      error: string;
      message?: string;
      details?: string;
      validation_result: ValidationResultDto;
      session_id: string;
      suggestions?: string[];
    },
  ) {
    const { error, details, ...extra } = body;
    super(ErrorCode.ValidationFailed, error, details ?? body.message, undefined, extra);
  }
}

/** Strategy fields from a canonical strategy (create and update share them). */
function fieldsOf(c: CanonicalStrategy, code: string) {
  return {
    strategyCode: code,
    parameters: c.metadata as Record<string, unknown>,
    timeframe: String(c.metadata.timeframe ?? '').slice(0, 20),
    riskLevel: String(c.classification.risk_tier ?? '').slice(0, 20),
    expectedReturn: decimalOrNull(c.metadata.expected_return),
    maxDrawdown: decimalOrNull(c.metadata.max_drawdown),
  };
}

/** `create_strategy_with_ai` and `update_strategy_with_ai`: validate with Gemini first, then save in one transaction. */
@Injectable()
export class StrategyAiService {
  constructor(
    private readonly validation: StrategyValidationService,
    private readonly strategies: StrategiesRepository,
    private readonly templates: TemplatesRepository,
    private readonly conversation: ValidationConversation,
  ) {}

  async create(user: AuthUser, caller: AiCaller, dto: CreateStrategyWithAiDto): Promise<CreateStrategyWithAiResponseDto> {
    if (dto.template_id !== undefined) {
      const t = await this.templates.byId(dto.template_id);
      if (!t || !(t.isSystemTemplate || canSee(user, t.createdBy)))
        throw new DomainError(ErrorCode.NotFound, 'Template not found', { id: dto.template_id });
    }
    // Gemini (and its 429s) happen before anything is written to the strategy tables.
    const o = await this.validation.run(user, caller, dto);
    const c = this.acceptedOrThrow(o, true);
    const code = o.result.canonical_json!;
    const name = (dto.name?.trim() || c.title || DEFAULT_STRATEGY_NAME).slice(0, 190);
    const { strategy, template } = await this.insertWithRetry(async () =>
      this.strategies.transaction(async (tx) => {
        let s = await this.strategies.create(
          {
            name,
            description: dto.description ?? c.description,
            templateId: dto.template_id ?? null,
            ...fieldsOf(c, code),
            status: 'valid',
            tags: dto.tags ?? c.classification.primary_instruments,
            createdBy: user.id,
            // eslint-disable-next-line no-restricted-syntax -- row timestamp, not a decision
            lastValidated: new Date(),
          },
          { bumpVersionOnClash: true },
          tx,
        );
        if (dto.template_id !== undefined) return { strategy: s, template: null };
        const t = await this.templates.create(
          {
            name: `Template: ${s.name}`.slice(0, 200),
            description: s.description,
            category: (c.classification.type || 'custom').slice(0, 100),
            templateCode: code,
            parametersSchema: {},
            linkedStrategyId: s.id,
            latestStrategyCode: code,
            latestParameters: c.metadata,
            chatHistory: [],
            createdBy: user.id,
          },
          { uniquify: true },
          tx,
        );
        s = await this.strategies.update(s.id, { templateId: t.id }, tx);
        return { strategy: s, template: t };
      }),
    );
    await this.conversation.linkStrategy(o.session.sessionId, strategy.id);
    return {
      strategy: strategyJson(strategy, { createdByUsername: user.username, templateName: template?.name ?? null }),
      ai_validation: o.result,
      success: true,
      session_id: o.session.sessionId,
      message_count: o.messageCount,
      ...(template
        ? {
            auto_created_template: {
              id: template.id,
              name: template.name,
              message: `Template "${template.name}" created and linked to the strategy`,
            },
          }
        : {}),
    };
  }

  async update(user: AuthUser, caller: AiCaller, id: number, dto: UpdateStrategyWithAiDto): Promise<UpdateStrategyWithAiResponseDto> {
    const before = visibleOr404(user, await this.strategies.byId(id), 'Strategy', id);
    const o = await this.validation.run(user, caller, dto, before.id);
    const c = this.acceptedOrThrow(o, false);
    const code = o.result.canonical_json!;
    const strategy = await this.strategies.transaction(async (tx) => {
      const s = await this.strategies.update(
        id,
        {
          ...fieldsOf(c, code),
          ...(dto.update_description === true ? { description: c.description } : {}),
          status: 'valid',
          // eslint-disable-next-line no-restricted-syntax -- row timestamp, not a decision
          lastValidated: new Date(),
        },
        tx,
      );
      const t = s.templateId != null ? await this.templates.byId(s.templateId, tx) : null;
      if (t && t.linkedStrategyId === s.id) {
        const entry = {
          // eslint-disable-next-line no-restricted-syntax -- recorded timestamp, not a decision
          timestamp: new Date().toISOString(),
          message: typeof dto.update_description === 'string' ? dto.update_description : dto.strategy_text.slice(0, 500),
          user: user.username,
          confidence: c.confidence,
          warnings: c.warnings,
        };
        await this.templates.update(
          t.id,
          {
            chatHistory: [...(t.chatHistory ?? []), entry].slice(-CHAT_HISTORY_LIMIT),
            latestStrategyCode: code,
            latestParameters: c.metadata,
          },
          tx,
        );
      }
      return s;
    });
    await this.conversation.linkStrategy(o.session.sessionId, strategy.id);
    return {
      strategy: strategyJson(strategy, { createdByUsername: user.id === strategy.createdBy ? user.username : null }),
      ai_validation: o.result,
      success: true,
      message: 'Strategy updated with AI validation',
      session_id: o.session.sessionId,
      message_count: o.messageCount,
    };
  }

  private acceptedOrThrow(o: ValidationOutcome, creating: boolean): CanonicalStrategy {
    if (o.result.status === 'success' && o.canonical) return o.canonical;
    const body = creating
      ? {
          error: 'Strategy validation failed',
          message: o.result.message,
          details: o.result.details,
          validation_result: o.result,
          session_id: o.session.sessionId,
          suggestions: VALIDATION_SUGGESTIONS,
        }
      : {
          error: 'Strategy validation failed',
          message: o.result.message,
          details: o.result.details,
          validation_result: o.result,
          session_id: o.session.sessionId,
        };
    throw new ValidationRejectedError(body);
  }

  /** A concurrent create can take the same name between the check and the insert: try again. */
  private async insertWithRetry<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (e) {
        if (attempt >= INSERT_ATTEMPTS || !isUniqueViolation(e)) throw e;
      }
    }
  }
}

export type { StrategyRow };
