import { AuthModule } from '../../src/auth/auth.module';
import type { AuthUser } from '../../src/auth/current-user.decorator';
import { ErrorCode } from '../../src/common/domain-error';
import { ChatSessionsRepository } from '../../src/conversation/chat-sessions.repository';
import { ConversationModule } from '../../src/conversation/conversation.module';
import { CONTEXT_WINDOW, ConversationService } from '../../src/conversation/conversation.service';
import type { AiCaller } from '../../src/gemini/ai-caller';
import { UsageModule } from '../../src/usage/usage.module';
import { createMediumContext, domainError, failures, MediumContext, mediumUser, secretOf } from '../support/medium';

describe(`${ConversationService.name} (medium)`, () => {
  let ctx: MediumContext;
  let conversations: ConversationService;
  let sessions: ChatSessionsRepository;
  let alice: AuthUser;
  let bob: AuthUser;

  const callerOf = (u: AuthUser): AiCaller => ({ key: `user:${u.id}` });

  const user = (username: string, isStaff = false): Promise<AuthUser> => mediumUser(ctx, username, isStaff);

  beforeEach(async () => {
    ctx = await createMediumContext({
      imports: [AuthModule, UsageModule, ConversationModule],
      keys: [{ id: 'a' }],
      env: { AI_USER_RPM: '0', AI_USER_RPD: '0' },
    });
    conversations = ctx.get(ConversationService);
    sessions = ctx.get(ChatSessionsRepository);
    alice = await user('alice');
    bob = await user('bob');
  });
  afterEach(async () => ctx?.close());

  describe('a chat turn', () => {
    it('creates a session and stores the user message and the reply with how it was produced', async () => {
      ctx.transport.script(secretOf('a'), { text: 'Use a 50/200 SMA crossover.', promptTokens: 11 });
      const r = await conversations.chat(alice, callerOf(alice), { message: '  Suggest   a trend strategy  ' });
      expect(r).toMatchObject({
        title: 'Suggest a trend strategy',
        message: 'Use a 50/200 SMA crossover.',
        ai_response: 'Use a 50/200 SMA crossover.',
        message_count: 2,
        context_used: true,
        key_id: 'a',
        model: 'gemini-2.5-flash',
        attempts: 1,
        tokens_used: 14,
      });
      expect(r.session_id).toMatch(/^chat_[0-9a-f]{16}$/);
      const history = await conversations.history(alice, r.session_id);
      expect(history.map((m) => [m.role, m.content])).toEqual([
        ['user', '  Suggest   a trend strategy  '],
        ['assistant', 'Use a 50/200 SMA crossover.'],
      ]);
      expect(history[0]).toMatchObject({ id: r.user_message_id, metadata: { action: 'chat' }, tokens_used: null });
      expect(history[1]).toMatchObject({
        id: r.message_id,
        tokens_used: 14,
        metadata: {
          action: 'chat',
          key_id: 'a',
          model: 'gemini-2.5-flash',
          attempts: 1,
          usage: { prompt_tokens: 11, candidates_tokens: 3, total_tokens: 14 },
          reply_to: r.user_message_id,
        },
      });
      // One Gemini call: the system prompt and the new user turn, for alice's key-rotation identity.
      expect(ctx.transport.calls).toHaveLength(1);
      expect(ctx.transport.calls[0].contents).toEqual([{ role: 'user', text: '  Suggest   a trend strategy  ' }]);
      expect(ctx.transport.calls[0].system).toMatch(/^You are an expert trading strategy assistant/);
    });

    it('sends the earlier turns of the session as history on the next turn', async () => {
      ctx.transport.script(secretOf('a'), { text: 'first reply' }, { text: 'second reply' });
      const first = await conversations.chat(alice, callerOf(alice), { message: 'first question' });
      const second = await conversations.chat(alice, callerOf(alice), { message: 'second question', session_id: first.session_id });
      expect(second).toMatchObject({ session_id: first.session_id, message_count: 4, message: 'second reply' });
      expect(ctx.transport.calls[1].contents).toEqual([
        { role: 'user', text: 'first question' },
        { role: 'model', text: 'first reply' },
        { role: 'user', text: 'second question' },
      ]);
    });

    it(`sends only the last ${CONTEXT_WINDOW} messages, leaves system notes out, and none with use_context=false`, async () => {
      const s = await conversations.createSession(alice, 'long chat', null);
      for (let i = 1; i <= 24; i++) {
        if (i % 2) await conversations.addUserMessage(s, `question ${i}`);
        else await conversations.addAssistantMessage(s, `answer ${i}`);
      }
      await conversations.chat(alice, callerOf(alice), { message: 'question 25', session_id: s.sessionId });
      const sent = ctx.transport.calls[0].contents;
      expect(sent).toHaveLength(CONTEXT_WINDOW + 1);
      expect(sent[0]).toEqual({ role: 'user', text: 'question 5' });
      expect(sent.at(-2)).toEqual({ role: 'model', text: 'answer 24' });
      expect(sent.at(-1)).toEqual({ role: 'user', text: 'question 25' });

      await conversations.addSystemMessage(s, 'a system note');
      await conversations.chat(alice, callerOf(alice), { message: 'question 28', session_id: s.sessionId });
      const withNote = ctx.transport.calls[1].contents;
      // The window counts stored rows: the note takes a place but is not sent as a turn.
      expect(withNote).toHaveLength(CONTEXT_WINDOW);
      expect(withNote.map((t) => t.text)).not.toContain('a system note');

      const r = await conversations.chat(alice, callerOf(alice), { message: 'standalone', session_id: s.sessionId, use_context: false });
      expect(r.context_used).toBe(false);
      expect(ctx.transport.calls[2].contents).toEqual([{ role: 'user', text: 'standalone' }]);
      expect(r.message_count).toBe(24 + 2 + 1 + 2 + 2);
    });

    it('keeps the user message and stores no reply when Gemini answers 429', async () => {
      const s = await conversations.createSession(alice, 'quota', null);
      ctx.transport.script(secretOf('a'), { fail: failures.perMinute('30s') });
      const err = await domainError(conversations.chat(alice, callerOf(alice), { message: 'will this fail?', session_id: s.sessionId }));
      expect(err.code).toBe(ErrorCode.KeysExhausted);
      expect(err.retryAfterSec).toBe(30);
      const history = await conversations.history(alice, s.sessionId);
      expect(history.map((m) => [m.role, m.content])).toEqual([['user', 'will this fail?']]);
      expect((await sessions.bySessionId(s.sessionId))?.messageCount).toBe(1);
      // The user's message is part of the next turn's history once the key has cooled down.
      ctx.clock.advance(31_000);
      await conversations.chat(alice, callerOf(alice), { message: 'and now?', session_id: s.sessionId });
      expect(ctx.transport.calls.at(-1)?.contents).toEqual([
        { role: 'user', text: 'will this fail?' },
        { role: 'user', text: 'and now?' },
      ]);
    });

    it('links the session to a strategy in the system prompt when asked', async () => {
      const s = await conversations.createSession(alice, 'linked', 42);
      await conversations.chat(alice, callerOf(alice), { message: 'about my strategy', session_id: s.sessionId });
      expect(ctx.transport.calls[0].system).toContain('LINKED STRATEGY: this conversation is about strategy #42.');
    });
  });

  describe('summarize', () => {
    it('asks Gemini for a summary of the transcript and keeps it on the session', async () => {
      ctx.transport.script(secretOf('a'), { text: 'reply one' }, { text: 'They discussed an SMA crossover.' });
      const r = await conversations.chat(alice, callerOf(alice), { message: 'SMA crossover?' });
      const summary = await conversations.summarize(alice, callerOf(alice), r.session_id);
      expect(summary).toEqual({ session_id: r.session_id, summary: 'They discussed an SMA crossover.', message_count: 2 });
      expect(ctx.transport.calls[1].prompt).toContain('USER: SMA crossover?\n\nASSISTANT: reply one');
      expect((await sessions.bySessionId(r.session_id))?.summary).toBe('They discussed an SMA crossover.');
    });

    it('says there is nothing to summarize in an empty session, without calling Gemini', async () => {
      const s = await conversations.createSession(alice, 'empty', null);
      await expect(conversations.summarize(alice, callerOf(alice), s.sessionId)).resolves.toEqual({
        session_id: s.sessionId,
        summary: 'No conversation to summarize yet.',
        message_count: 0,
      });
      expect(ctx.transport.calls).toHaveLength(0);
    });
  });

  describe('clear', () => {
    it('deletes the messages, resets the count and keeps the session for the next turn', async () => {
      const r = await conversations.chat(alice, callerOf(alice), { message: 'hello' });
      await expect(conversations.clear(alice, r.session_id)).resolves.toEqual({
        success: true,
        message: 'Conversation cleared',
        session_id: r.session_id,
      });
      expect(await conversations.history(alice, r.session_id)).toEqual([]);
      expect((await sessions.bySessionId(r.session_id))?.messageCount).toBe(0);
      const next = await conversations.chat(alice, callerOf(alice), { message: 'fresh start', session_id: r.session_id });
      expect(next.message_count).toBe(2);
      expect(ctx.transport.calls.at(-1)?.contents).toEqual([{ role: 'user', text: 'fresh start' }]);
    });
  });

  describe('owners only', () => {
    it("answers not found for another user's session on every action, and changes nothing", async () => {
      const r = await conversations.chat(alice, callerOf(alice), { message: 'private' });
      const calls = ctx.transport.calls.length;
      const attempts: Array<Promise<unknown>> = [
        conversations.history(bob, r.session_id),
        conversations.chat(bob, callerOf(bob), { message: 'intrude', session_id: r.session_id }),
        conversations.summarize(bob, callerOf(bob), r.session_id),
        conversations.clear(bob, r.session_id),
        conversations.deactivate(bob, r.session_id),
        conversations.sessionById(bob, (await sessions.bySessionId(r.session_id))!.id),
      ];
      for (const attempt of attempts) expect((await domainError(attempt)).code).toBe(ErrorCode.NotFound);
      // Exactly like a session that does not exist.
      expect((await domainError(conversations.history(bob, 'chat_0000000000000000'))).code).toBe(ErrorCode.NotFound);
      expect(ctx.transport.calls).toHaveLength(calls);
      const kept = await sessions.bySessionId(r.session_id);
      expect(kept).toMatchObject({ userId: alice.id, isActive: true, messageCount: 2, summary: null });
      expect((await conversations.history(alice, r.session_id)).map((m) => m.content)).toEqual(['private', 'ok']);
    });

    it('lists only the caller’s own sessions, and lets staff see them all', async () => {
      await conversations.createSession(alice, 'alice 1', null);
      await conversations.createSession(alice, 'alice 2', null);
      const bobs = await conversations.createSession(bob, 'bob 1', null);
      const list = await conversations.list(alice, {});
      expect(list.count).toBe(2);
      expect(list.results.map((s) => s.title).sort()).toEqual(['alice 1', 'alice 2']);
      const staff = await user('staff', true);
      expect((await conversations.history(staff, bobs.sessionId)).length).toBe(0);
      expect((await conversations.list(staff, { my_sessions: 'false' })).count).toBe(3);
    });
  });
});
