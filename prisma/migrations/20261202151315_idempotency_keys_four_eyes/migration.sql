-- AlterTable
ALTER TABLE "environments" ADD COLUMN     "four_eyes" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "settlements" ADD COLUMN     "created_by" TEXT;

-- CreateTable
CREATE TABLE "idempotency_keys" (
    "platform_id" UUID NOT NULL,
    "environment" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "status" INTEGER,
    "sealed_body" TEXT,
    "locked_at" TIMESTAMP(3) NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY ("platform_id","environment","key")
);

-- CreateIndex
CREATE INDEX "idempotency_keys_created_at_idx" ON "idempotency_keys"("created_at");
