import type { StreamChunk, Usage } from './gemini.types';

/** What a relayed stream said in all: its whole text, and the last usage and finish reason it reported. */
export interface RelayedStream {
  text: string;
  usage: Usage | null;
  finishReason: string | null;
}

/** Hands each chunk's text to `relay` while the stream lasts (an SSE `chunk` event), and sums the stream up. */
export async function relayChunks(chunks: AsyncIterable<StreamChunk>, relay: (text: string) => void): Promise<RelayedStream> {
  const summary: RelayedStream = { text: '', usage: null, finishReason: null };
  for await (const chunk of chunks) {
    if (chunk.text) {
      summary.text += chunk.text;
      relay(chunk.text);
    }
    if (chunk.usage) summary.usage = chunk.usage;
    if (chunk.finishReason) summary.finishReason = chunk.finishReason;
  }
  return summary;
}
