import { Injectable } from '@nestjs/common';
import { AuthUser } from '../../auth/current-user.decorator';
import { ChatSessionRow, ChatSessionsRepository } from '../../conversation/chat-sessions.repository';
import { ConversationService } from '../../conversation/conversation.service';

/** Messages of the session sent to Gemini as context when `use_context`. */
export const VALIDATION_CONTEXT_WINDOW = 10;
const CONTEXT_MESSAGE_CHARS = 1000;

/**
 * The conversation a validation is recorded in (Django's ConversationManager as the validator used it):
 * the caller's session or a new one, the "Validate strategy: …" user message, the "Validation …" AI
 * message, and the link to the strategy it produced.
 */
@Injectable()
export class ValidationConversation {
  constructor(
    private readonly conversations: ConversationService,
    private readonly sessions: ChatSessionsRepository,
  ) {}

  /** The caller's session (404 when missing or someone else's), or null when none was named. */
  existing(user: AuthUser, sessionId: string | undefined): Promise<ChatSessionRow | null> {
    return sessionId ? this.conversations.session(user, sessionId) : Promise.resolve(null);
  }

  open(user: AuthUser, existing: ChatSessionRow | null, text: string, strategyId: number | null = null): Promise<ChatSessionRow> {
    if (existing) return Promise.resolve(existing);
    const title = `Strategy validation: ${text.replace(/\s+/g, ' ').trim().slice(0, 60)}`;
    return this.conversations.createSession(user, title, strategyId);
  }

  /** Earlier messages as a transcript (empty when the session has none). */
  async context(s: ChatSessionRow): Promise<string> {
    const turns = await this.conversations.contextWindow(s, VALIDATION_CONTEXT_WINDOW);
    return turns.map((t) => `${t.role === 'user' ? 'USER' : 'ASSISTANT'}: ${t.text.slice(0, CONTEXT_MESSAGE_CHARS)}`).join('\n');
  }

  async recordRequest(s: ChatSessionRow, text: string, metadata: Record<string, unknown>): Promise<void> {
    await this.conversations.addUserMessage(s, `Validate strategy: ${text.slice(0, 200)}...`, { action: 'validate_strategy', ...metadata });
  }

  async recordResult(s: ChatSessionRow, status: string, classification: string | null, metadata: Record<string, unknown>): Promise<number> {
    await this.conversations.addAssistantMessage(s, `Validation ${status}: ${classification ?? 'unclassified'}`, {
      action: 'validation_result',
      status,
      ...metadata,
    });
    return (await this.sessions.bySessionId(s.sessionId))?.messageCount ?? 0;
  }

  /** Links the session to the strategy and lists it in the session's `generated_strategies`. */
  async linkStrategy(sessionId: string, strategyId: number): Promise<void> {
    // eslint-disable-next-line no-restricted-syntax -- row timestamp, not a decision
    await this.sessions.addGeneratedStrategy(sessionId, strategyId, new Date());
  }
}
