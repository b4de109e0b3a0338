import type { StreamChunk } from './gemini.types';
import { relayChunks } from './relay-chunks';

async function* stream(chunks: StreamChunk[]): AsyncGenerator<StreamChunk> {
  for (const c of chunks) yield await Promise.resolve(c);
}

describe('relayChunks', () => {
  it('relays each non-empty text in order and sums up the text, the last usage and the last finish reason', async () => {
    const relayed: string[] = [];
    const usage = { promptTokens: 3, candidatesTokens: 5, totalTokens: 8 };
    const summary = await relayChunks(
      stream([{ text: 'Hel' }, { text: '' }, { text: 'lo', finishReason: 'STOP' }, { text: '', usage, finishReason: null }]),
      (t) => relayed.push(t),
    );
    expect(relayed).toEqual(['Hel', 'lo']);
    expect(summary).toEqual({ text: 'Hello', usage, finishReason: 'STOP' });
  });

  it('an empty stream relays nothing and reports no usage or finish reason', async () => {
    const relayed: string[] = [];
    expect(await relayChunks(stream([]), (t) => relayed.push(t))).toEqual({ text: '', usage: null, finishReason: null });
    expect(relayed).toEqual([]);
  });

  it('a stream that fails midway passes the error on after relaying what came before it', async () => {
    const relayed: string[] = [];
    async function* failing(): AsyncGenerator<StreamChunk> {
      yield await Promise.resolve({ text: 'partial' });
      throw new Error('stream cut');
    }
    await expect(relayChunks(failing(), (t) => relayed.push(t))).rejects.toThrow('stream cut');
    expect(relayed).toEqual(['partial']);
  });
});
