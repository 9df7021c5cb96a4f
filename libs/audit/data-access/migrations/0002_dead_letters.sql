CREATE TABLE "audit"."dead_letters" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"source_topic" text NOT NULL,
	"source_partition" integer NOT NULL,
	"source_offset" text NOT NULL,
	"consumer_group" text NOT NULL,
	"code" text NOT NULL,
	"reason" text NOT NULL,
	"event_id" text,
	"event_type" text,
	"value_sha256" text NOT NULL,
	"dead_lettered_at" timestamp with time zone,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dead_letters_source_unique" UNIQUE("source_topic","source_partition","source_offset","consumer_group")
);
