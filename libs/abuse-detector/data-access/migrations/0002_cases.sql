CREATE TABLE "abuse_detector"."cases" (
	"id" text PRIMARY KEY NOT NULL,
	"isv_id" text NOT NULL,
	"resource_id" text NOT NULL,
	"status" text NOT NULL,
	"severity" text NOT NULL,
	"alert_ids" jsonb NOT NULL,
	"summary" text NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"deadline_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL,
	"history" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "abuse_detector"."isv_activity" (
	"isv_id" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"issued" integer DEFAULT 0 NOT NULL,
	"used" integer DEFAULT 0 NOT NULL,
	"rejected" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "isv_activity_isv_id_window_start_pk" PRIMARY KEY("isv_id","window_start")
);
--> statement-breakpoint
CREATE TABLE "abuse_detector"."isv_webhooks" (
	"isv_id" text PRIMARY KEY NOT NULL,
	"url" text NOT NULL,
	"secret" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"updated_by" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "abuse_detector"."webhook_deliveries" (
	"id" text PRIMARY KEY NOT NULL,
	"isv_id" text NOT NULL,
	"case_id" text NOT NULL,
	"body" text NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone NOT NULL,
	"delivered_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "cases_one_active_per_client" ON "abuse_detector"."cases" USING btree ("isv_id","resource_id") WHERE status IN ('open', 'acknowledged');--> statement-breakpoint
CREATE INDEX "cases_deadline_idx" ON "abuse_detector"."cases" USING btree ("deadline_at") WHERE status = 'open';--> statement-breakpoint
CREATE INDEX "cases_isv_idx" ON "abuse_detector"."cases" USING btree ("isv_id","opened_at");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_due_idx" ON "abuse_detector"."webhook_deliveries" USING btree ("next_attempt_at") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "webhook_deliveries_case_idx" ON "abuse_detector"."webhook_deliveries" USING btree ("case_id");