ALTER TABLE "booking_events" ADD COLUMN "delivered_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "booking_events" ADD COLUMN "traceparent" text;--> statement-breakpoint
CREATE INDEX "booking_events_delivered_idx" ON "booking_events" USING btree ("delivered_at") WHERE "booking_events"."delivered_at" is not null;