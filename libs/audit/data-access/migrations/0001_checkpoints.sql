CREATE TABLE "audit"."checkpoints" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"tree_size" bigint NOT NULL,
	"head_hash" text NOT NULL,
	"token" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
