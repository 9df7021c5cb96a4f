CREATE SCHEMA "face_api";
--> statement-breakpoint
CREATE TABLE "face_api"."client_resources" (
	"resource_id" text PRIMARY KEY NOT NULL,
	"display_name" text NOT NULL,
	"subscription_key_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "client_resources_subscription_key_hash_unique" UNIQUE("subscription_key_hash")
);
--> statement-breakpoint
CREATE TABLE "face_api"."inbox" (
	"consumer" text NOT NULL,
	"event_id" text NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inbox_consumer_event_id_pk" PRIMARY KEY("consumer","event_id")
);
--> statement-breakpoint
CREATE TABLE "face_api"."outbox" (
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
CREATE INDEX "outbox_unpublished_idx" ON "face_api"."outbox" USING btree ("id") WHERE published_at IS NULL;