-- AlterTable
ALTER TABLE "parties" ADD COLUMN     "country" TEXT,
ADD COLUMN     "date_of_birth" TEXT,
ADD COLUMN     "entity_type" TEXT;

-- AlterTable
ALTER TABLE "screening_suppressions" ADD COLUMN     "active" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "entry_name" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "party_role" TEXT,
ADD COLUMN     "settlement_id" UUID;

-- CreateTable
CREATE TABLE "screening_suppression_events" (
    "id" UUID NOT NULL,
    "suppression_id" UUID NOT NULL,
    "action" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "screening_suppression_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "screening_policies" (
    "platform_id" UUID NOT NULL,
    "environment" TEXT NOT NULL,
    "review_threshold" DOUBLE PRECISION NOT NULL,
    "fail_threshold" DOUBLE PRECISION NOT NULL,
    "updated_by" TEXT NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "screening_policies_pkey" PRIMARY KEY ("platform_id","environment")
);

-- CreateTable
CREATE TABLE "sanctions_refresh_requests" (
    "id" UUID NOT NULL,
    "requested_by" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sanctions_refresh_requests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sanctions_list_loads" (
    "id" UUID NOT NULL,
    "worker" TEXT NOT NULL,
    "request_id" UUID,
    "trigger" TEXT NOT NULL,
    "changed" BOOLEAN NOT NULL,
    "versions" JSONB NOT NULL,
    "error" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sanctions_list_loads_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "screening_suppression_events_suppression_id_created_at_idx" ON "screening_suppression_events"("suppression_id", "created_at");

-- CreateIndex
CREATE INDEX "sanctions_list_loads_created_at_idx" ON "sanctions_list_loads"("created_at");

-- CreateIndex
CREATE INDEX "sanctions_list_loads_request_id_idx" ON "sanctions_list_loads"("request_id");

-- CreateIndex
CREATE INDEX "screening_suppressions_platform_id_environment_active_creat_idx" ON "screening_suppressions"("platform_id", "environment", "active", "created_at");

-- AddForeignKey
ALTER TABLE "screening_suppression_events" ADD CONSTRAINT "screening_suppression_events_suppression_id_fkey" FOREIGN KEY ("suppression_id") REFERENCES "screening_suppressions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
