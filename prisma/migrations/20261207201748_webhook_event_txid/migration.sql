-- AlterTable
ALTER TABLE "webhook_events" ADD COLUMN     "txid" xid8 NOT NULL DEFAULT pg_current_xact_id();

-- CreateIndex
CREATE INDEX "webhook_events_platform_id_environment_txid_seq_idx" ON "webhook_events"("platform_id", "environment", "txid", "seq");
