-- AlterTable
ALTER TABLE "settlements" ADD COLUMN     "start_claim_expires_at" TIMESTAMP(3);
