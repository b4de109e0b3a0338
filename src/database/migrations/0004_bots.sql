CREATE TABLE "ai_dev_run_events" (
	"run_id" varchar(40) NOT NULL,
	"seq" integer NOT NULL,
	"step" varchar(16) NOT NULL,
	"progress" integer NOT NULL,
	"message" text NOT NULL,
	"data" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ai_dev_runs" (
	"id" varchar(40) PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"description" text NOT NULL,
	"strategy_name" varchar(200) NOT NULL,
	"auto_fix" boolean NOT NULL,
	"max_iterations" integer NOT NULL,
	"status" varchar(16) NOT NULL,
	"step" varchar(16) NOT NULL,
	"progress" integer DEFAULT 0 NOT NULL,
	"iterations" integer DEFAULT 0 NOT NULL,
	"bot_id" integer,
	"result" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bot_error_fixes" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "bot_error_fixes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"error_type" varchar(32) NOT NULL,
	"signature" text NOT NULL,
	"error_message" text NOT NULL,
	"fix_excerpt" text NOT NULL,
	"times_seen" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bot_fix_attempts" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "bot_fix_attempts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"bot_id" integer NOT NULL,
	"attempt" integer NOT NULL,
	"error_type" varchar(32) NOT NULL,
	"error_message" text NOT NULL,
	"success" boolean NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bots" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "bots_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"user_id" integer,
	"name" varchar(200) NOT NULL,
	"file_name" varchar(80) NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"code" text NOT NULL,
	"status" varchar(16) DEFAULT 'generated' NOT NULL,
	"last_error" text,
	"last_metrics" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "ai_dev_run_events_run_seq_key" ON "ai_dev_run_events" USING btree ("run_id","seq");--> statement-breakpoint
CREATE INDEX "ai_dev_runs_user_id_idx" ON "ai_dev_runs" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "bot_error_fixes_type_signature_key" ON "bot_error_fixes" USING btree ("error_type","signature");--> statement-breakpoint
CREATE INDEX "bot_fix_attempts_bot_id_idx" ON "bot_fix_attempts" USING btree ("bot_id","attempt");--> statement-breakpoint
CREATE UNIQUE INDEX "bots_file_name_key" ON "bots" USING btree ("file_name");--> statement-breakpoint
CREATE INDEX "bots_user_id_idx" ON "bots" USING btree ("user_id","created_at");