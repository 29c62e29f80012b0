-- CreateTable
CREATE TABLE "activity_log" (
    "id" UUID NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "platform_id" UUID,
    "environment" TEXT,
    "client_id" TEXT,
    "session_id" UUID,
    "session_metadata" JSONB,
    "method" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "ip" TEXT NOT NULL,
    "code" TEXT,

    CONSTRAINT "activity_log_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "activity_log_platform_id_environment_created_at_idx" ON "activity_log"("platform_id", "environment", "created_at");

-- CreateIndex
CREATE INDEX "activity_log_created_at_idx" ON "activity_log"("created_at");
