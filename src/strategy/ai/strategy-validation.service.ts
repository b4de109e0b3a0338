import { Injectable } from '@nestjs/common';
import { AuthUser } from '../../auth/current-user.decorator';
import { DomainError, ErrorCode } from '../../common/domain-error';
import { ChatSessionRow } from '../../conversation/chat-sessions.repository';
import { GeminiClientService } from '../../gemini/gemini-client.service';
import { GenerateRequest, Turn } from '../../gemini/gemini.types';
import {
  CanonicalStrategy,
  canonicalOf,
  formatValidationMarkdown,
  Problem,
  validateAnswer,
  VALIDATION_RESPONSE_SCHEMA,
  ValidationAnswer,
} from './canonical-strategy';
import { ValidateStrategyDto, ValidateStrategyResponseDto, ValidationResultDto } from './strategy-ai.dto';
import { detectInputType, inputHint, ResolvedInputType } from './strategy-input';
import { UrlFetcher } from './url-fetcher';
import { InsightInput, insightsOf } from './validation-insights';
import { Clock } from '../../common/clock';
import { ValidationConversation } from './validation-conversation';
import { AiCaller, callOptions } from '../../gemini/ai-caller';

export const VALIDATION_TEMPERATURE = 0.2;
/** Page text sent to Gemini for `input_type: url`. */
export const MAX_PAGE_CHARS = 20000;
const MAX_BAD_OUTPUT_CHARS = 20000;

export const VALIDATION_SYSTEM_PROMPT = [
  "You are an expert trading strategy analyst. You turn a trader's description of a trading strategy into a",
  'precise, structured strategy and answer ONLY with JSON that matches the response schema.',
  '',
  'Rules:',
  '- If the text does not describe a trading strategy (when to buy or sell a tradable instrument), set',
  '  is_strategy=false and explain why in reasons; leave the other strategy fields out.',
  '- Otherwise set is_strategy=true and fill every field: title, description, classification (type,',
  '  risk_tier, primary_instruments), entry_rules and exit_rules (at least one each, one rule per item, with',
  '  a formula in condition when possible), risk_management (stop_loss, take_profit, position_sizing, null',
  '  when not given), indicators (name and params), metadata (timeframe, e.g. "1d"; expected_return and',
  '  max_drawdown in percent only when the text states them).',
  '- Never invent numbers the text does not give; state each assumption, ambiguity, missing piece or risky',
  '  choice in warnings.',
  '- confidence: "high" when the rules are unambiguous, "medium" when you had to assume things, "low" when',
  '  the text is vague.',
].join('\n');

export interface ValidationOutcome {
  result: ValidationResultDto;
  canonical: CanonicalStrategy | null;
  session: ChatSessionRow;
  messageCount: number;
  contextUsed: boolean;
}

/** Gemini output → parsed JSON and its problems (a ```json fence is tolerated). */
export function parseAnswer(text: string): { answer: unknown; problems: Problem[] } {
  const unfenced = text.trim().replace(/^```(?:json)?\s*([\s\S]*?)\s*```$/i, '$1');
  let answer: unknown;
  try {
    answer = JSON.parse(unfenced);
  } catch (e) {
    return { answer: undefined, problems: [{ path: '$', message: `not valid JSON (${(e as Error).message.slice(0, 200)})` }] };
  }
  return { answer, problems: validateAnswer(answer) };
}

/** The validator's result dict, built from a valid answer. */
export function resultOf(
  answer: ValidationAnswer,
  inputType: ResolvedInputType,
  strict: boolean,
  source: Omit<InsightInput, 'inputType'>,
): { result: ValidationResultDto; canonical: CanonicalStrategy | null } {
  if (!answer.is_strategy) {
    const reasons = answer.reasons ?? [];
    const insights = insightsOf(null, { ...source, inputType });
    return {
      canonical: null,
      result: {
        ...insights,
        metadata: { ...insights.metadata, confidence: answer.confidence ?? 'low' },
        status: 'invalid',
        message: 'The text does not describe a trading strategy',
        details: reasons.join('; '),
        classification: null,
        classification_detail: null,
        confidence: answer.confidence ?? 'low',
        warnings: answer.warnings ?? [],
        canonical_json: null,
        formatted_response: ['## Not a trading strategy', '', ...reasons.map((r) => `- ${r}`)].join('\n'),
        input_type: inputType,
        reasons,
      },
    };
  }
  const c = canonicalOf(answer);
  const rejected = strict && c.warnings.length > 0;
  const summary =
    `Type ${c.classification.type}, risk ${c.classification.risk_tier}, ${c.entry_rules.length} entry rule(s), ` +
    `${c.exit_rules.length} exit rule(s), ${c.indicators.length} indicator(s), timeframe ${c.metadata.timeframe}.`;
  return {
    canonical: c,
    result: {
      ...insightsOf(c, { ...source, inputType }),
      status: rejected ? 'error' : 'success',
      message: rejected ? `Strict mode: the strategy has ${c.warnings.length} warning(s)` : `Strategy validated: ${c.title}`,
      details: rejected ? c.warnings.join('; ') : summary,
      classification: c.classification.type,
      classification_detail: { ...c.classification },
      confidence: c.confidence,
      warnings: c.warnings,
      canonical_json: JSON.stringify(c),
      formatted_response: formatValidationMarkdown(c),
      input_type: inputType,
      reasons: [],
    },
  };
}

/**
 * `validate_strategy_with_ai`: the text (or the page behind a URL) → Gemini with a JSON response schema →
 * checked here; one repair round when the answer is malformed, then 502. Recorded in the conversation.
 */
@Injectable()
export class StrategyValidationService {
  constructor(
    private readonly gemini: GeminiClientService,
    private readonly fetcher: UrlFetcher,
    private readonly conversation: ValidationConversation,
    private readonly clock: Clock,
  ) {}

  async validate(user: AuthUser, caller: AiCaller, dto: ValidateStrategyDto): Promise<ValidateStrategyResponseDto> {
    const o = await this.run(user, caller, dto);
    return { ...o.result, session_id: o.session.sessionId, message_count: o.messageCount, context_used: o.contextUsed };
  }

  /**
   * The whole validation: checks that need no Gemini first (session ownership, use_gemini, the URL), then
   * the conversation record, the Gemini call(s), the result record. Gemini errors propagate unchanged.
   */
  async run(user: AuthUser, caller: AiCaller, dto: ValidateStrategyDto, strategyId: number | null = null): Promise<ValidationOutcome> {
    if (dto.use_gemini === false) {
      throw new DomainError(ErrorCode.ValidationFailed, 'use_gemini=false is not supported: validation needs Gemini', {
        use_gemini: ['must be true'],
      });
    }
    const existing = await this.conversation.existing(user, dto.session_id);
    const inputType = detectInputType(dto.strategy_text, dto.input_type ?? 'auto');
    const strategyText = inputType === 'url' ? await this.pageText(dto.strategy_text) : dto.strategy_text.trim();
    if (!strategyText)
      throw new DomainError(ErrorCode.ValidationFailed, 'Invalid request: strategy_text', {
        strategy_text: ['strategy_text must not be blank'],
      });

    const useContext = dto.use_context ?? true;
    const session = await this.conversation.open(user, existing, dto.strategy_text, strategyId);
    const context = useContext && existing ? await this.conversation.context(session) : '';
    await this.conversation.recordRequest(session, dto.strategy_text, { input_type: inputType, use_context: useContext });

    const { answer, calls, report } = await this.ask(caller, this.prompt(strategyText, inputType, context));
    const { result, canonical } = resultOf(answer, inputType, dto.strict_mode ?? false, {
      text: dto.strategy_text,
      username: user.username,
      now: new Date(this.clock.now()),
    });
    const messageCount = await this.conversation.recordResult(session, result.status, result.classification, {
      confidence: result.confidence,
      has_custom_format: true,
      full_result: result,
      gemini_calls: calls,
      key_id: report.keyId,
      model: report.model,
    });
    return { result, canonical, session, messageCount, contextUsed: context !== '' };
  }

  private async pageText(raw: string): Promise<string> {
    const page = await this.fetcher.fetchText(raw);
    return `Source: ${raw.trim()}\n\n${page.text.slice(0, MAX_PAGE_CHARS)}`;
  }

  private prompt(text: string, type: ResolvedInputType, context: string): string {
    const parts = [];
    if (context) parts.push(`EARLIER CONVERSATION (context only):\n${context}`, '');
    parts.push(`INPUT TYPE: ${type}. ${inputHint(type)}`, '', 'STRATEGY TEXT:', '<<<', text, '>>>');
    return parts.join('\n');
  }

  private request(contents: Turn[]): GenerateRequest {
    return {
      system: VALIDATION_SYSTEM_PROMPT,
      contents,
      settings: { temperature: VALIDATION_TEMPERATURE, responseMimeType: 'application/json', responseSchema: VALIDATION_RESPONSE_SCHEMA },
    };
  }

  /** One call, and one repair call with the bad output and its problems when the answer is malformed. */
  private async ask(
    caller: AiCaller,
    prompt: string,
  ): Promise<{ answer: ValidationAnswer; calls: number; report: { keyId: string; model: string } }> {
    const first = await this.gemini.generate(callOptions(caller), this.request([{ role: 'user', text: prompt }]));
    const parsed = parseAnswer(first.text);
    if (parsed.problems.length === 0) return { answer: parsed.answer as ValidationAnswer, calls: 1, report: first };
    const repair =
      'Your previous answer is not a valid strategy JSON. Problems:\n' +
      parsed.problems
        .slice(0, 30)
        .map((p) => `- ${p.path}: ${p.message}`)
        .join('\n') +
      '\n\nAnswer again with the corrected JSON only, matching the response schema.';
    const second = await this.gemini.generate(
      callOptions(caller),
      this.request([
        { role: 'user', text: prompt },
        { role: 'model', text: first.text.slice(0, MAX_BAD_OUTPUT_CHARS) || '(empty answer)' },
        { role: 'user', text: repair },
      ]),
    );
    const again = parseAnswer(second.text);
    if (again.problems.length > 0) {
      throw new DomainError(ErrorCode.UpstreamFailed, 'Gemini returned an invalid strategy twice', {
        problems: again.problems.slice(0, 50),
      });
    }
    return { answer: again.answer as ValidationAnswer, calls: 2, report: second };
  }
}
