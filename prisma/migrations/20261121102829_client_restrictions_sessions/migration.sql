-- AlterTable
ALTER TABLE "access_tokens" ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'm2m',
ADD COLUMN     "metadata" JSONB,
ADD COLUMN     "parent_jti" UUID,
ADD COLUMN     "settlement_ids" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "api_clients" ADD COLUMN     "allowed_ip_ranges" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "allowed_wallets" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "permitted_endpoints" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateIndex
CREATE INDEX "access_tokens_parent_jti_idx" ON "access_tokens"("parent_jti");
