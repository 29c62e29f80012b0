-- CreateIndex
CREATE INDEX "instructions_status_expires_at_idx" ON "instructions"("status", "expires_at");
