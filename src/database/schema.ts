import {
  bigint,
  boolean,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
  varchar,
} from 'drizzle-orm/pg-core';

/**
 * The relational schema, one definition for PostgreSQL and PGlite. Change it here, then run
 * `npm run db:generate` to write the next SQL migration into `src/database/migrations/`.
 */

/** Accounts, shaped like Django's `auth_user` so the frontend's fields map one to one. */
export const users = pgTable(
  'users',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    username: varchar('username', { length: 150 }).notNull(),
    email: varchar('email', { length: 254 }).notNull().default(''),
    passwordHash: text('password_hash').notNull(),
    firstName: varchar('first_name', { length: 150 }).notNull().default(''),
    lastName: varchar('last_name', { length: 150 }).notNull().default(''),
    isStaff: boolean('is_staff').notNull().default(false),
    isActive: boolean('is_active').notNull().default(true),
    dateJoined: timestamp('date_joined', { withTimezone: true }).notNull().defaultNow(),
    lastLogin: timestamp('last_login', { withTimezone: true }),
  },
  (t) => [uniqueIndex('users_username_key').on(t.username)],
);

/**
 * Operator actions and automatic decisions about Gemini keys (disabled as leaked, re-enabled by a probe…),
 * kept for audit. Holds key ids and reasons only — never a secret.
 */
export const keyEvents = pgTable(
  'key_events',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    keyId: varchar('key_id', { length: 128 }).notNull(),
    event: varchar('event', { length: 32 }).notNull(),
    reason: varchar('reason', { length: 64 }),
    detail: jsonb('detail').$type<Record<string, unknown>>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('key_events_key_id_idx').on(t.keyId, t.createdAt)],
);

/**
 * Trading preferences, one row per user (Django's `UserProfile`), created together with the user. The
 * frontend reads and writes these fields by their snake_case names.
 *
 * No foreign-key constraints in this schema: drizzle-kit writes them as `REFERENCES "public"."users"`,
 * which would point outside the schema chosen by DATABASE_SCHEMA. The auth repositories keep the links.
 */
export const userProfiles = pgTable(
  'user_profiles',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    userId: integer('user_id').notNull(),
    defaultRiskTolerance: varchar('default_risk_tolerance', { length: 20 }).notNull().default('moderate'),
    defaultTimeframe: varchar('default_timeframe', { length: 10 }).notNull().default('1d'),
    preferredSymbols: jsonb('preferred_symbols').$type<string[]>().notNull().default([]),
    tradingGoals: text('trading_goals').notNull().default(''),
    strategyPreferences: text('strategy_preferences').notNull().default(''),
    riskParameters: jsonb('risk_parameters').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    lastActive: timestamp('last_active', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('user_profiles_user_id_key').on(t.userId)],
);

/**
 * JWTs revoked before their expiry (refresh tokens after rotation or logout, access tokens at logout), by
 * their `jti`. A row is useless once `expires_at` has passed and is purged.
 */
export const tokenBlacklist = pgTable(
  'token_blacklist',
  {
    jti: varchar('jti', { length: 64 }).primaryKey(),
    userId: integer('user_id').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    blacklistedAt: timestamp('blacklisted_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('token_blacklist_expires_at_idx').on(t.expiresAt)],
);

/**
 * AI chat sessions (Django's `StrategyChat`), one conversation each, addressed by `session_id`
 * (`chat_` + 16 hex). `user_id` and `strategy_id` are plain columns (no `.references()`, see above).
 */
export const chatSessions = pgTable(
  'chat_sessions',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    sessionId: varchar('session_id', { length: 100 }).notNull(),
    userId: integer('user_id'),
    title: varchar('title', { length: 200 }).notNull().default(''),
    strategyId: integer('strategy_id'),
    isActive: boolean('is_active').notNull().default(true),
    summary: text('summary'),
    messageCount: integer('message_count').notNull().default(0),
    modelName: varchar('model_name', { length: 50 }).notNull().default('gemini-2.5-flash'),
    temperature: doublePrecision('temperature').notNull().default(0.7),
    maxTokens: integer('max_tokens').notNull().default(2048),
    /** The AI context `/api/auth/chat/` was given for this session (no FK; a deleted context reads as none). */
    aiContextId: integer('ai_context_id'),
    /** Ids of the strategies created from this session, oldest first. */
    generatedStrategies: jsonb('generated_strategies').$type<number[]>().notNull().default([]),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('chat_sessions_session_id_key').on(t.sessionId), index('chat_sessions_user_updated_idx').on(t.userId, t.updatedAt)],
);

/** The messages of a chat session, linked by `chat_sessions.session_id` (kept by the repository). */
export const chatMessages = pgTable(
  'chat_messages',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    sessionId: varchar('session_id', { length: 100 }).notNull(),
    role: varchar('role', { length: 16 }).notNull(),
    content: text('content').notNull(),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    tokensUsed: integer('tokens_used'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('chat_messages_session_id_idx').on(t.sessionId, t.id)],
);

/**
 * Saved instructions and context for the AI assistant (Django's `AIContext`), owned by one user. The
 * user's active context can be named in `POST /api/auth/chat/` (`ai_context_id`). `user_id` is a plain
 * column (no `.references()`, see above).
 */
export const aiContexts = pgTable(
  'ai_contexts',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    userId: integer('user_id').notNull(),
    sessionName: varchar('session_name', { length: 200 }).notNull(),
    instructions: text('instructions').notNull().default(''),
    contextData: jsonb('context_data').$type<Record<string, unknown>>().notNull().default({}),
    isActive: boolean('is_active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    lastUsed: timestamp('last_used', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('ai_contexts_user_last_used_idx').on(t.userId, t.lastUsed)],
);

/**
 * Generated trading bots (JavaScript modules for the bot SDK). `file_name` is also the file written in
 * BOTS_DIR, unique across users. `status`: generated (not run yet) | passed | failed.
 */
export const bots = pgTable(
  'bots',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    userId: integer('user_id'),
    name: varchar('name', { length: 200 }).notNull(),
    fileName: varchar('file_name', { length: 80 }).notNull(),
    description: text('description').notNull().default(''),
    code: text('code').notNull(),
    status: varchar('status', { length: 16 }).notNull().default('generated'),
    lastError: text('last_error'),
    lastMetrics: jsonb('last_metrics').$type<Record<string, number>>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('bots_file_name_key').on(t.fileName), index('bots_user_id_idx').on(t.userId, t.createdAt)],
);

/** One row per fix attempt of the error fixer: `{attempt, error_type, error_message, success, timestamp}`. */
export const botFixAttempts = pgTable(
  'bot_fix_attempts',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    botId: integer('bot_id').notNull(),
    attempt: integer('attempt').notNull(),
    errorType: varchar('error_type', { length: 32 }).notNull(),
    errorMessage: text('error_message').notNull(),
    success: boolean('success').notNull(),
    description: text('description').notNull().default(''),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('bot_fix_attempts_bot_id_idx').on(t.botId, t.attempt)],
);

/**
 * What the error fixer learned: an error (type + normalised signature) and the change that fixed it. The
 * most relevant past fix is shown to Gemini in the next fix prompt for a similar error — of the same owner
 * only (`user:<id>`), since a fix excerpt holds lines of that user's code.
 */
export const botErrorFixes = pgTable(
  'bot_error_fixes',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    /** `user:<id>` of the user whose bot was fixed; '' for rows learned before fixes were kept per owner (never shown). */
    owner: varchar('owner', { length: 64 }).notNull().default(''),
    errorType: varchar('error_type', { length: 32 }).notNull(),
    signature: text('signature').notNull(),
    errorMessage: text('error_message').notNull(),
    fixExcerpt: text('fix_excerpt').notNull(),
    timesSeen: integer('times_seen').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('bot_error_fixes_owner_type_signature_key').on(t.owner, t.errorType, t.signature)],
);

/**
 * AI developer runs (generate → test → fix), owned by one user. `status`: queued | running | waiting |
 * succeeded | failed. Progress events are in `ai_dev_run_events`.
 */
export const aiDevRuns = pgTable(
  'ai_dev_runs',
  {
    id: varchar('id', { length: 40 }).primaryKey(),
    userId: integer('user_id').notNull(),
    description: text('description').notNull(),
    strategyName: varchar('strategy_name', { length: 200 }).notNull(),
    autoFix: boolean('auto_fix').notNull(),
    maxIterations: integer('max_iterations').notNull(),
    status: varchar('status', { length: 16 }).notNull(),
    step: varchar('step', { length: 16 }).notNull(),
    progress: integer('progress').notNull().default(0),
    iterations: integer('iterations').notNull().default(0),
    botId: integer('bot_id'),
    result: jsonb('result').$type<Record<string, unknown>>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('ai_dev_runs_user_id_idx').on(t.userId, t.createdAt)],
);

/** The progress events of an AI developer run, in order (`seq` from 1), replayed to late SSE readers. */
export const aiDevRunEvents = pgTable(
  'ai_dev_run_events',
  {
    runId: varchar('run_id', { length: 40 }).notNull(),
    seq: integer('seq').notNull(),
    step: varchar('step', { length: 16 }).notNull(),
    progress: integer('progress').notNull(),
    message: text('message').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('ai_dev_run_events_run_seq_key').on(t.runId, t.seq)],
);

/**
 * Strategy templates (Django's `StrategyTemplate`). `linked_strategy_id` and `created_by` are plain columns
 * (no `.references()`, see above). Decimal columns are `numeric` and come back as strings, as DRF sends them.
 */
export const strategyTemplates = pgTable(
  'strategy_templates',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    name: varchar('name', { length: 200 }).notNull(),
    description: text('description').notNull().default(''),
    category: varchar('category', { length: 100 }).notNull().default(''),
    templateCode: text('template_code').notNull().default(''),
    parametersSchema: jsonb('parameters_schema').$type<Record<string, unknown>>().notNull().default({}),
    isActive: boolean('is_active').notNull().default(true),
    linkedStrategyId: integer('linked_strategy_id'),
    isSystemTemplate: boolean('is_system_template').notNull().default(false),
    latestStrategyCode: text('latest_strategy_code').notNull().default(''),
    latestParameters: jsonb('latest_parameters').$type<Record<string, unknown>>().notNull().default({}),
    chatHistory: jsonb('chat_history').$type<Array<Record<string, unknown>>>().notNull().default([]),
    createdBy: integer('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // Names are unique per owner (system templates, created_by NULL, count as one owner), not across users.
  (t) => [
    unique('strategy_templates_owner_name_key').on(t.createdBy, t.name).nullsNotDistinct(),
    index('strategy_templates_category_idx').on(t.category, t.name),
  ],
);

/**
 * Strategies (Django's `Strategy`). `status`: draft | validating | valid | invalid | active | inactive, and the
 * values the views really write: generated | executed | failed | working. `file_path` / `bot_id` point at the
 * generated bot (a column here; the original wrote it to a field that did not exist).
 */
export const strategies = pgTable(
  'strategies',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    name: varchar('name', { length: 200 }).notNull(),
    description: text('description').notNull().default(''),
    templateId: integer('template_id'),
    strategyCode: text('strategy_code').notNull().default(''),
    parameters: jsonb('parameters').$type<Record<string, unknown>>().notNull().default({}),
    status: varchar('status', { length: 20 }).notNull().default('draft'),
    version: varchar('version', { length: 20 }).notNull().default('1.0.0'),
    tags: jsonb('tags').$type<string[]>().notNull().default([]),
    timeframe: varchar('timeframe', { length: 20 }).notNull().default(''),
    riskLevel: varchar('risk_level', { length: 20 }).notNull().default(''),
    expectedReturn: numeric('expected_return', { precision: 10, scale: 4 }),
    maxDrawdown: numeric('max_drawdown', { precision: 10, scale: 4 }),
    filePath: text('file_path'),
    botId: integer('bot_id'),
    createdBy: integer('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    lastValidated: timestamp('last_validated', { withTimezone: true }),
  },
  (t) => [
    // Unique per owner, not across users (another user must not learn or squat a name); NULL = one owner.
    unique('strategies_owner_name_version_key').on(t.createdBy, t.name, t.version).nullsNotDistinct(),
    index('strategies_created_by_idx').on(t.createdBy, t.createdAt),
  ],
);

/** Validation runs of a strategy (Django's `StrategyValidation`); status pending|running|passed|failed|error|completed. */
export const strategyValidations = pgTable(
  'strategy_validations',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    strategyId: integer('strategy_id').notNull(),
    validationType: varchar('validation_type', { length: 50 }).notNull(),
    status: varchar('status', { length: 20 }).notNull().default('pending'),
    score: numeric('score', { precision: 5, scale: 2 }),
    passedChecks: jsonb('passed_checks').$type<unknown[]>().notNull().default([]),
    failedChecks: jsonb('failed_checks').$type<unknown[]>().notNull().default([]),
    warnings: jsonb('warnings').$type<unknown[]>().notNull().default([]),
    recommendations: jsonb('recommendations').$type<unknown[]>().notNull().default([]),
    validatorVersion: varchar('validator_version', { length: 20 }).notNull().default(''),
    validationConfig: jsonb('validation_config').$type<Record<string, unknown>>().notNull().default({}),
    executionTime: numeric('execution_time', { precision: 10, scale: 3 }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (t) => [index('strategy_validations_strategy_idx').on(t.strategyId, t.createdAt)],
);

/** Backtest performance records of a strategy (Django's `StrategyPerformance`). */
export const strategyPerformance = pgTable(
  'strategy_performance',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    strategyId: integer('strategy_id').notNull(),
    backtestId: varchar('backtest_id', { length: 100 }).notNull().default(''),
    totalReturn: numeric('total_return', { precision: 15, scale: 6 }),
    annualizedReturn: numeric('annualized_return', { precision: 15, scale: 6 }),
    volatility: numeric('volatility', { precision: 15, scale: 6 }),
    sharpeRatio: numeric('sharpe_ratio', { precision: 15, scale: 6 }),
    maxDrawdown: numeric('max_drawdown', { precision: 15, scale: 6 }),
    profitFactor: numeric('profit_factor', { precision: 15, scale: 6 }),
    avgTradeReturn: numeric('avg_trade_return', { precision: 15, scale: 6 }),
    winRate: numeric('win_rate', { precision: 5, scale: 2 }),
    totalTrades: integer('total_trades').notNull().default(0),
    winningTrades: integer('winning_trades').notNull().default(0),
    losingTrades: integer('losing_trades').notNull().default(0),
    startDate: date('start_date'),
    endDate: date('end_date'),
    initialCapital: numeric('initial_capital', { precision: 20, scale: 2 }),
    finalCapital: numeric('final_capital', { precision: 20, scale: 2 }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('strategy_performance_strategy_idx').on(t.strategyId, t.createdAt)],
);

/** Comments and reviews on strategies (Django's `StrategyComment`). */
export const strategyComments = pgTable(
  'strategy_comments',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    strategyId: integer('strategy_id').notNull(),
    authorId: integer('author_id').notNull(),
    content: text('content').notNull(),
    rating: integer('rating'),
    isReview: boolean('is_review').notNull().default(false),
    parentId: integer('parent_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('strategy_comments_strategy_idx').on(t.strategyId, t.createdAt)],
);

/** Tags (Django's `StrategyTag`); the many-to-many link to strategies is `strategy_tag_links`. */
export const strategyTags = pgTable(
  'strategy_tags',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    name: varchar('name', { length: 50 }).notNull(),
    description: text('description').notNull().default(''),
    color: varchar('color', { length: 7 }).notNull().default('#000000'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('strategy_tags_name_key').on(t.name)],
);

export const strategyTagLinks = pgTable(
  'strategy_tag_links',
  {
    tagId: integer('tag_id').notNull(),
    strategyId: integer('strategy_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tagId, t.strategyId] }), index('strategy_tag_links_strategy_idx').on(t.strategyId)],
);

/** The latest backtest of each strategy (Django's `LatestBacktestResult`), replaced by `save_result/`. */
export const latestBacktestResults = pgTable('latest_backtest_results', {
  strategyId: integer('strategy_id').primaryKey(),
  symbol: varchar('symbol', { length: 20 }).notNull().default('AAPL'),
  timeframe: varchar('timeframe', { length: 10 }).notNull().default('1d'),
  period: varchar('period', { length: 10 }).notNull().default('1y'),
  initialBalance: numeric('initial_balance', { precision: 20, scale: 2 }).notNull().default('10000'),
  commission: numeric('commission', { precision: 10, scale: 6 }).notNull().default('0.001'),
  totalTrades: integer('total_trades').notNull().default(0),
  winningTrades: integer('winning_trades').notNull().default(0),
  losingTrades: integer('losing_trades').notNull().default(0),
  winRate: numeric('win_rate', { precision: 5, scale: 2 }).notNull().default('0'),
  netProfit: numeric('net_profit', { precision: 20, scale: 2 }).notNull().default('0'),
  totalReturnPct: numeric('total_return_pct', { precision: 15, scale: 6 }).notNull().default('0'),
  finalEquity: numeric('final_equity', { precision: 20, scale: 2 }),
  maxDrawdown: numeric('max_drawdown', { precision: 15, scale: 6 }).notNull().default('0'),
  sharpeRatio: numeric('sharpe_ratio', { precision: 15, scale: 6 }),
  trades: jsonb('trades').$type<unknown[]>().notNull().default([]),
  equityCurve: jsonb('equity_curve').$type<unknown[]>().notNull().default([]),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Each sandboxed execution of a strategy's bot (`execute/`, the generate paths), for `execution_history/`. */
export const strategyExecutions = pgTable(
  'strategy_executions',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    strategyId: integer('strategy_id').notNull(),
    success: boolean('success').notNull(),
    symbol: varchar('symbol', { length: 20 }).notNull(),
    returnPct: doublePrecision('return_pct'),
    numTrades: integer('num_trades'),
    winRate: doublePrecision('win_rate'),
    sharpeRatio: doublePrecision('sharpe_ratio'),
    maxDrawdown: doublePrecision('max_drawdown'),
    executionTime: doublePrecision('execution_time'),
    errorType: varchar('error_type', { length: 32 }),
    errorMessage: text('error_message'),
    /** The strategy version (strategy_versions.number) whose code ran; null when the code was no version's. */
    strategyVersion: integer('strategy_version'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('strategy_executions_strategy_idx').on(t.strategyId, t.createdAt)],
);

/**
 * The verification state of each strategy's bot (Django's `BotPerformance`, one row per strategy), written by
 * `/api/strategies/bot-performance/verify_bot/`. status: untested | testing | verified | failed; the figures
 * are those of the last test run (null when it failed).
 */
export const botPerformance = pgTable(
  'bot_performance',
  {
    strategyId: integer('strategy_id').primaryKey(),
    isVerified: boolean('is_verified').notNull().default(false),
    status: varchar('status', { length: 20 }).notNull().default('untested'),
    totalReturn: numeric('total_return', { precision: 15, scale: 6 }),
    winRate: numeric('win_rate', { precision: 5, scale: 2 }),
    sharpeRatio: numeric('sharpe_ratio', { precision: 15, scale: 6 }),
    maxDrawdown: numeric('max_drawdown', { precision: 15, scale: 6 }),
    totalTrades: integer('total_trades').notNull().default(0),
    symbol: varchar('symbol', { length: 20 }).notNull().default('AAPL'),
    timeframe: varchar('timeframe', { length: 10 }).notNull().default('1d'),
    initialBalance: numeric('initial_balance', { precision: 20, scale: 2 }).notNull().default('10000'),
    commission: numeric('commission', { precision: 10, scale: 6 }).notNull().default('0.002'),
    verificationNotes: text('verification_notes').notNull().default(''),
    lastTestedAt: timestamp('last_tested_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('bot_performance_verified_idx').on(t.isVerified, t.totalReturn)],
);

/** Every verification run of a strategy's bot (Django's `BotTestRun`), for `{id}/test_history/`. */
export const botTestRuns = pgTable(
  'bot_test_runs',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    strategyId: integer('strategy_id').notNull(),
    symbol: varchar('symbol', { length: 20 }).notNull(),
    timeframe: varchar('timeframe', { length: 10 }).notNull(),
    period: varchar('period', { length: 10 }).notNull(),
    initialBalance: numeric('initial_balance', { precision: 20, scale: 2 }).notNull(),
    commission: numeric('commission', { precision: 10, scale: 6 }).notNull(),
    success: boolean('success').notNull(),
    errorType: varchar('error_type', { length: 32 }),
    errorMessage: text('error_message'),
    metrics: jsonb('metrics').$type<Record<string, number>>(),
    /** The strategy version (strategy_versions.number) whose code ran; null when the code was no version's. */
    strategyVersion: integer('strategy_version'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('bot_test_runs_strategy_idx').on(t.strategyId, t.startedAt)],
);

// ---------------------------------------------------------------------------------------------------------
// Production (src/production): lifecycle, audit log, sandbox runs, immutable strategy versions
// ---------------------------------------------------------------------------------------------------------

/**
 * Where each strategy stands in the production lifecycle (src/production/core/lifecycle.ts), one row per
 * strategy, created at its first production action. `current_version` is the number of the strategy version
 * whose code is current (after a deploy or a rollback), null before the first deploy.
 */
export const strategyLifecycles = pgTable('strategy_lifecycles', {
  strategyId: integer('strategy_id').primaryKey(),
  status: varchar('status', { length: 16 }).notNull().default('generated'),
  generationAttempts: integer('generation_attempts').notNull().default(0),
  testAttempts: integer('test_attempts').notNull().default(0),
  fixAttempts: integer('fix_attempts').notNull().default(0),
  errorCount: integer('error_count').notNull().default(0),
  lastError: text('last_error'),
  currentVersion: integer('current_version'),
  lastTestAt: timestamp('last_test_at', { withTimezone: true }),
  lastSuccessAt: timestamp('last_success_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** The audit log of the lifecycle: who did what, when, and the state before and after. Append-only. */
export const strategyLifecycleEvents = pgTable(
  'strategy_lifecycle_events',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    strategyId: integer('strategy_id').notNull(),
    actorId: integer('actor_id'),
    actorName: varchar('actor_name', { length: 150 }).notNull(),
    action: varchar('action', { length: 32 }).notNull(),
    fromStatus: varchar('from_status', { length: 16 }).notNull(),
    toStatus: varchar('to_status', { length: 16 }).notNull(),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('strategy_lifecycle_events_strategy_idx').on(t.strategyId, t.id)],
);

/**
 * Sandboxed test runs of a strategy's code (`kind` strategy_test) and sandboxed backtests (`kind` backtest):
 * status queued | running | completed | failed; `code_hash` is the sha256 of the exact code run, `result` the
 * full answer. A deploy needs a completed, successful run of the code being deployed.
 */
export const productionSandboxRuns = pgTable(
  'production_sandbox_runs',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    kind: varchar('kind', { length: 16 }).notNull(),
    strategyId: integer('strategy_id').notNull(),
    userId: integer('user_id'),
    status: varchar('status', { length: 16 }).notNull().default('queued'),
    success: boolean('success'),
    codeHash: varchar('code_hash', { length: 64 }).notNull(),
    strategyVersion: integer('strategy_version'),
    request: jsonb('request').$type<Record<string, unknown>>().notNull().default({}),
    result: jsonb('result').$type<Record<string, unknown>>(),
    errorMessage: text('error_message'),
    executionTime: doublePrecision('execution_time'),
    startedAt: timestamp('started_at', { withTimezone: true }),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('production_sandbox_runs_strategy_idx').on(t.strategyId, t.codeHash, t.id)],
);

/**
 * Immutable, numbered versions of a strategy (deploy/ freezes one; rollback/ makes an earlier one current).
 * Never updated or deleted. `content_hash` covers code and parameters, `code_hash` the code alone.
 */
export const strategyVersions = pgTable(
  'strategy_versions',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    strategyId: integer('strategy_id').notNull(),
    number: integer('number').notNull(),
    code: text('code').notNull(),
    parameters: jsonb('parameters').$type<Record<string, unknown>>().notNull().default({}),
    codeHash: varchar('code_hash', { length: 64 }).notNull(),
    contentHash: varchar('content_hash', { length: 64 }).notNull(),
    testRunId: integer('test_run_id').notNull(),
    testResult: jsonb('test_result').$type<Record<string, unknown>>().notNull(),
    message: text('message').notNull(),
    tag: varchar('tag', { length: 50 }),
    createdBy: integer('created_by'),
    createdByName: varchar('created_by_name', { length: 150 }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('strategy_versions_strategy_number_key').on(t.strategyId, t.number),
    uniqueIndex('strategy_versions_strategy_tag_key').on(t.strategyId, t.tag),
    index('strategy_versions_strategy_code_idx').on(t.strategyId, t.codeHash),
  ],
);

// DataModule (`src/data`): Django's data_api — symbols, stored market data, indicators, data requests.
// Links between these tables are kept by the data repositories (no FK constraints, as above).

/** Tradeable symbols (Django's `Symbol`); `symbol` is stored upper case by the fetch action. */
export const dataSymbols = pgTable(
  'data_symbols',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    symbol: varchar('symbol', { length: 20 }).notNull(),
    name: varchar('name', { length: 255 }).notNull(),
    exchange: varchar('exchange', { length: 50 }).notNull().default(''),
    sector: varchar('sector', { length: 100 }).notNull().default(''),
    industry: varchar('industry', { length: 100 }).notNull().default(''),
    isActive: boolean('is_active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('data_symbols_symbol_key').on(t.symbol)],
);

/** Every fetch (Django's `DataRequest`): pending → processing → completed | failed; `req_` + 8 hex ids. */
export const dataRequests = pgTable(
  'data_requests',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    requestId: varchar('request_id', { length: 50 }).notNull(),
    symbolId: integer('symbol_id').notNull(),
    period: varchar('period', { length: 10 }).notNull().default('1y'),
    interval: varchar('interval', { length: 10 }).notNull().default('1d'),
    status: varchar('status', { length: 20 }).notNull().default('pending'),
    requestedBy: integer('requested_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    errorMessage: text('error_message').notNull().default(''),
  },
  (t) => [
    uniqueIndex('data_requests_request_id_key').on(t.requestId),
    index('data_requests_created_idx').on(t.createdAt),
    index('data_requests_requested_by_idx').on(t.requestedBy, t.createdAt),
  ],
);

/**
 * OHLCV bars (Django's `MarketData`), one row per symbol × interval × bar start. The unique index doubles as the
 * range index: `symbol_id = ? AND interval = ? AND timestamp BETWEEN ? AND ?` reads one contiguous slice of it.
 */
export const marketData = pgTable(
  'market_data',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    symbolId: integer('symbol_id').notNull(),
    interval: varchar('interval', { length: 10 }).notNull().default('1d'),
    timestamp: timestamp('timestamp', { withTimezone: true }).notNull(),
    openPrice: numeric('open_price', { precision: 20, scale: 6 }).notNull(),
    highPrice: numeric('high_price', { precision: 20, scale: 6 }).notNull(),
    lowPrice: numeric('low_price', { precision: 20, scale: 6 }).notNull(),
    closePrice: numeric('close_price', { precision: 20, scale: 6 }).notNull(),
    volume: bigint('volume', { mode: 'number' }).notNull(),
    adjClose: numeric('adj_close', { precision: 20, scale: 6 }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('market_data_symbol_interval_ts_key').on(t.symbolId, t.interval, t.timestamp),
    index('market_data_timestamp_idx').on(t.timestamp),
  ],
);

/**
 * What each completed fetch stored, per symbol × interval × source: the DB-backed market-data layer serves a
 * backtest from the stored bars while the newest coverage is fresh (see `src/data/stored-bars.provider.ts`).
 */
export const marketDataCoverage = pgTable(
  'market_data_coverage',
  {
    symbolId: integer('symbol_id').notNull(),
    interval: varchar('interval', { length: 10 }).notNull(),
    source: varchar('source', { length: 20 }).notNull(),
    days: integer('days').notNull(),
    firstBar: timestamp('first_bar', { withTimezone: true }).notNull(),
    lastBar: timestamp('last_bar', { withTimezone: true }).notNull(),
    bars: integer('bars').notNull(),
    synthetic: boolean('synthetic').notNull(),
    fetchedAt: timestamp('fetched_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.symbolId, t.interval, t.source] })],
);

/** Indicator definitions (Django's `Indicator`), ordered by category, name. */
export const dataIndicators = pgTable(
  'data_indicators',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    name: varchar('name', { length: 100 }).notNull(),
    displayName: varchar('display_name', { length: 200 }).notNull(),
    description: text('description').notNull(),
    category: varchar('category', { length: 50 }).notNull(),
    parameters: jsonb('parameters').$type<Record<string, unknown>>().notNull().default({}),
    isActive: boolean('is_active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('data_indicators_name_key').on(t.name), index('data_indicators_category_idx').on(t.category, t.name)],
);

/** Stored indicator values (Django's `IndicatorData`), written through its CRUD route only. */
export const indicatorData = pgTable(
  'indicator_data',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    symbolId: integer('symbol_id').notNull(),
    indicatorId: integer('indicator_id').notNull(),
    timestamp: timestamp('timestamp', { withTimezone: true }).notNull(),
    value: jsonb('value').$type<unknown>().notNull(),
    parameters: jsonb('parameters').$type<unknown>().notNull(),
    interval: varchar('interval', { length: 10 }).notNull().default('1d'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('indicator_data_symbol_indicator_interval_ts_key').on(t.symbolId, t.indicatorId, t.interval, t.timestamp),
    index('indicator_data_timestamp_idx').on(t.timestamp),
  ],
);

// ------------------------------------------------------------------ backtests (issue 18: /api/backtests/)

/**
 * Backtest settings (Django's `BacktestConfig`). `stop_loss` / `take_profit` are percentages of the entry
 * price, `max_position_size` the fraction of cash an entry uses. `created_by` null = made without an account.
 */
export const backtestConfigs = pgTable(
  'backtest_configs',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    name: varchar('name', { length: 200 }).notNull(),
    description: text('description').notNull().default(''),
    startDate: date('start_date').notNull(),
    endDate: date('end_date').notNull(),
    initialCapital: numeric('initial_capital', { precision: 20, scale: 2 }).notNull().default('10000.00'),
    commission: numeric('commission', { precision: 10, scale: 6 }).notNull().default('0.001000'),
    slippage: numeric('slippage', { precision: 10, scale: 6 }).notNull().default('0.000500'),
    maxPositionSize: numeric('max_position_size', { precision: 5, scale: 2 }).notNull().default('1.00'),
    stopLoss: numeric('stop_loss', { precision: 5, scale: 2 }),
    takeProfit: numeric('take_profit', { precision: 5, scale: 2 }),
    dataSource: varchar('data_source', { length: 50 }).notNull().default('yfinance'),
    timeframe: varchar('timeframe', { length: 10 }).notNull().default('1d'),
    benchmarkSymbol: varchar('benchmark_symbol', { length: 20 }).notNull().default('SPY'),
    /** Not in Django: a run whose max drawdown exceeds this percentage gets a warning alert. */
    maxDrawdownLimit: numeric('max_drawdown_limit', { precision: 5, scale: 2 }).notNull().default('20.00'),
    createdBy: integer('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    isTemplate: boolean('is_template').notNull().default(false),
  },
  (t) => [index('backtest_configs_created_by_idx').on(t.createdBy, t.createdAt), index('backtest_configs_template_idx').on(t.isTemplate)],
);

/**
 * One backtest of a strategy over 1–50 symbols (Django's `BacktestRun`). status: pending | queued | running |
 * completed | failed | cancelled; `progress` 0–100 is written as the run goes; the summary columns are
 * copied from the result when it completes.
 */
export const backtestRuns = pgTable(
  'backtest_runs',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    runId: varchar('run_id', { length: 100 }).notNull(),
    configId: integer('config_id').notNull(),
    strategyId: integer('strategy_id').notNull(),
    symbols: jsonb('symbols').$type<string[]>().notNull(),
    status: varchar('status', { length: 20 }).notNull().default('pending'),
    progress: numeric('progress', { precision: 5, scale: 2 }).notNull().default('0.00'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    executionTime: numeric('execution_time', { precision: 10, scale: 3 }),
    totalReturn: numeric('total_return', { precision: 15, scale: 6 }),
    annualizedReturn: numeric('annualized_return', { precision: 15, scale: 6 }),
    maxDrawdown: numeric('max_drawdown', { precision: 15, scale: 6 }),
    sharpeRatio: numeric('sharpe_ratio', { precision: 15, scale: 6 }),
    totalTrades: integer('total_trades'),
    winRate: numeric('win_rate', { precision: 5, scale: 2 }),
    errorMessage: text('error_message').notNull().default(''),
    errorTraceback: text('error_traceback').notNull().default(''),
    createdBy: integer('created_by'),
  },
  (t) => [
    uniqueIndex('backtest_runs_run_id_key').on(t.runId),
    index('backtest_runs_created_by_idx').on(t.createdBy, t.createdAt),
    index('backtest_runs_strategy_idx').on(t.strategyId),
    index('backtest_runs_config_idx').on(t.configId),
  ],
);

/** The full result of a completed run (Django's `BacktestResult`, one per run). */
export const backtestResults = pgTable(
  'backtest_results',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    runId: integer('run_id').notNull(),
    finalPortfolioValue: numeric('final_portfolio_value', { precision: 20, scale: 2 }).notNull(),
    totalReturnPct: numeric('total_return_pct', { precision: 15, scale: 6 }).notNull(),
    annualizedReturnPct: numeric('annualized_return_pct', { precision: 15, scale: 6 }).notNull(),
    volatility: numeric('volatility', { precision: 15, scale: 6 }).notNull(),
    sharpeRatio: numeric('sharpe_ratio', { precision: 15, scale: 6 }).notNull(),
    sortinoRatio: numeric('sortino_ratio', { precision: 15, scale: 6 }),
    calmarRatio: numeric('calmar_ratio', { precision: 15, scale: 6 }),
    maxDrawdownPct: numeric('max_drawdown_pct', { precision: 15, scale: 6 }).notNull(),
    maxDrawdownDuration: integer('max_drawdown_duration').notNull(),
    currentDrawdownPct: numeric('current_drawdown_pct', { precision: 15, scale: 6 }).notNull(),
    totalTrades: integer('total_trades').notNull(),
    winningTrades: integer('winning_trades').notNull(),
    losingTrades: integer('losing_trades').notNull(),
    winRatePct: numeric('win_rate_pct', { precision: 5, scale: 2 }).notNull(),
    avgTradeReturnPct: numeric('avg_trade_return_pct', { precision: 15, scale: 6 }).notNull(),
    avgWinningTradePct: numeric('avg_winning_trade_pct', { precision: 15, scale: 6 }).notNull(),
    avgLosingTradePct: numeric('avg_losing_trade_pct', { precision: 15, scale: 6 }).notNull(),
    largestWinningTradePct: numeric('largest_winning_trade_pct', { precision: 15, scale: 6 }).notNull(),
    largestLosingTradePct: numeric('largest_losing_trade_pct', { precision: 15, scale: 6 }).notNull(),
    profitFactor: numeric('profit_factor', { precision: 15, scale: 6 }),
    recoveryFactor: numeric('recovery_factor', { precision: 15, scale: 6 }),
    payoffRatio: numeric('payoff_ratio', { precision: 15, scale: 6 }),
    benchmarkReturnPct: numeric('benchmark_return_pct', { precision: 15, scale: 6 }),
    alpha: numeric('alpha', { precision: 15, scale: 6 }),
    beta: numeric('beta', { precision: 15, scale: 6 }),
    portfolioValues: jsonb('portfolio_values').$type<unknown[]>().notNull(),
    returns: jsonb('returns').$type<unknown[]>().notNull(),
    drawdowns: jsonb('drawdowns').$type<unknown[]>().notNull(),
    positions: jsonb('positions').$type<unknown[]>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('backtest_results_run_key').on(t.runId)],
);

/** Every trade of a run (Django's `Trade`); newest entry first. */
export const backtestTrades = pgTable(
  'backtest_trades',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    runId: integer('run_id').notNull(),
    symbol: varchar('symbol', { length: 20 }).notNull(),
    tradeType: varchar('trade_type', { length: 10 }).notNull(),
    status: varchar('status', { length: 20 }).notNull().default('open'),
    entryDate: timestamp('entry_date', { withTimezone: true }).notNull(),
    entryPrice: numeric('entry_price', { precision: 20, scale: 6 }).notNull(),
    quantity: numeric('quantity', { precision: 20, scale: 6 }).notNull(),
    entryValue: numeric('entry_value', { precision: 20, scale: 2 }).notNull(),
    entryCommission: numeric('entry_commission', { precision: 20, scale: 6 }).notNull().default('0'),
    exitDate: timestamp('exit_date', { withTimezone: true }),
    exitPrice: numeric('exit_price', { precision: 20, scale: 6 }),
    exitValue: numeric('exit_value', { precision: 20, scale: 2 }),
    exitCommission: numeric('exit_commission', { precision: 20, scale: 6 }).notNull().default('0'),
    pnl: numeric('pnl', { precision: 20, scale: 2 }),
    pnlPct: numeric('pnl_pct', { precision: 15, scale: 6 }),
    holdingPeriod: integer('holding_period'),
    signalName: varchar('signal_name', { length: 100 }).notNull().default(''),
    notes: text('notes').notNull().default(''),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('backtest_trades_run_idx').on(t.runId, t.entryDate), index('backtest_trades_symbol_idx').on(t.symbol)],
);

/** Notes a run leaves for its owner (Django's `BacktestAlert`): no trades, drawdown over the limit, a failed symbol. */
export const backtestAlerts = pgTable(
  'backtest_alerts',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    runId: integer('run_id').notNull(),
    alertType: varchar('alert_type', { length: 20 }).notNull(),
    title: varchar('title', { length: 200 }).notNull(),
    message: text('message').notNull(),
    timestamp: timestamp('timestamp', { withTimezone: true }).notNull(),
    symbol: varchar('symbol', { length: 20 }).notNull().default(''),
    tradeId: varchar('trade_id', { length: 100 }).notNull().default(''),
    contextData: jsonb('context_data').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('backtest_alerts_run_idx').on(t.runId, t.timestamp)],
);
// --- Usage accounting (src/usage) ------------------------------------------------------------------

/** Successful Gemini calls and their tokens, one row per UTC day, user, key and model (upserted per call). */
export const geminiUsageDaily = pgTable(
  'gemini_usage_daily',
  {
    day: date('day', { mode: 'string' }).notNull(),
    /** The sticky user key: `user:<id>`, or `anonymous:<hash>` for calls without a signed-in user. */
    userKey: varchar('user_key', { length: 128 }).notNull(),
    keyId: varchar('key_id', { length: 128 }).notNull(),
    model: varchar('model', { length: 64 }).notNull(),
    requests: integer('requests').notNull().default(0),
    promptTokens: integer('prompt_tokens').notNull().default(0),
    outputTokens: integer('output_tokens').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.day, t.userKey, t.keyId, t.model] }), index('gemini_usage_daily_user_idx').on(t.userKey, t.day)],
);

// ---- Jobs (src/jobs) -------------------------------------------------------------------------------

/**
 * Every long piece of work, whichever queue runs it (BullMQ or the embedded one): its validated command,
 * state, progress and outcome. The embedded queue also claims from here (`run_at`, `locked_until`).
 * Status: queued | running | delayed | succeeded | failed | cancelled.
 */
export const jobs = pgTable(
  'jobs',
  {
    id: varchar('id', { length: 40 }).primaryKey(),
    kind: varchar('kind', { length: 64 }).notNull(),
    ownerId: integer('owner_id'),
    status: varchar('status', { length: 16 }).notNull(),
    payload: jsonb('payload').$type<unknown>().notNull(),
    progress: integer('progress').notNull().default(0),
    info: jsonb('info').$type<Record<string, unknown>>(),
    result: jsonb('result').$type<unknown>(),
    error: jsonb('error').$type<Record<string, unknown>>(),
    checkpoint: jsonb('checkpoint').$type<Record<string, unknown>>(),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull(),
    cancelRequested: boolean('cancel_requested').notNull().default(false),
    runAt: timestamp('run_at', { withTimezone: true }).notNull().defaultNow(),
    lockedBy: varchar('locked_by', { length: 64 }),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [index('jobs_kind_status_run_at_idx').on(t.kind, t.status, t.runAt), index('jobs_owner_idx').on(t.ownerId, t.createdAt)],
);

/** A job's events in order (`seq` from 1), kept for replay after a disconnect (`Last-Event-ID`). */
export const jobEvents = pgTable(
  'job_events',
  {
    jobId: varchar('job_id', { length: 40 }).notNull(),
    seq: integer('seq').notNull(),
    type: varchar('type', { length: 32 }).notNull(),
    data: jsonb('data').$type<Record<string, unknown>>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.seq] })],
);
