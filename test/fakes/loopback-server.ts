import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> | void;

/** Listens on 127.0.0.1 (port 0 = any free one) and returns the base URL. Fakes never bind elsewhere. */
export async function listenOnLoopback(server: http.Server, port = 0): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Closes the server, cutting open connections (hanging requests included). */
export async function closeServer(server: http.Server | undefined): Promise<void> {
  if (!server) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}

/**
 * The lifecycle every fake shares: one HTTP server on loopback running `handle`, answering a handler crash
 * with the fake's own 500 body (`internalError`), started once and stopped with its connections cut.
 */
export class LoopbackServer {
  private server: http.Server | undefined;
  url = '';

  constructor(
    private readonly handle: Handler,
    private readonly internalError: (res: http.ServerResponse) => void,
  ) {}

  async start(port = 0): Promise<string> {
    if (this.server) return this.url;
    const server = http.createServer((req, res) => {
      Promise.resolve()
        .then(() => this.handle(req, res))
        .catch(() => {
          if (!res.headersSent && !res.destroyed) this.internalError(res);
        });
    });
    this.url = await listenOnLoopback(server, port);
    this.server = server;
    return this.url;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await closeServer(server);
  }
}
