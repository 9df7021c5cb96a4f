CREATE TABLE "abuse_detector"."alerts" (
	"id" text PRIMARY KEY NOT NULL,
	"rule_id" text NOT NULL,
	"subject_kind" text NOT NULL,
	"subject_id" text NOT NULL,
	"severity" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"isv_id" text,
	"resource_id" text,
	"count" integer DEFAULT 1 NOT NULL,
	"evidence_event_ids" jsonb NOT NULL,
	"explanation" text NOT NULL,
	"first_seen_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"acknowledged_by" text,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_reason" text
);
--> statement-breakpoint
CREATE TABLE "abuse_detector"."issued_tokens" (
	"jti" text PRIMARY KEY NOT NULL,
	"isv_id" text NOT NULL,
	"resource_id" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "abuse_detector"."revocations_made" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"subject_key" text NOT NULL,
	"subject_kind" text NOT NULL,
	"isv_id" text NOT NULL,
	"resource_id" text,
	"action" text NOT NULL,
	"reason" text NOT NULL,
	"actor" text NOT NULL,
	"alert_id" text,
	"not_before" timestamp with time zone NOT NULL,
	"event_id" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_one_open_per_rule_subject" ON "abuse_detector"."alerts" USING btree ("rule_id","subject_kind","subject_id") WHERE status = 'open';--> statement-breakpoint
CREATE INDEX "alerts_status_last_seen_idx" ON "abuse_detector"."alerts" USING btree ("status","last_seen_at");--> statement-breakpoint
CREATE INDEX "issued_tokens_expires_at_idx" ON "abuse_detector"."issued_tokens" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "revocations_made_once_per_alert" ON "abuse_detector"."revocations_made" USING btree ("alert_id","subject_key") WHERE action = 'revoke' AND alert_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX "revocations_made_isv_idx" ON "abuse_detector"."revocations_made" USING btree ("isv_id","created_at");