-- AlterTable
ALTER TABLE "environments" ADD COLUMN     "active" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "default_timeout_seconds" INTEGER NOT NULL DEFAULT 3600,
ADD COLUMN     "display_name" TEXT,
ADD COLUMN     "external_client_id" TEXT,
ADD COLUMN     "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
