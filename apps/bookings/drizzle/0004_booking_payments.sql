ALTER TABLE "bookings" ADD COLUMN "payment_intent_id" text;--> statement-breakpoint
ALTER TABLE "bookings" ADD COLUMN "refund_status" text DEFAULT 'none' NOT NULL;--> statement-breakpoint
ALTER TABLE "bookings" ADD COLUMN "refund_id" text;--> statement-breakpoint
CREATE INDEX "bookings_refund_pending_idx" ON "bookings" USING btree ("id") WHERE "bookings"."refund_status" = 'pending';--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_refund_status_known" CHECK ("bookings"."refund_status" in ('none', 'pending', 'refunded'));