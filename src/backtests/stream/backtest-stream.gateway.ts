import type { IncomingMessage } from 'node:http';
import { AppLogger } from '../../logging/app-logger';
import { OnGatewayConnection, WebSocketGateway } from '@nestjs/websockets';
import type { WebSocket } from 'ws';
import { Authenticator } from '../../auth/authenticator';
import { bearerToken } from '../../common/bearer-token';
import { AppConfig } from '../../config/app-config';
import { MarketDataProvider } from '../../market-data/market-data.port';
import { StateStore } from '../../state-store/state-store';
import { BacktestResultsRepository } from '../../strategy/records/backtest-results.repository';
import { StrategiesRepository } from '../../strategy/strategies.repository';
import { StrategyCode } from '../execution/strategy-code';
import { SymbolBacktester } from '../execution/symbol-backtester';
import { StreamSession } from './stream-session';

export const STREAM_PATH = '/ws/backtest/stream/';
export const CLOSE_POLICY = 1008;

/** Whether a browser `Origin` may open a socket: listed in WS_ALLOWED_ORIGINS, or (list empty) the request's own host. */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true; // not a browser: the token decides
  const o = origin.toLowerCase().replace(/\/+$/, '');
  if (allowed.length > 0) return allowed.includes(o);
  try {
    return new URL(o).host === (host ?? '').toLowerCase();
  } catch {
    return false;
  }
}

/** Django's trading/consumers.py at `ws/backtest/stream/`, signed-in users only (stream-session.ts). */
@WebSocketGateway({ path: STREAM_PATH, maxPayload: 512 * 1024 })
export class BacktestStreamGateway implements OnGatewayConnection {
  private readonly logger = new AppLogger('BacktestStream');

  constructor(
    private readonly authenticator: Authenticator,
    private readonly marketData: MarketDataProvider,
    private readonly backtester: SymbolBacktester,
    private readonly strategies: StrategiesRepository,
    private readonly code: StrategyCode,
    private readonly latest: BacktestResultsRepository,
    private readonly store: StateStore,
    private readonly config: AppConfig,
  ) {}

  handleConnection(ws: WebSocket, request: IncomingMessage): void {
    if (!originAllowed(request.headers.origin, request.headers.host, this.config.backtests.wsAllowedOrigins)) {
      ws.close(CLOSE_POLICY, 'origin not allowed');
      return;
    }
    const deps = {
      authenticator: this.authenticator,
      marketData: this.marketData,
      backtester: this.backtester,
      strategies: this.strategies,
      code: this.code,
      latest: this.latest,
      store: this.store,
      config: this.config.backtests,
      log: (message: string, extra?: Record<string, unknown>) => this.logger.error(message, extra),
    };
    new StreamSession(ws, deps, bearerToken(request.headers.authorization));
  }
}
