CREATE TABLE "latest_backtest_results" (
	"strategy_id" integer PRIMARY KEY NOT NULL,
	"symbol" varchar(20) DEFAULT 'AAPL' NOT NULL,
	"timeframe" varchar(10) DEFAULT '1d' NOT NULL,
	"period" varchar(10) DEFAULT '1y' NOT NULL,
	"initial_balance" numeric(20, 2) DEFAULT '10000' NOT NULL,
	"commission" numeric(10, 6) DEFAULT '0.001' NOT NULL,
	"total_trades" integer DEFAULT 0 NOT NULL,
	"winning_trades" integer DEFAULT 0 NOT NULL,
	"losing_trades" integer DEFAULT 0 NOT NULL,
	"win_rate" numeric(5, 2) DEFAULT '0' NOT NULL,
	"net_profit" numeric(20, 2) DEFAULT '0' NOT NULL,
	"total_return_pct" numeric(15, 6) DEFAULT '0' NOT NULL,
	"final_equity" numeric(20, 2),
	"max_drawdown" numeric(15, 6) DEFAULT '0' NOT NULL,
	"sharpe_ratio" numeric(15, 6),
	"trades" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"equity_curve" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "strategies" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "strategies_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"name" varchar(200) NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"template_id" integer,
	"strategy_code" text DEFAULT '' NOT NULL,
	"parameters" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" varchar(20) DEFAULT 'draft' NOT NULL,
	"version" varchar(20) DEFAULT '1.0.0' NOT NULL,
	"tags" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"timeframe" varchar(20) DEFAULT '' NOT NULL,
	"risk_level" varchar(20) DEFAULT '' NOT NULL,
	"expected_return" numeric(10, 4),
	"max_drawdown" numeric(10, 4),
	"file_path" text,
	"bot_id" integer,
	"created_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_validated" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "strategy_comments" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "strategy_comments_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"strategy_id" integer NOT NULL,
	"author_id" integer NOT NULL,
	"content" text NOT NULL,
	"rating" integer,
	"is_review" boolean DEFAULT false NOT NULL,
	"parent_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "strategy_executions" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "strategy_executions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"strategy_id" integer NOT NULL,
	"success" boolean NOT NULL,
	"symbol" varchar(20) NOT NULL,
	"return_pct" double precision,
	"num_trades" integer,
	"win_rate" double precision,
	"sharpe_ratio" double precision,
	"max_drawdown" double precision,
	"execution_time" double precision,
	"error_type" varchar(32),
	"error_message" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "strategy_performance" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "strategy_performance_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"strategy_id" integer NOT NULL,
	"backtest_id" varchar(100) DEFAULT '' NOT NULL,
	"total_return" numeric(15, 6),
	"annualized_return" numeric(15, 6),
	"volatility" numeric(15, 6),
	"sharpe_ratio" numeric(15, 6),
	"max_drawdown" numeric(15, 6),
	"profit_factor" numeric(15, 6),
	"avg_trade_return" numeric(15, 6),
	"win_rate" numeric(5, 2),
	"total_trades" integer DEFAULT 0 NOT NULL,
	"winning_trades" integer DEFAULT 0 NOT NULL,
	"losing_trades" integer DEFAULT 0 NOT NULL,
	"start_date" date,
	"end_date" date,
	"initial_capital" numeric(20, 2),
	"final_capital" numeric(20, 2),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "strategy_tag_links" (
	"tag_id" integer NOT NULL,
	"strategy_id" integer NOT NULL,
	CONSTRAINT "strategy_tag_links_tag_id_strategy_id_pk" PRIMARY KEY("tag_id","strategy_id")
);
--> statement-breakpoint
CREATE TABLE "strategy_tags" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "strategy_tags_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"name" varchar(50) NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"color" varchar(7) DEFAULT '#000000' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "strategy_templates" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "strategy_templates_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"name" varchar(200) NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"category" varchar(100) DEFAULT '' NOT NULL,
	"template_code" text DEFAULT '' NOT NULL,
	"parameters_schema" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"is_active" boolean DEFAULT true NOT NULL,
	"linked_strategy_id" integer,
	"is_system_template" boolean DEFAULT false NOT NULL,
	"latest_strategy_code" text DEFAULT '' NOT NULL,
	"latest_parameters" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"chat_history" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "strategy_validations" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "strategy_validations_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"strategy_id" integer NOT NULL,
	"validation_type" varchar(50) NOT NULL,
	"status" varchar(20) DEFAULT 'pending' NOT NULL,
	"score" numeric(5, 2),
	"passed_checks" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"failed_checks" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"warnings" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"recommendations" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"validator_version" varchar(20) DEFAULT '' NOT NULL,
	"validation_config" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"execution_time" numeric(10, 3),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "strategies_name_version_key" ON "strategies" USING btree ("name","version");--> statement-breakpoint
CREATE INDEX "strategies_created_by_idx" ON "strategies" USING btree ("created_by","created_at");--> statement-breakpoint
CREATE INDEX "strategy_comments_strategy_idx" ON "strategy_comments" USING btree ("strategy_id","created_at");--> statement-breakpoint
CREATE INDEX "strategy_executions_strategy_idx" ON "strategy_executions" USING btree ("strategy_id","created_at");--> statement-breakpoint
CREATE INDEX "strategy_performance_strategy_idx" ON "strategy_performance" USING btree ("strategy_id","created_at");--> statement-breakpoint
CREATE INDEX "strategy_tag_links_strategy_idx" ON "strategy_tag_links" USING btree ("strategy_id");--> statement-breakpoint
CREATE UNIQUE INDEX "strategy_tags_name_key" ON "strategy_tags" USING btree ("name");--> statement-breakpoint
CREATE UNIQUE INDEX "strategy_templates_name_key" ON "strategy_templates" USING btree ("name");--> statement-breakpoint
CREATE INDEX "strategy_templates_category_idx" ON "strategy_templates" USING btree ("category","name");--> statement-breakpoint
CREATE INDEX "strategy_validations_strategy_idx" ON "strategy_validations" USING btree ("strategy_id","created_at");