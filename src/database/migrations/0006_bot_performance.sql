CREATE TABLE "bot_performance" (
	"strategy_id" integer PRIMARY KEY NOT NULL,
	"is_verified" boolean DEFAULT false NOT NULL,
	"status" varchar(20) DEFAULT 'untested' NOT NULL,
	"total_return" numeric(15, 6),
	"win_rate" numeric(5, 2),
	"sharpe_ratio" numeric(15, 6),
	"max_drawdown" numeric(15, 6),
	"total_trades" integer DEFAULT 0 NOT NULL,
	"symbol" varchar(20) DEFAULT 'AAPL' NOT NULL,
	"timeframe" varchar(10) DEFAULT '1d' NOT NULL,
	"initial_balance" numeric(20, 2) DEFAULT '10000' NOT NULL,
	"commission" numeric(10, 6) DEFAULT '0.002' NOT NULL,
	"verification_notes" text DEFAULT '' NOT NULL,
	"last_tested_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bot_test_runs" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "bot_test_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"strategy_id" integer NOT NULL,
	"symbol" varchar(20) NOT NULL,
	"timeframe" varchar(10) NOT NULL,
	"period" varchar(10) NOT NULL,
	"initial_balance" numeric(20, 2) NOT NULL,
	"commission" numeric(10, 6) NOT NULL,
	"success" boolean NOT NULL,
	"error_type" varchar(32),
	"error_message" text,
	"metrics" jsonb,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "bot_performance_verified_idx" ON "bot_performance" USING btree ("is_verified","total_return");--> statement-breakpoint
CREATE INDEX "bot_test_runs_strategy_idx" ON "bot_test_runs" USING btree ("strategy_id","started_at");