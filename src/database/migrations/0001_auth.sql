CREATE TABLE "token_blacklist" (
	"jti" varchar(64) PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"blacklisted_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "user_profiles" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "user_profiles_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"user_id" integer NOT NULL,
	"default_risk_tolerance" varchar(20) DEFAULT 'moderate' NOT NULL,
	"default_timeframe" varchar(10) DEFAULT '1d' NOT NULL,
	"preferred_symbols" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"trading_goals" text DEFAULT '' NOT NULL,
	"strategy_preferences" text DEFAULT '' NOT NULL,
	"risk_parameters" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_active" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "token_blacklist_expires_at_idx" ON "token_blacklist" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "user_profiles_user_id_key" ON "user_profiles" USING btree ("user_id");