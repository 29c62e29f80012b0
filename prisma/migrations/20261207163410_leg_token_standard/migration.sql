-- AlterTable
ALTER TABLE "legs" ADD COLUMN     "token_standard" TEXT NOT NULL DEFAULT 'erc20';
