import type { IncomingMessage, Server } from 'node:http';
import type { INestApplicationContext } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';

/**
 * Nest's `ws` adapter, also answering the Django spelling with a trailing slash: the adapter compares the upgrade
 * path with the gateway path stripped of its trailing slash, so `/ws/backtest/stream/` (what the frontend opens)
 * is rewritten to `/ws/backtest/stream` before it looks.
 */
export class DjangoPathsWsAdapter extends WsAdapter {
  constructor(app: INestApplicationContext & { getHttpServer(): Server }) {
    super(app);
    app.getHttpServer().prependListener('upgrade', (req: IncomingMessage) => {
      if (req.url) req.url = req.url.replace(/^([^?]*?)\/+(\?|$)/, '$1$2');
    });
  }
}
