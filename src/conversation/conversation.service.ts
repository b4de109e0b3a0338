import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuthUser } from '../auth/current-user.decorator';
import { DomainError, ErrorCode } from '../common/domain-error';
import { GeminiClientService } from '../gemini/gemini-client.service';
import { CallReport, GenerateRequest, Turn, Usage } from '../gemini/gemini.types';
import { ChatMessageRow, ChatSessionsRepository, ChatSessionRow, NewSession, SessionChanges } from './chat-sessions.repository';
import {
  ChatListQueryDto,
  ChatMessageDto,
  ChatRequestDto,
  ChatResponseDto,
  ChatSessionDto,
  ChatSessionPageDto,
  SummaryResponseDto,
} from './conversation.dto';
import { PAGE_SIZE, pageOf } from '../common/page';
import { canSee } from '../auth/ownership';
import { AiCaller, callOptions } from '../gemini/ai-caller';

/** Messages sent to Gemini as context (ConversationManager's window in the Django service). */
export const CONTEXT_WINDOW = 20;

const SYSTEM_PROMPT =
  'You are an expert trading strategy assistant. You help traders design, understand, test and improve ' +
  'algorithmic trading strategies: indicators, entry and exit rules, position sizing, risk management and ' +
  'backtesting. Be conversational, precise and practical; say when something is risky or uncertain, and ' +
  'never promise returns.';

/** Joined-in data of a page of sessions (see `extrasOf`). */
export interface SessionExtras {
  messages: Map<string, ChatMessageRow[]>;
  usernames: Map<number, string>;
  contexts: Map<number, { userId: number; sessionName: string }>;
  strategyNames: Map<number, string>;
}

/** A chat turn ready to send: the session, the stored user message, and the request for Gemini. */
export interface PreparedChat {
  session: ChatSessionRow;
  userMessage: ChatMessageRow;
  contextUsed: boolean;
  request: GenerateRequest;
}

export function newSessionId(): string {
  return `chat_${randomBytes(8).toString('hex')}`;
}

export function toSessionDto(s: ChatSessionRow): ChatSessionDto {
  return {
    id: s.id,
    session_id: s.sessionId,
    user: s.userId,
    title: s.title,
    strategy: s.strategyId,
    is_active: s.isActive,
    context_summary: s.summary,
    message_count: s.messageCount,
    model_name: s.modelName,
    temperature: s.temperature,
    max_tokens: s.maxTokens,
    created_at: s.createdAt.toISOString(),
    updated_at: s.updatedAt.toISOString(),
  };
}

export function toMessageDto(m: ChatMessageRow): ChatMessageDto {
  return {
    id: m.id,
    session_id: m.sessionId,
    role: m.role,
    content: m.content,
    metadata: m.metadata,
    tokens_used: m.tokensUsed,
    created_at: m.createdAt.toISOString(),
  };
}

/** Stored messages → Gemini turns (system notes are not turns; they are left out). */
export function toTurns(rows: ChatMessageRow[]): Turn[] {
  return rows
    .filter((m) => m.role === 'user' || m.role === 'assistant')
    .map((m) => ({ role: m.role === 'user' ? 'user' : 'model', text: m.content }));
}

/**
 * Persistent AI chat (Django's ConversationManager + GeminiStrategyIntegrator.chat): sessions owned by one
 * user (staff see all), messages stored as they happen, Gemini called with the recent history as turns.
 */
@Injectable()
export class ConversationService {
  constructor(
    private readonly repo: ChatSessionsRepository,
    private readonly gemini: GeminiClientService,
  ) {}

  async list(user: AuthUser, q: ChatListQueryDto): Promise<ChatSessionPageDto> {
    const page = Number(q.page ?? '1');
    const own = !user.isStaff || q.my_sessions !== 'false';
    const { count, rows } = await this.repo.list(
      {
        userId: own ? user.id : undefined,
        isActive: q.is_active === undefined ? undefined : q.is_active === 'true',
        strategyId: q.strategy_id === undefined ? undefined : Number(q.strategy_id),
      },
      PAGE_SIZE,
      (page - 1) * PAGE_SIZE,
    );
    return pageOf(count, page, PAGE_SIZE, rows.map(toSessionDto));
  }

  /** The caller's session; someone else's is "not found", exactly like a missing one. */
  async session(user: AuthUser, sessionId: string): Promise<ChatSessionRow> {
    const row = await this.repo.bySessionId(sessionId);
    if (!row || (!user.isStaff && row.userId !== user.id)) {
      throw new DomainError(ErrorCode.NotFound, 'Not found', 'No chat session with that session_id belongs to you');
    }
    return row;
  }

  async createSession(
    user: AuthUser,
    title: string,
    strategyId: number | null,
    extra: Omit<NewSession, 'sessionId' | 'userId' | 'title' | 'strategyId'> = {},
  ): Promise<ChatSessionRow> {
    // eslint-disable-next-line no-restricted-syntax -- row timestamp, not a decision
    return this.repo.create({ ...extra, sessionId: newSessionId(), userId: user.id, title: title.slice(0, 200), strategyId }, new Date());
  }

  addUserMessage(s: ChatSessionRow, content: string, metadata: Record<string, unknown> = {}): Promise<ChatMessageRow> {
    // eslint-disable-next-line no-restricted-syntax -- row timestamp, not a decision
    return this.repo.addMessage(s.sessionId, 'user', content, metadata, null, new Date());
  }

  addAssistantMessage(
    s: ChatSessionRow,
    content: string,
    metadata: Record<string, unknown> = {},
    tokensUsed: number | null = null,
  ): Promise<ChatMessageRow> {
    // eslint-disable-next-line no-restricted-syntax -- row timestamp, not a decision
    return this.repo.addMessage(s.sessionId, 'assistant', content, metadata, tokensUsed, new Date());
  }

  addSystemMessage(s: ChatSessionRow, content: string, metadata: Record<string, unknown> = {}): Promise<ChatMessageRow> {
    // eslint-disable-next-line no-restricted-syntax -- row timestamp, not a decision
    return this.repo.addMessage(s.sessionId, 'system', content, metadata, null, new Date());
  }

  async history(user: AuthUser, sessionId: string): Promise<ChatMessageDto[]> {
    const s = await this.session(user, sessionId);
    return (await this.repo.messages(s.sessionId)).map(toMessageDto);
  }

  /** The last `n` messages as Gemini turns. */
  async contextWindow(s: ChatSessionRow, n = CONTEXT_WINDOW): Promise<Turn[]> {
    return toTurns(await this.repo.lastMessages(s.sessionId, n));
  }

  /**
   * Finds or creates the session, stores the user message FIRST (it stays even if Gemini then fails), and
   * builds the request: recent history + the new user turn, the system prompt, the session's settings.
   */
  async prepareChat(
    user: AuthUser,
    dto: ChatRequestDto,
    title?: string,
    instructions?: string,
    aiContextId?: number,
  ): Promise<PreparedChat> {
    let session = dto.session_id
      ? await this.session(user, dto.session_id)
      : await this.createSession(
          user,
          title ?? (dto.message.replace(/\s+/g, ' ').trim().slice(0, 60) || 'New chat'),
          dto.strategy_id ?? null,
          { aiContextId: aiContextId ?? null },
        );
    if (dto.session_id && dto.strategy_id !== undefined && dto.strategy_id !== session.strategyId) {
      // eslint-disable-next-line no-restricted-syntax -- row timestamp, not a decision
      session = await this.repo.update(session.sessionId, { strategyId: dto.strategy_id }, new Date());
    }
    if (dto.session_id && aiContextId !== undefined && aiContextId !== session.aiContextId) {
      // eslint-disable-next-line no-restricted-syntax -- row timestamp, not a decision
      session = await this.repo.update(session.sessionId, { aiContextId }, new Date());
    }
    const contextUsed = dto.use_context ?? true;
    const history = contextUsed ? await this.contextWindow(session) : [];
    const userMessage = await this.addUserMessage(session, dto.message, { action: 'chat' });
    const base =
      session.strategyId != null
        ? `${SYSTEM_PROMPT}\n\nLINKED STRATEGY: this conversation is about strategy #${session.strategyId}.`
        : SYSTEM_PROMPT;
    const system = instructions ? `USER INSTRUCTIONS (AI context):\n${instructions}\n\n${base}` : base;
    return {
      session,
      userMessage,
      contextUsed,
      request: {
        contents: [...history, { role: 'user', text: dto.message }],
        system,
        settings: { temperature: session.temperature, maxOutputTokens: session.maxTokens },
      },
    };
  }

  /** Stores a completed reply with how it was produced. */
  async storeReply(p: PreparedChat, text: string, report: CallReport, usage: Usage | null): Promise<ChatMessageRow> {
    const metadata = {
      action: 'chat',
      key_id: report.keyId,
      model: report.model,
      attempts: report.attempts,
      usage: usage
        ? { prompt_tokens: usage.promptTokens, candidates_tokens: usage.candidatesTokens, total_tokens: usage.totalTokens }
        : null,
      reply_to: p.userMessage.id,
    };
    return this.addAssistantMessage(p.session, text, metadata, usage?.totalTokens ?? null);
  }

  /** One chat turn. Gemini errors (429 with Retry-After, 502, 503) propagate unchanged. */
  async chat(
    user: AuthUser,
    caller: AiCaller,
    dto: ChatRequestDto,
    title?: string,
    instructions?: string,
    aiContextId?: number,
  ): Promise<ChatResponseDto & { title: string }> {
    const p = await this.prepareChat(user, dto, title, instructions, aiContextId);
    const history = p.request.contents.slice(0, -1);
    const r = await this.gemini.chat(callOptions(caller, { model: p.session.modelName }), history, dto.message, {
      system: p.request.system,
      settings: p.request.settings,
    });
    const reply = await this.storeReply(p, r.text, r, r.usage);
    const session = await this.session(user, p.session.sessionId);
    return {
      session_id: session.sessionId,
      title: session.title,
      message: r.text,
      ai_response: r.text,
      message_count: session.messageCount,
      context_used: p.contextUsed,
      message_id: reply.id,
      user_message_id: p.userMessage.id,
      model: r.model,
      key_id: r.keyId,
      attempts: r.attempts,
      tokens_used: reply.tokensUsed,
    };
  }

  /** Asks Gemini for a summary of the transcript and keeps it on the session. */
  async summarize(user: AuthUser, caller: AiCaller, sessionId: string): Promise<SummaryResponseDto> {
    const s = await this.session(user, sessionId);
    const rows = await this.repo.messages(s.sessionId);
    if (rows.length === 0) return { session_id: s.sessionId, summary: 'No conversation to summarize yet.', message_count: 0 };
    const transcript = rows.map((m) => `${m.role.toUpperCase()}: ${m.content}`).join('\n\n');
    const prompt =
      'Summarize the following conversation between a trader and a trading strategy assistant in a short ' +
      'paragraph: the goals, the strategies discussed, decisions made and open questions.\n\nCONVERSATION:\n' +
      transcript;
    const r = await this.gemini.generate(callOptions(caller, { model: s.modelName }), {
      contents: [{ role: 'user', text: prompt }],
      settings: { temperature: 0.3, maxOutputTokens: 1024 },
    });
    // eslint-disable-next-line no-restricted-syntax -- row timestamp, not a decision
    const updated = await this.repo.update(s.sessionId, { summary: r.text }, new Date());
    return { session_id: updated.sessionId, summary: r.text, message_count: updated.messageCount };
  }

  async clear(user: AuthUser, sessionId: string): Promise<{ success: boolean; message: string; session_id: string }> {
    const s = await this.session(user, sessionId);
    // eslint-disable-next-line no-restricted-syntax -- row timestamp, not a decision
    await this.repo.clear(s.sessionId, new Date());
    return { success: true, message: 'Conversation cleared', session_id: s.sessionId };
  }

  /** A session by its numeric id (the `/api/auth/chat-sessions/` routes); someone else's is "not found". */
  async sessionById(user: AuthUser, id: number): Promise<ChatSessionRow> {
    const row = await this.repo.byId(id);
    if (!row || (!user.isStaff && row.userId !== user.id))
      throw new DomainError(ErrorCode.NotFound, 'Not found', 'No chat session with that id belongs to you');
    return row;
  }

  async updateSession(s: ChatSessionRow, changes: SessionChanges): Promise<ChatSessionRow> {
    // eslint-disable-next-line no-restricted-syntax -- row timestamp, not a decision
    return this.repo.update(s.sessionId, changes, new Date());
  }

  deleteSession(s: ChatSessionRow): Promise<void> {
    return this.repo.delete(s.sessionId);
  }

  messagesOf(s: ChatSessionRow): Promise<ChatMessageRow[]> {
    return this.repo.messages(s.sessionId);
  }

  /** Sessions of one owner (`undefined`: all, for staff), newest first. */
  listRows(userId: number | undefined, page: number): Promise<{ count: number; rows: ChatSessionRow[] }> {
    return this.repo.list({ userId }, PAGE_SIZE, (page - 1) * PAGE_SIZE);
  }

  usernames(userIds: number[]): Promise<Map<number, string>> {
    return this.repo.usernames(userIds);
  }

  /** What the session serializers show besides the row: messages, usernames, AI context and strategy names. */
  async extrasOf(rows: ChatSessionRow[]): Promise<SessionExtras> {
    const ids = <T>(xs: (T | null)[]) => [...new Set(xs.filter((x): x is T => x != null))];
    const [messages, usernames, contexts, strategyNames] = await Promise.all([
      this.repo.messagesOf(rows.map((r) => r.sessionId)),
      this.repo.usernames(ids(rows.map((r) => r.userId))),
      this.repo.contexts(ids(rows.map((r) => r.aiContextId))),
      this.repo.strategyNames(ids(rows.map((r) => r.strategyId))),
    ]);
    return { messages, usernames, contexts, strategyNames };
  }

  /** The caller's own AI context (any state) for a session's `ai_context`; 400 naming the field otherwise. */
  async ownContext(user: AuthUser, id: number, field: string): Promise<number> {
    const ctx = (await this.repo.contexts([id])).get(id);
    if (!ctx || ctx.userId !== user.id) {
      throw new DomainError(ErrorCode.ValidationFailed, `Invalid request: ${field}`, {
        [field]: [`Invalid pk "${id}" - object does not exist.`],
      });
    }
    return id;
  }

  /** A strategy the caller may link a session to (theirs; staff any); 400 naming the field otherwise. */
  async linkableStrategy(user: AuthUser, id: number, field: string): Promise<number> {
    const s = await this.repo.strategyOwner(id);
    if (!s || !canSee(user, s.createdBy)) {
      throw new DomainError(ErrorCode.ValidationFailed, `Invalid request: ${field}`, {
        [field]: [`Invalid pk "${id}" - object does not exist.`],
      });
    }
    return id;
  }

  async deactivate(user: AuthUser, sessionId: string): Promise<ChatSessionDto> {
    const s = await this.session(user, sessionId);
    // eslint-disable-next-line no-restricted-syntax -- row timestamp, not a decision
    return toSessionDto(await this.repo.update(s.sessionId, { isActive: false }, new Date()));
  }
}
