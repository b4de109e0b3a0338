CREATE TABLE "backtest_alerts" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "backtest_alerts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"run_id" integer NOT NULL,
	"alert_type" varchar(20) NOT NULL,
	"title" varchar(200) NOT NULL,
	"message" text NOT NULL,
	"timestamp" timestamp with time zone NOT NULL,
	"symbol" varchar(20) DEFAULT '' NOT NULL,
	"trade_id" varchar(100) DEFAULT '' NOT NULL,
	"context_data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "backtest_configs" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "backtest_configs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"name" varchar(200) NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"start_date" date NOT NULL,
	"end_date" date NOT NULL,
	"initial_capital" numeric(20, 2) DEFAULT '10000.00' NOT NULL,
	"commission" numeric(10, 6) DEFAULT '0.001000' NOT NULL,
	"slippage" numeric(10, 6) DEFAULT '0.000500' NOT NULL,
	"max_position_size" numeric(5, 2) DEFAULT '1.00' NOT NULL,
	"stop_loss" numeric(5, 2),
	"take_profit" numeric(5, 2),
	"data_source" varchar(50) DEFAULT 'yfinance' NOT NULL,
	"timeframe" varchar(10) DEFAULT '1d' NOT NULL,
	"benchmark_symbol" varchar(20) DEFAULT 'SPY' NOT NULL,
	"max_drawdown_limit" numeric(5, 2) DEFAULT '20.00' NOT NULL,
	"created_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"is_template" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "backtest_results" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "backtest_results_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"run_id" integer NOT NULL,
	"final_portfolio_value" numeric(20, 2) NOT NULL,
	"total_return_pct" numeric(15, 6) NOT NULL,
	"annualized_return_pct" numeric(15, 6) NOT NULL,
	"volatility" numeric(15, 6) NOT NULL,
	"sharpe_ratio" numeric(15, 6) NOT NULL,
	"sortino_ratio" numeric(15, 6),
	"calmar_ratio" numeric(15, 6),
	"max_drawdown_pct" numeric(15, 6) NOT NULL,
	"max_drawdown_duration" integer NOT NULL,
	"current_drawdown_pct" numeric(15, 6) NOT NULL,
	"total_trades" integer NOT NULL,
	"winning_trades" integer NOT NULL,
	"losing_trades" integer NOT NULL,
	"win_rate_pct" numeric(5, 2) NOT NULL,
	"avg_trade_return_pct" numeric(15, 6) NOT NULL,
	"avg_winning_trade_pct" numeric(15, 6) NOT NULL,
	"avg_losing_trade_pct" numeric(15, 6) NOT NULL,
	"largest_winning_trade_pct" numeric(15, 6) NOT NULL,
	"largest_losing_trade_pct" numeric(15, 6) NOT NULL,
	"profit_factor" numeric(15, 6),
	"recovery_factor" numeric(15, 6),
	"payoff_ratio" numeric(15, 6),
	"benchmark_return_pct" numeric(15, 6),
	"alpha" numeric(15, 6),
	"beta" numeric(15, 6),
	"portfolio_values" jsonb NOT NULL,
	"returns" jsonb NOT NULL,
	"drawdowns" jsonb NOT NULL,
	"positions" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "backtest_runs" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "backtest_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"run_id" varchar(100) NOT NULL,
	"config_id" integer NOT NULL,
	"strategy_id" integer NOT NULL,
	"symbols" jsonb NOT NULL,
	"status" varchar(20) DEFAULT 'pending' NOT NULL,
	"progress" numeric(5, 2) DEFAULT '0.00' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"execution_time" numeric(10, 3),
	"total_return" numeric(15, 6),
	"annualized_return" numeric(15, 6),
	"max_drawdown" numeric(15, 6),
	"sharpe_ratio" numeric(15, 6),
	"total_trades" integer,
	"win_rate" numeric(5, 2),
	"error_message" text DEFAULT '' NOT NULL,
	"error_traceback" text DEFAULT '' NOT NULL,
	"created_by" integer
);
--> statement-breakpoint
CREATE TABLE "backtest_trades" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "backtest_trades_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"run_id" integer NOT NULL,
	"symbol" varchar(20) NOT NULL,
	"trade_type" varchar(10) NOT NULL,
	"status" varchar(20) DEFAULT 'open' NOT NULL,
	"entry_date" timestamp with time zone NOT NULL,
	"entry_price" numeric(20, 6) NOT NULL,
	"quantity" numeric(20, 6) NOT NULL,
	"entry_value" numeric(20, 2) NOT NULL,
	"entry_commission" numeric(20, 6) DEFAULT '0' NOT NULL,
	"exit_date" timestamp with time zone,
	"exit_price" numeric(20, 6),
	"exit_value" numeric(20, 2),
	"exit_commission" numeric(20, 6) DEFAULT '0' NOT NULL,
	"pnl" numeric(20, 2),
	"pnl_pct" numeric(15, 6),
	"holding_period" integer,
	"signal_name" varchar(100) DEFAULT '' NOT NULL,
	"notes" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "backtest_alerts_run_idx" ON "backtest_alerts" USING btree ("run_id","timestamp");--> statement-breakpoint
CREATE INDEX "backtest_configs_created_by_idx" ON "backtest_configs" USING btree ("created_by","created_at");--> statement-breakpoint
CREATE INDEX "backtest_configs_template_idx" ON "backtest_configs" USING btree ("is_template");--> statement-breakpoint
CREATE UNIQUE INDEX "backtest_results_run_key" ON "backtest_results" USING btree ("run_id");--> statement-breakpoint
CREATE UNIQUE INDEX "backtest_runs_run_id_key" ON "backtest_runs" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "backtest_runs_created_by_idx" ON "backtest_runs" USING btree ("created_by","created_at");--> statement-breakpoint
CREATE INDEX "backtest_runs_strategy_idx" ON "backtest_runs" USING btree ("strategy_id");--> statement-breakpoint
CREATE INDEX "backtest_runs_config_idx" ON "backtest_runs" USING btree ("config_id");--> statement-breakpoint
CREATE INDEX "backtest_trades_run_idx" ON "backtest_trades" USING btree ("run_id","entry_date");--> statement-breakpoint
CREATE INDEX "backtest_trades_symbol_idx" ON "backtest_trades" USING btree ("symbol");