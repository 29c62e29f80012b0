-- CreateTable
CREATE TABLE "instructions" (
    "id" UUID NOT NULL,
    "platform_id" UUID NOT NULL,
    "environment" TEXT NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "trade_reference" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "settlement_id" UUID,
    "template_slug" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "party" JSONB NOT NULL,
    "legs" JSONB NOT NULL,
    "timeout_at" TIMESTAMP(3) NOT NULL,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "mismatches" JSONB NOT NULL DEFAULT '[]',
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "instructions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "instructions_trade_reference_idx" ON "instructions"("trade_reference");

-- CreateIndex
CREATE INDEX "instructions_platform_id_environment_status_created_at_idx" ON "instructions"("platform_id", "environment", "status", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "instructions_platform_id_environment_idempotency_key_key" ON "instructions"("platform_id", "environment", "idempotency_key");
