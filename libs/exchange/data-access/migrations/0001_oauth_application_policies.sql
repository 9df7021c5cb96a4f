ALTER TABLE "exchange"."identities" ADD COLUMN "username" text;--> statement-breakpoint
ALTER TABLE "exchange"."identities" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "exchange"."oauth_applications" ADD COLUMN "scopes" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "exchange"."oauth_applications" ADD COLUMN "token_lifetime_seconds" integer DEFAULT 3600 NOT NULL;--> statement-breakpoint
ALTER TABLE "exchange"."oauth_applications" ADD COLUMN "allowed_tenant_ids" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "exchange"."oauth_applications" ADD COLUMN "allowed_source_app_ids" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "exchange"."oauth_applications" ADD COLUMN "app_only_policy" text DEFAULT 'deny' NOT NULL;--> statement-breakpoint
ALTER TABLE "exchange"."oauth_applications" ADD COLUMN "require_client_match" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "exchange"."oauth_applications" ADD COLUMN "provisioning" text DEFAULT 'create' NOT NULL;--> statement-breakpoint
ALTER TABLE "exchange"."oauth_applications" ADD COLUMN "secret_rotated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "exchange"."oauth_applications" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
-- Existing applications keep their scopes, granting no permissions until an operator gives them some.
UPDATE "exchange"."oauth_applications" SET "scopes" = COALESCE((SELECT jsonb_object_agg(s, '[]'::jsonb) FROM unnest("allowed_scopes") AS s), '{}'::jsonb);--> statement-breakpoint
ALTER TABLE "exchange"."oauth_applications" DROP COLUMN "allowed_scopes";--> statement-breakpoint
ALTER TABLE "exchange"."oauth_applications" ADD CONSTRAINT "oauth_applications_token_lifetime_check" CHECK ("exchange"."oauth_applications"."token_lifetime_seconds" BETWEEN 60 AND 86400);--> statement-breakpoint
ALTER TABLE "exchange"."oauth_applications" ADD CONSTRAINT "oauth_applications_app_only_policy_check" CHECK ("exchange"."oauth_applications"."app_only_policy" IN ('allow', 'deny'));--> statement-breakpoint
ALTER TABLE "exchange"."oauth_applications" ADD CONSTRAINT "oauth_applications_provisioning_check" CHECK ("exchange"."oauth_applications"."provisioning" IN ('create', 'link-only', 'deny'));