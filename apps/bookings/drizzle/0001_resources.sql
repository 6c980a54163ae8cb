CREATE TABLE "resources" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"time_zone" text DEFAULT 'UTC' NOT NULL,
	"opening_hours" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "resources" ADD CONSTRAINT "resources_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "resources_owner_created_at_id_idx" ON "resources" USING btree ("owner_id","created_at","id");--> statement-breakpoint
ALTER TABLE "bookings" DROP COLUMN "name";--> statement-breakpoint
ALTER TABLE "bookings" DROP COLUMN "description";