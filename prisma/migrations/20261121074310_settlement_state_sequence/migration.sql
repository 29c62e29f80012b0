-- AlterTable
ALTER TABLE "settlements" ADD COLUMN     "state_sequence" INTEGER NOT NULL DEFAULT 0;
