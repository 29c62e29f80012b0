-- CreateTable
CREATE TABLE "screening_suppressions" (
    "id" UUID NOT NULL,
    "platform_id" UUID NOT NULL,
    "environment" TEXT NOT NULL,
    "party_key" TEXT NOT NULL,
    "list" TEXT NOT NULL,
    "entry_id" TEXT NOT NULL,
    "entry_fingerprint" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "screening_suppressions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "screening_suppressions_platform_id_environment_party_key_li_key" ON "screening_suppressions"("platform_id", "environment", "party_key", "list", "entry_id", "entry_fingerprint");
