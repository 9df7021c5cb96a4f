-- Subscription keys move to their own table (two slots per ISV) and are stored as
-- HMAC-SHA256 under the issuer's server secret. The old SHA-256 digests cannot be
-- converted (the keys themselves were never stored), so they are dropped: existing
-- ISVs get new keys from an operator; the embedded demo seed re-issues its key.
CREATE TABLE "issuer"."subscription_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"isv_id" text NOT NULL,
	"slot" smallint NOT NULL,
	"digest" text NOT NULL,
	"hint" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "subscription_keys_digest_unique" UNIQUE("digest"),
	CONSTRAINT "subscription_keys_slot_check" CHECK ("issuer"."subscription_keys"."slot" IN (1, 2))
);
--> statement-breakpoint
ALTER TABLE "issuer"."isvs" DROP CONSTRAINT "isvs_subscription_key_hash_unique";--> statement-breakpoint
ALTER TABLE "issuer"."subscription_keys" ADD CONSTRAINT "subscription_keys_isv_id_isvs_id_fk" FOREIGN KEY ("isv_id") REFERENCES "issuer"."isvs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "subscription_keys_active_slot_idx" ON "issuer"."subscription_keys" USING btree ("isv_id","slot") WHERE "issuer"."subscription_keys"."revoked_at" IS NULL;--> statement-breakpoint
ALTER TABLE "issuer"."isvs" DROP COLUMN "subscription_key_hash";