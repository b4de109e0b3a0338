import { eq } from 'drizzle-orm';
import { AuthModule } from '../../src/auth/auth.module';
import type { AuthUser } from '../../src/auth/current-user.decorator';
import { DomainError, ErrorCode } from '../../src/common/domain-error';
import { Database } from '../../src/database/database.module';
import { chatSessions, strategyPerformance, strategyValidations } from '../../src/database/schema';
import { GeminiModule } from '../../src/gemini/gemini.module';
import { JobsModule } from '../../src/jobs/jobs.module';
import { StrategiesRepository } from '../../src/strategy/strategies.repository';
import { StrategiesService } from '../../src/strategy/crud/strategies.service';
import { StrategyCrudModule } from '../../src/strategy/crud/strategy-crud.module';
import type { CreateStrategyDto } from '../../src/strategy/crud/strategy.dto';
import { UsageModule } from '../../src/usage/usage.module';
import { createMediumContext, domainError, MediumContext, mediumUser } from '../support/medium';

const CODE = 'class Bot:\n    def on_bar(self, bar):\n        pass\n';

describe(`${StrategiesService.name} (medium)`, () => {
  let ctx: MediumContext;
  let strategies: StrategiesService;
  let alice: AuthUser;
  let bob: AuthUser;

  const db = () => ctx.module.get(Database, { strict: false }).connection.db;
  const dto = (name: string, extra: Partial<CreateStrategyDto> = {}): CreateStrategyDto => ({ name, strategy_code: CODE, ...extra });

  beforeEach(async () => {
    ctx = await createMediumContext({ imports: [JobsModule.forRoot(), AuthModule, UsageModule, GeminiModule, StrategyCrudModule] });
    strategies = ctx.get(StrategiesService);
    alice = await mediumUser(ctx, 'alice');
    bob = await mediumUser(ctx, 'bob');
  });
  afterEach(async () => ctx?.close());

  describe('create', () => {
    it('stores the strategy with Django’s defaults, owned by the caller', async () => {
      const s = await strategies.create(alice, dto('SMA crossover', { tags: ['trend'], expected_return: '12.50' }));
      expect(s).toMatchObject({
        name: 'SMA crossover',
        description: '',
        template: null,
        strategy_code: CODE,
        parameters: {},
        status: 'draft',
        version: '1.0.0',
        tags: ['trend'],
        // Django's DecimalField(decimal_places=4) renders four places.
        expected_return: '12.5000',
        max_drawdown: null,
        created_by: alice.id,
        created_by_username: 'alice',
        last_validated: null,
      });
      const row = await ctx.get(StrategiesRepository).byId(s.id);
      expect(row).toMatchObject({ id: s.id, name: 'SMA crossover', createdBy: alice.id });
    });

    it('refuses a second strategy with the same name and version for the same owner, naming the field', async () => {
      await strategies.create(alice, dto('SMA crossover'));
      const clash = await domainError(strategies.create(alice, dto('SMA crossover')));
      expect(clash.code).toBe(ErrorCode.ValidationFailed);
      expect(clash.details).toEqual({
        name: ['A strategy named "SMA crossover" with version 1.0.0 already exists; choose another name or version'],
      });
      // Another version, or another owner, is fine.
      await expect(strategies.create(alice, dto('SMA crossover', { version: '2.0.0' }))).resolves.toMatchObject({ version: '2.0.0' });
      await expect(strategies.create(bob, dto('SMA crossover'))).resolves.toMatchObject({ created_by: bob.id });
      expect((await strategies.list(alice, {})).count).toBe(2);
      expect((await strategies.list(bob, {})).count).toBe(1);
    });

    it('answers the same clash when two creations race past the pre-check', async () => {
      const results = await Promise.allSettled([strategies.create(alice, dto('Race')), strategies.create(alice, dto('Race'))]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(rejected?.reason).toBeInstanceOf(DomainError);
      expect((rejected?.reason as DomainError).details).toHaveProperty('name');
      expect((await strategies.list(alice, {})).count).toBe(1);
    });

    it("refuses another user's template as a 400 naming the field", async () => {
      const err = await domainError(strategies.create(alice, dto('With template', { template: 999 })));
      expect(err.code).toBe(ErrorCode.ValidationFailed);
      expect(err.details).toHaveProperty('template');
      expect((await strategies.list(alice, {})).count).toBe(0);
    });
  });

  describe('update', () => {
    it('changes only the fields sent', async () => {
      const s = await strategies.create(alice, dto('Original', { description: 'keep me', tags: ['a'] }));
      const u = await strategies.update(alice, s.id, { status: 'inactive' });
      expect(u).toMatchObject({ id: s.id, name: 'Original', description: 'keep me', tags: ['a'], status: 'inactive', strategy_code: CODE });
      const renamed = await strategies.update(alice, s.id, { name: 'Renamed', version: '1.1.0' });
      expect(renamed).toMatchObject({ name: 'Renamed', version: '1.1.0', status: 'inactive' });
      expect((await strategies.get(alice, s.id)).name).toBe('Renamed');
    });

    it('refuses a rename onto another of the owner’s strategies, and leaves the row as it was', async () => {
      await strategies.create(alice, dto('Taken'));
      const s = await strategies.create(alice, dto('Free'));
      const err = await domainError(strategies.update(alice, s.id, { name: 'Taken', description: 'lost' }));
      expect(err.code).toBe(ErrorCode.ValidationFailed);
      expect(err.details).toHaveProperty('name');
      expect(await strategies.get(alice, s.id)).toMatchObject({ name: 'Free', description: '' });
      // Renaming to its own name, or to a name only another owner uses, is no clash.
      await strategies.create(bob, dto('Bobs'));
      await expect(strategies.update(alice, s.id, { name: 'Free' })).resolves.toMatchObject({ name: 'Free' });
      await expect(strategies.update(alice, s.id, { name: 'Bobs' })).resolves.toMatchObject({ name: 'Bobs' });
    });
  });

  describe('delete', () => {
    it('removes the strategy with its validations and performance, and unlinks its chat sessions', async () => {
      const s = await strategies.create(alice, dto('Doomed'));
      const kept = await strategies.create(alice, dto('Kept'));
      for (const id of [s.id, kept.id]) {
        await db().insert(strategyValidations).values({ strategyId: id, validationType: 'backtest', status: 'passed' });
        await db()
          .insert(strategyPerformance)
          .values({ strategyId: id, backtestId: `bt-${id}`, totalTrades: 3 });
        await db()
          .insert(chatSessions)
          .values({ sessionId: `chat_${id}`, userId: alice.id, title: 'about it', strategyId: id });
      }
      expect(await strategies.validationHistory(alice, s.id)).toHaveLength(1);
      expect(await strategies.performanceHistory(alice, s.id)).toHaveLength(1);

      await strategies.delete(alice, s.id);

      expect((await domainError(strategies.get(alice, s.id))).code).toBe(ErrorCode.NotFound);
      expect(await db().select().from(strategyValidations).where(eq(strategyValidations.strategyId, s.id))).toEqual([]);
      expect(await db().select().from(strategyPerformance).where(eq(strategyPerformance.strategyId, s.id))).toEqual([]);
      const [session] = await db()
        .select()
        .from(chatSessions)
        .where(eq(chatSessions.sessionId, `chat_${s.id}`));
      expect(session).toMatchObject({ strategyId: null, userId: alice.id });
      // The other strategy keeps everything.
      expect(await strategies.validationHistory(alice, kept.id)).toHaveLength(1);
      expect(await strategies.performanceHistory(alice, kept.id)).toHaveLength(1);
      const [other] = await db()
        .select()
        .from(chatSessions)
        .where(eq(chatSessions.sessionId, `chat_${kept.id}`));
      expect(other.strategyId).toBe(kept.id);
      // Deleting again: not found.
      expect((await domainError(strategies.delete(alice, s.id))).code).toBe(ErrorCode.NotFound);
    });
  });

  describe('owners only', () => {
    it("answers not found for another user's strategy on every action, and changes nothing", async () => {
      const s = await strategies.create(alice, dto('Private'));
      const attempts: Array<Promise<unknown>> = [
        strategies.get(bob, s.id),
        strategies.update(bob, s.id, { name: 'Hijacked' }),
        strategies.delete(bob, s.id),
        strategies.validationHistory(bob, s.id),
        strategies.performanceHistory(bob, s.id),
      ];
      for (const attempt of attempts) {
        const err = await domainError(attempt);
        expect(err.code).toBe(ErrorCode.NotFound);
        expect(err.details).toEqual({ id: s.id });
      }
      // Exactly like a strategy that does not exist.
      expect((await domainError(strategies.get(bob, s.id + 1000))).details).toEqual({ id: s.id + 1000 });
      expect(await strategies.get(alice, s.id)).toMatchObject({ name: 'Private', created_by: alice.id });
      expect((await strategies.list(bob, {})).count).toBe(0);
    });

    it('lets staff see and change any strategy', async () => {
      const s = await strategies.create(alice, dto('Reviewed'));
      const staff = await mediumUser(ctx, 'staff', true);
      expect((await strategies.get(staff, s.id)).created_by).toBe(alice.id);
      await expect(strategies.update(staff, s.id, { status: 'active' })).resolves.toMatchObject({ status: 'active', created_by: alice.id });
    });
  });
});
