-- No two live bookings of one resource overlap, whatever the concurrency: PostgreSQL checks every insert
-- and update against the other rows (committed or in flight) and refuses an overlap with 23P01, which the
-- service answers as 409 slot_taken. drizzle-kit cannot express an exclusion constraint, hence this file
-- (`drizzle-kit generate --custom`). btree_gist lets the GiST index compare the uuid with `=`.
-- Ranges are half-open, [starts_at, ends_at): a booking ending at 10:00 and one starting at 10:00 do not
-- overlap. Cancelled and expired bookings leave the constraint, so their slot is free again.
CREATE EXTENSION IF NOT EXISTS btree_gist;--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_no_overlap" EXCLUDE USING gist (
	"resource_id" WITH =,
	tstzrange("starts_at", "ends_at", '[)') WITH &&
) WHERE ("status" IN ('held', 'confirmed'));--> statement-breakpoint
-- Finding the expired holds that block a new booking reads this index, not the whole table.
CREATE INDEX "bookings_held_expiry_idx" ON "bookings" USING btree ("resource_id", "hold_expires_at") WHERE "status" = 'held';
