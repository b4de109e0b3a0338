import request from 'supertest';
import { AiDeveloperService } from '../../src/ai-developer/ai-developer.service';
import { SMA_CROSS_BOT } from '../bots/bot-fixtures';
import type { FakeRequest } from '../fakes/fake-gemini';
import { bearer, DATABASES, Registered } from '../support/auth';
import { appWithTwoUsers, TwoUsers } from '../support/two-users';

jest.setTimeout(180_000);

/** The same mistake (an undefined variable) in each user's own words; the marker sits on the line the fix changes. */
const brokenBot = (marker: string) => `module.exports = {
  name: 'SMA cross',
  params: { fast: 5, slow: 20 },
  onBar(bar, ctx) {
    const slow = ctx.indicators.sma({ period: ctx.params.slow });
    if (slow !== null && smaFast > slow) ctx.buy(); // ${marker}
  },
};`;

const fenced = (code: string) => `\`\`\`javascript\n${code}\n\`\`\`\n`;
const isFixPrompt = (req: FakeRequest) => JSON.stringify(req.contents).includes('TASK: Fix the trading bot');

describe('learned error fixes never carry one user’s code into another user’s prompt', () => {
  let s: TwoUsers;
  let service: AiDeveloperService;

  beforeAll(async () => {
    s = await appWithTwoUsers(DATABASES[1][1], [{ id: 'k1', project: 'p1', rpm: 100 }], {
      BOT_TIMEOUT_MS: '5000',
      BOT_WARM_PROCESSES: '0',
    });
    service = s.t.app.get(AiDeveloperService);
  });
  afterAll(() => s.close());

  /** One AI developer run for `user` whose first answer is their broken bot and every fix is the working one. */
  async function run(user: Registered, marker: string): Promise<string[]> {
    const prompts: string[] = [];
    s.t.fake.respondWith((req) => {
      if (!isFixPrompt(req)) return fenced(brokenBot(marker));
      prompts.push(JSON.stringify(req.contents));
      return fenced(SMA_CROSS_BOT);
    });
    const res = await request(s.t.app.getHttpServer())
      .post('/api/ai-developer/runs')
      .set(bearer(user.access))
      .send({ description: 'Buy when the fast SMA crosses above the slow SMA.', strategy_name: `${marker} bot` })
      .expect(202);
    await service.settled(res.body.id);
    const done = await request(s.t.app.getHttpServer()).get(`/api/ai-developer/runs/${res.body.id}`).set(bearer(user.access)).expect(200);
    expect(done.body.result).toMatchObject({ success: true, final_status: 'fixed' });
    return prompts;
  }

  it('alice’s fix is learned, but bob’s fix prompt for the same error holds nothing of alice’s code', async () => {
    const first = await run(s.alice, 'alice-private-note');
    expect(first).toHaveLength(1);
    expect(first[0]).not.toContain('A SIMILAR ERROR WAS FIXED BEFORE');

    const bobs = await run(s.bob, 'bob-own-note');
    expect(bobs).toHaveLength(1);
    expect(bobs[0]).toContain('bob-own-note');
    expect(bobs[0]).not.toContain('alice-private-note');
    expect(bobs[0]).not.toContain('A SIMILAR ERROR WAS FIXED BEFORE');
  });

  it('each user still gets their own learned fix the next time', async () => {
    const again = await run(s.alice, 'alice-second-try');
    expect(again[0]).toContain('A SIMILAR ERROR WAS FIXED BEFORE');
    expect(again[0]).toContain('alice-private-note');
    expect(again[0]).not.toContain('bob-own-note');
    const bobAgain = await run(s.bob, 'bob-second-try');
    expect(bobAgain[0]).toContain('bob-own-note');
    expect(bobAgain[0]).not.toContain('alice-');
  });
});
