CREATE TABLE "webhook_deliveries" (
	"source" text NOT NULL,
	"id" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "webhook_deliveries_source_id_pk" PRIMARY KEY("source","id")
);
