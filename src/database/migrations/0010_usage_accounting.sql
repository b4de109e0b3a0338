CREATE TABLE "gemini_usage_daily" (
	"day" date NOT NULL,
	"user_key" varchar(128) NOT NULL,
	"key_id" varchar(128) NOT NULL,
	"model" varchar(64) NOT NULL,
	"requests" integer DEFAULT 0 NOT NULL,
	"prompt_tokens" integer DEFAULT 0 NOT NULL,
	"output_tokens" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "gemini_usage_daily_day_user_key_key_id_model_pk" PRIMARY KEY("day","user_key","key_id","model")
);
--> statement-breakpoint
CREATE INDEX "gemini_usage_daily_user_idx" ON "gemini_usage_daily" USING btree ("user_key","day");