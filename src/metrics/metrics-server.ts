import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { AppLogger } from '../logging/app-logger';
import { metricsTokenMatches } from './metrics-token.guard';
import { MetricsService } from './metrics.service';

const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * With METRICS_PORT set, /metrics is served by a listener of its own (in API processes and in workers, which
 * have no HTTP server otherwise) and nothing else is: a plain node:http server, no routes, no body parsing.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new AppLogger('Metrics');
  private server: Server | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  /** The bound port (tests listen on 0), or null when no separate listener runs. */
  get port(): number | null {
    const address = this.server?.address();
    return address && typeof address === 'object' ? address.port : null;
  }

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.http.metricsPort;
    if (port === null) return;
    const server = createServer((req, res) => void this.answer(req, res));
    server.requestTimeout = 10_000;
    server.headersTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.config.http.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.logger.info(`metrics on http://${this.config.http.host}:${this.port}/metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') return send(res, 404, 'application/json', JSON.stringify({ error: 'Not found', details: path }));
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return send(res, 405, 'application/json', JSON.stringify({ error: 'Method not allowed', details: req.method }));
    }
    if (!metricsTokenMatches(this.config.http.metricsToken, req.headers.authorization)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      return send(
        res,
        401,
        'application/json',
        JSON.stringify({ error: 'Authentication required', details: 'Send Authorization: Bearer <METRICS_TOKEN>' }),
      );
    }
    try {
      send(res, 200, CONTENT_TYPE, await this.metrics.render());
    } catch (e) {
      this.logger.warn(`metrics could not be rendered: ${(e as Error).message}`);
      send(res, 503, 'application/json', JSON.stringify({ error: 'Metrics unavailable', details: 'try again' }));
    }
  }
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
