DROP INDEX "strategies_name_version_key";--> statement-breakpoint
DROP INDEX "strategy_templates_name_key";--> statement-breakpoint
ALTER TABLE "strategies" ADD CONSTRAINT "strategies_owner_name_version_key" UNIQUE NULLS NOT DISTINCT("created_by","name","version");--> statement-breakpoint
ALTER TABLE "strategy_templates" ADD CONSTRAINT "strategy_templates_owner_name_key" UNIQUE NULLS NOT DISTINCT("created_by","name");