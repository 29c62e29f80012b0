-- AlterTable
ALTER TABLE "instructions" ADD COLUMN     "reference_assigned" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "parties" ADD COLUMN     "platform_id" UUID;
-- Every party so far came with its settlement, from the settlement's own platform.
UPDATE "parties" p SET "platform_id" = s."platform_id" FROM "settlements" s WHERE s."id" = p."settlement_id";
ALTER TABLE "parties" ALTER COLUMN "platform_id" SET NOT NULL;

-- AlterTable
ALTER TABLE "settlements" ADD COLUMN     "counterparty_environment" TEXT,
ADD COLUMN     "counterparty_platform_id" UUID;

-- CreateIndex
CREATE INDEX "settlements_counterparty_platform_id_counterparty_environme_idx" ON "settlements"("counterparty_platform_id", "counterparty_environment", "state", "created_at");
