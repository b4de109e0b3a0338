/**
 * Server-Sent Events streams this process has open. On shutdown each gets one final event and is ended, so a
 * client learns the server is going away (and reconnects to another replica) instead of seeing a cut socket.
 * Process-local on purpose: these are this process's own sockets.
 */
export type StreamCloser = (event: string, data: unknown) => void;

const open = new Set<StreamCloser>();

/** Registers a stream; the returned function unregisters it (call it when the stream ends). */
export function trackStream(close: StreamCloser): () => void {
  open.add(close);
  return () => open.delete(close);
}

/** Sends `event` to every open stream and ends them. Returns how many there were. */
export function closeOpenStreams(event: string, data: unknown): number {
  const streams = [...open];
  open.clear();
  for (const close of streams) close(event, data);
  return streams.length;
}
