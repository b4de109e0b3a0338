import { Writable } from 'node:stream';
import { Logger } from '@nestjs/common';
import pino from 'pino';
import { AppLogger } from './app-logger';
import { PinoNestLogger } from './logger';

class Lines extends Writable {
  readonly lines: Array<Record<string, unknown>> = [];
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    for (const l of chunk.toString().split('\n').filter(Boolean)) this.lines.push(JSON.parse(l) as Record<string, unknown>);
    done();
  }
}

describe(AppLogger.name, () => {
  let out: Lines;
  beforeEach(() => {
    out = new Lines();
    Logger.overrideLogger(new PinoNestLogger(pino({ level: 'debug' }, out)));
  });
  afterAll(() => Logger.overrideLogger(false));

  it('writes the message, the context and the fields of a warning', () => {
    new AppLogger('AiDeveloper').warn('marked unfinished AI developer runs as failed', { runs: [3, 4] });
    expect(out.lines).toEqual([
      expect.objectContaining({ level: 40, msg: 'marked unfinished AI developer runs as failed', context: 'AiDeveloper', runs: [3, 4] }),
    ]);
  });

  it('keeps the message of an error line and serializes the error with its stack', () => {
    new AppLogger('AiDeveloper').error('could not store a run event', { err: new Error('disk full'), run: 7 });
    const [line] = out.lines;
    expect(line).toMatchObject({ level: 50, msg: 'could not store a run event', context: 'AiDeveloper', run: 7 });
    expect(line.err).toMatchObject({ type: 'Error', message: 'disk full', stack: expect.stringContaining('disk full') });
    expect(line.stack).toBeUndefined();
  });

  it('turns a thrown non-Error into a message field', () => {
    new AppLogger('X').error('failed', { err: 'plain string' });
    expect(out.lines[0]).toMatchObject({ msg: 'failed', err: { message: 'plain string' } });
  });

  it('logs info and debug lines with just a message', () => {
    new AppLogger('X').info('hello');
    new AppLogger('X').debug('details');
    expect(out.lines.map((l) => [l.level, l.msg, l.context])).toEqual([
      [30, 'hello', 'X'],
      [20, 'details', 'X'],
    ]);
  });
});

describe('AppLogger and database errors', () => {
  let out: Lines;
  beforeEach(() => {
    out = new Lines();
    Logger.overrideLogger(new PinoNestLogger(pino({ level: 'debug' }, out)));
  });
  afterAll(() => Logger.overrideLogger(false));

  it('logs a failed query by its text and code, never its parameters', () => {
    const driver = Object.assign(new Error('duplicate key value violates unique constraint "users_username_key"'), { code: '23505' });
    const failed = Object.assign(new Error('Failed query: insert into "users" ("username") values ($1)\nparams: alice-secret-name'), {
      cause: driver,
    });
    new AppLogger('Jobs').warn('job poll failed', { err: failed });
    const line = JSON.stringify(out.lines[0]);
    expect(line).toContain('23505');
    expect(line).toContain('insert into');
    expect(line).not.toContain('alice-secret-name');
    expect(line).not.toContain('params:');
  });
});
