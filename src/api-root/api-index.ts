/** What Django's `GET /api/` and its DRF router roots listed: pure data, no I/O. */

/** Viewsets with a list route, per app, in the order Django's routers registered them. */
export const ROUTER_ROOTS: Record<string, string[]> = {
  auth: ['profiles', 'ai-contexts', 'chat-sessions'],
  strategies: ['templates', 'strategies', 'validations', 'performance', 'comments', 'tags', 'chat', 'bot-performance', 'backtest-results'],
};

/** DRF's DefaultRouter root: `{prefix: absolute URL}`. */
export function routerRoot(app: string, baseUrl: string): Record<string, string> {
  return Object.fromEntries((ROUTER_ROOTS[app] ?? []).map((prefix) => [prefix, `${baseUrl}/api/${app}/${prefix}/`]));
}

/** The Django project's `GET /api/` navigation document (literal paths, as Django sent them). */
export function apiIndex(now: Date): Record<string, unknown> {
  return {
    message: 'AlgoAgent API',
    version: '1.0.0',
    timestamp: now.toISOString(),
    endpoints: {
      auth: '/api/auth/',
      data: '/api/data/',
      strategies: '/api/strategies/',
      backtests: '/api/backtests/',
      admin: '/admin/',
      api_browser: '/api/data/',
    },
    authentication: {
      register: '/api/auth/register/',
      login: '/api/auth/login/',
      token_refresh: '/api/auth/token/refresh/',
      logout: '/api/auth/logout/',
      current_user: '/api/auth/user/me/',
    },
    ai_chat: { chat: '/api/auth/chat/', sessions: '/api/auth/chat-sessions/', contexts: '/api/auth/ai-contexts/' },
    health_checks: {
      auth_api: '/api/auth/health/',
      data_api: '/api/data/api/health/',
      strategy_api: '/api/strategies/api/health/',
      backtest_api: '/api/backtests/api/health/',
    },
    production: {
      strategies: '/api/production/strategies/',
      backtests: '/api/production/backtests/',
      health: { strategies: '/api/production/strategies/health/', backtests: '/api/production/backtests/health/' },
    },
  };
}
