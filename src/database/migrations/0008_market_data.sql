CREATE TABLE "data_indicators" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "data_indicators_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"name" varchar(100) NOT NULL,
	"display_name" varchar(200) NOT NULL,
	"description" text NOT NULL,
	"category" varchar(50) NOT NULL,
	"parameters" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"is_active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "data_requests" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "data_requests_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"request_id" varchar(50) NOT NULL,
	"symbol_id" integer NOT NULL,
	"period" varchar(10) DEFAULT '1y' NOT NULL,
	"interval" varchar(10) DEFAULT '1d' NOT NULL,
	"status" varchar(20) DEFAULT 'pending' NOT NULL,
	"requested_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone,
	"error_message" text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "data_symbols" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "data_symbols_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"symbol" varchar(20) NOT NULL,
	"name" varchar(255) NOT NULL,
	"exchange" varchar(50) DEFAULT '' NOT NULL,
	"sector" varchar(100) DEFAULT '' NOT NULL,
	"industry" varchar(100) DEFAULT '' NOT NULL,
	"is_active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "indicator_data" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "indicator_data_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"symbol_id" integer NOT NULL,
	"indicator_id" integer NOT NULL,
	"timestamp" timestamp with time zone NOT NULL,
	"value" jsonb NOT NULL,
	"parameters" jsonb NOT NULL,
	"interval" varchar(10) DEFAULT '1d' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "market_data" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "market_data_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"symbol_id" integer NOT NULL,
	"interval" varchar(10) DEFAULT '1d' NOT NULL,
	"timestamp" timestamp with time zone NOT NULL,
	"open_price" numeric(20, 6) NOT NULL,
	"high_price" numeric(20, 6) NOT NULL,
	"low_price" numeric(20, 6) NOT NULL,
	"close_price" numeric(20, 6) NOT NULL,
	"volume" bigint NOT NULL,
	"adj_close" numeric(20, 6),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "market_data_coverage" (
	"symbol_id" integer NOT NULL,
	"interval" varchar(10) NOT NULL,
	"source" varchar(20) NOT NULL,
	"days" integer NOT NULL,
	"first_bar" timestamp with time zone NOT NULL,
	"last_bar" timestamp with time zone NOT NULL,
	"bars" integer NOT NULL,
	"synthetic" boolean NOT NULL,
	"fetched_at" timestamp with time zone NOT NULL,
	CONSTRAINT "market_data_coverage_symbol_id_interval_source_pk" PRIMARY KEY("symbol_id","interval","source")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "data_indicators_name_key" ON "data_indicators" USING btree ("name");--> statement-breakpoint
CREATE INDEX "data_indicators_category_idx" ON "data_indicators" USING btree ("category","name");--> statement-breakpoint
CREATE UNIQUE INDEX "data_requests_request_id_key" ON "data_requests" USING btree ("request_id");--> statement-breakpoint
CREATE INDEX "data_requests_created_idx" ON "data_requests" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "data_requests_requested_by_idx" ON "data_requests" USING btree ("requested_by","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "data_symbols_symbol_key" ON "data_symbols" USING btree ("symbol");--> statement-breakpoint
CREATE UNIQUE INDEX "indicator_data_symbol_indicator_interval_ts_key" ON "indicator_data" USING btree ("symbol_id","indicator_id","interval","timestamp");--> statement-breakpoint
CREATE INDEX "indicator_data_timestamp_idx" ON "indicator_data" USING btree ("timestamp");--> statement-breakpoint
CREATE UNIQUE INDEX "market_data_symbol_interval_ts_key" ON "market_data" USING btree ("symbol_id","interval","timestamp");--> statement-breakpoint
CREATE INDEX "market_data_timestamp_idx" ON "market_data" USING btree ("timestamp");