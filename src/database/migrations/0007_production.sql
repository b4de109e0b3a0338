CREATE TABLE "production_sandbox_runs" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "production_sandbox_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"kind" varchar(16) NOT NULL,
	"strategy_id" integer NOT NULL,
	"user_id" integer,
	"status" varchar(16) DEFAULT 'queued' NOT NULL,
	"success" boolean,
	"code_hash" varchar(64) NOT NULL,
	"strategy_version" integer,
	"request" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"result" jsonb,
	"error_message" text,
	"execution_time" double precision,
	"started_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "strategy_lifecycle_events" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "strategy_lifecycle_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"strategy_id" integer NOT NULL,
	"actor_id" integer,
	"actor_name" varchar(150) NOT NULL,
	"action" varchar(32) NOT NULL,
	"from_status" varchar(16) NOT NULL,
	"to_status" varchar(16) NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "strategy_lifecycles" (
	"strategy_id" integer PRIMARY KEY NOT NULL,
	"status" varchar(16) DEFAULT 'generated' NOT NULL,
	"generation_attempts" integer DEFAULT 0 NOT NULL,
	"test_attempts" integer DEFAULT 0 NOT NULL,
	"fix_attempts" integer DEFAULT 0 NOT NULL,
	"error_count" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"current_version" integer,
	"last_test_at" timestamp with time zone,
	"last_success_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "strategy_versions" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "strategy_versions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"strategy_id" integer NOT NULL,
	"number" integer NOT NULL,
	"code" text NOT NULL,
	"parameters" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"code_hash" varchar(64) NOT NULL,
	"content_hash" varchar(64) NOT NULL,
	"test_run_id" integer NOT NULL,
	"test_result" jsonb NOT NULL,
	"message" text NOT NULL,
	"tag" varchar(50),
	"created_by" integer,
	"created_by_name" varchar(150) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "bot_test_runs" ADD COLUMN "strategy_version" integer;--> statement-breakpoint
ALTER TABLE "strategy_executions" ADD COLUMN "strategy_version" integer;--> statement-breakpoint
CREATE INDEX "production_sandbox_runs_strategy_idx" ON "production_sandbox_runs" USING btree ("strategy_id","code_hash","id");--> statement-breakpoint
CREATE INDEX "strategy_lifecycle_events_strategy_idx" ON "strategy_lifecycle_events" USING btree ("strategy_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "strategy_versions_strategy_number_key" ON "strategy_versions" USING btree ("strategy_id","number");--> statement-breakpoint
CREATE UNIQUE INDEX "strategy_versions_strategy_tag_key" ON "strategy_versions" USING btree ("strategy_id","tag");--> statement-breakpoint
CREATE INDEX "strategy_versions_strategy_code_idx" ON "strategy_versions" USING btree ("strategy_id","code_hash");