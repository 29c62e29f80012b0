-- AlterTable
ALTER TABLE "legs" ADD COLUMN     "external_reference" TEXT;

-- AlterTable
ALTER TABLE "settlement_templates" ADD COLUMN     "description" TEXT;

-- AlterTable
ALTER TABLE "settlements" ADD COLUMN     "external_reference" TEXT;
