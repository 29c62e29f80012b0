-- AlterTable
ALTER TABLE "activity_log" ADD COLUMN     "by_operator" BOOLEAN NOT NULL DEFAULT false;
