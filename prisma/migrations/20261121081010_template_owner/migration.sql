-- AlterTable
ALTER TABLE "settlement_templates" ADD COLUMN     "environment" TEXT,
ADD COLUMN     "platform_id" UUID;
