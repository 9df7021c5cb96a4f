CREATE SEQUENCE "rbac"."policy_version" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "rbac"."endpoints" (
	"service" text NOT NULL,
	"method" text NOT NULL,
	"path" text NOT NULL,
	"scope" text,
	"permission" text,
	"public" boolean NOT NULL,
	"registered_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "endpoints_service_method_path_pk" PRIMARY KEY("service","method","path")
);
--> statement-breakpoint
CREATE TABLE "rbac"."permissions" (
	"id" text PRIMARY KEY NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"registered_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rbac"."policy_state" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "policy_state_one_row" CHECK ("rbac"."policy_state"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE "rbac"."role_includes" (
	"role_id" text NOT NULL,
	"included_role_id" text NOT NULL,
	CONSTRAINT "role_includes_role_id_included_role_id_pk" PRIMARY KEY("role_id","included_role_id")
);
--> statement-breakpoint
ALTER TABLE "rbac"."assignments" ADD COLUMN "tenant_id" text DEFAULT '*' NOT NULL;--> statement-breakpoint
ALTER TABLE "rbac"."assignments" DROP CONSTRAINT "assignments_subject_id_role_id_pk";--> statement-breakpoint
ALTER TABLE "rbac"."assignments" ADD CONSTRAINT "assignments_subject_id_role_id_tenant_id_pk" PRIMARY KEY("subject_id","role_id","tenant_id");--> statement-breakpoint
ALTER TABLE "rbac"."role_includes" ADD CONSTRAINT "role_includes_role_id_roles_id_fk" FOREIGN KEY ("role_id") REFERENCES "rbac"."roles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rbac"."role_includes" ADD CONSTRAINT "role_includes_included_role_id_roles_id_fk" FOREIGN KEY ("included_role_id") REFERENCES "rbac"."roles"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "role_includes_included_idx" ON "rbac"."role_includes" USING btree ("included_role_id");--> statement-breakpoint
-- Hand-added: the one policy_state row, so every change can lock it (version 0: no change yet).
INSERT INTO "rbac"."policy_state" ("id", "version") VALUES (1, 0) ON CONFLICT DO NOTHING;