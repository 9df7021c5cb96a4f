ALTER TABLE "issuer"."issuances" ADD COLUMN "cnf_jkt" text;--> statement-breakpoint
ALTER TABLE "issuer"."isvs" ADD COLUMN "dpop_required" boolean DEFAULT false NOT NULL;