ALTER TABLE "chat_sessions" ADD COLUMN "ai_context_id" integer;--> statement-breakpoint
ALTER TABLE "chat_sessions" ADD COLUMN "generated_strategies" jsonb DEFAULT '[]'::jsonb NOT NULL;