-- CreateTable
CREATE TABLE "environments" (
    "platform_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "rate_limit_per_minute" INTEGER,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "environments_pkey" PRIMARY KEY ("platform_id","name")
);

-- AddForeignKey
ALTER TABLE "environments" ADD CONSTRAINT "environments_platform_id_fkey" FOREIGN KEY ("platform_id") REFERENCES "platforms"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The environments clients already named.
INSERT INTO "environments" ("platform_id", "name") SELECT DISTINCT "platform_id", "environment" FROM "api_clients";
