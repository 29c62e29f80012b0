-- AlterTable
ALTER TABLE "activity_log" ADD COLUMN     "user_id" UUID;

-- CreateTable
CREATE TABLE "office_users" (
    "id" UUID NOT NULL,
    "platform_id" UUID NOT NULL,
    "environment" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "totp_secret_sealed" TEXT,
    "totp_confirmed_at" TIMESTAMP(3),
    "totp_last_step" BIGINT,
    "failed_logins" INTEGER NOT NULL DEFAULT 0,
    "locked_until" TIMESTAMP(3),
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_by" UUID,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deactivated_at" TIMESTAMP(3),

    CONSTRAINT "office_users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "office_sessions" (
    "token_hash" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "ip" TEXT NOT NULL,

    CONSTRAINT "office_sessions_pkey" PRIMARY KEY ("token_hash")
);

-- CreateIndex
CREATE UNIQUE INDEX "office_users_platform_id_environment_email_key" ON "office_users"("platform_id", "environment", "email");

-- CreateIndex
CREATE INDEX "office_sessions_user_id_idx" ON "office_sessions"("user_id");

-- CreateIndex
CREATE INDEX "office_sessions_expires_at_idx" ON "office_sessions"("expires_at");

-- AddForeignKey
ALTER TABLE "office_users" ADD CONSTRAINT "office_users_platform_id_environment_fkey" FOREIGN KEY ("platform_id", "environment") REFERENCES "environments"("platform_id", "name") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "office_sessions" ADD CONSTRAINT "office_sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "office_users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
