DROP INDEX "bot_error_fixes_type_signature_key";--> statement-breakpoint
ALTER TABLE "bot_error_fixes" ADD COLUMN "owner" varchar(64) DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "bot_error_fixes_owner_type_signature_key" ON "bot_error_fixes" USING btree ("owner","error_type","signature");