-- AlterTable
ALTER TABLE "environments" ADD COLUMN     "api_version" TEXT;
