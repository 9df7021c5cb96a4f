CREATE SCHEMA "abuse_detector";
--> statement-breakpoint
CREATE TABLE "abuse_detector"."inbox" (
	"consumer" text NOT NULL,
	"event_id" text NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inbox_consumer_event_id_pk" PRIMARY KEY("consumer","event_id")
);
--> statement-breakpoint
CREATE TABLE "abuse_detector"."outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"event_id" text NOT NULL,
	"topic" text NOT NULL,
	"partition_key" text NOT NULL,
	"envelope" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	CONSTRAINT "outbox_event_id_unique" UNIQUE("event_id")
);
--> statement-breakpoint
CREATE TABLE "abuse_detector"."usage_counters" (
	"resource_id" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"served" integer DEFAULT 0 NOT NULL,
	"rejected" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "usage_counters_resource_id_window_start_pk" PRIMARY KEY("resource_id","window_start")
);
--> statement-breakpoint
CREATE INDEX "outbox_unpublished_idx" ON "abuse_detector"."outbox" USING btree ("id") WHERE published_at IS NULL;