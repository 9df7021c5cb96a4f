CREATE TABLE "issuer"."client_blocks" (
	"isv_id" text NOT NULL,
	"resource_id" text NOT NULL,
	"reason" text,
	"blocked_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "client_blocks_isv_id_resource_id_pk" PRIMARY KEY("isv_id","resource_id")
);
--> statement-breakpoint
CREATE TABLE "issuer"."issuances" (
	"jti" text PRIMARY KEY NOT NULL,
	"isv_id" text NOT NULL,
	"resource_id" text NOT NULL,
	"features" text[] NOT NULL,
	"lifetime_seconds" integer NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"kid" text NOT NULL,
	"client_ip" text,
	"user_agent" text,
	"trace_id" text
);
--> statement-breakpoint
CREATE TABLE "issuer"."signing_keys" (
	"kid" text PRIMARY KEY NOT NULL,
	"alg" text NOT NULL,
	"public_jwk" jsonb NOT NULL,
	"sealed_private_key" text NOT NULL,
	"status" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"retiring_at" timestamp with time zone,
	"retired_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "issuances_isv_resource_idx" ON "issuer"."issuances" USING btree ("isv_id","resource_id","issued_at");