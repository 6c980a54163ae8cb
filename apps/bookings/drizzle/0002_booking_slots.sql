-- The sample resource's rows (a name and a description) have no slot and cannot become bookings.
DELETE FROM "bookings";--> statement-breakpoint
ALTER TABLE "bookings" ADD COLUMN "resource_id" uuid NOT NULL;--> statement-breakpoint
ALTER TABLE "bookings" ADD COLUMN "starts_at" timestamp (3) with time zone NOT NULL;--> statement-breakpoint
ALTER TABLE "bookings" ADD COLUMN "ends_at" timestamp (3) with time zone NOT NULL;--> statement-breakpoint
ALTER TABLE "bookings" ADD COLUMN "status" text DEFAULT 'held' NOT NULL;--> statement-breakpoint
ALTER TABLE "bookings" ADD COLUMN "hold_expires_at" timestamp (3) with time zone NOT NULL;--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_resource_id_resources_id_fk" FOREIGN KEY ("resource_id") REFERENCES "public"."resources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_period_valid" CHECK ("bookings"."ends_at" > "bookings"."starts_at");--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_status_known" CHECK ("bookings"."status" in ('held', 'confirmed', 'cancelled', 'expired'));