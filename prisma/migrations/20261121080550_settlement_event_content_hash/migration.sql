-- AlterTable
ALTER TABLE "settlement_events" ADD COLUMN     "content_hash" TEXT;
