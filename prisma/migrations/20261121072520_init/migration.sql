-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "platforms" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "platforms_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_clients" (
    "id" UUID NOT NULL,
    "client_id" TEXT NOT NULL,
    "secret_hash" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "platform_id" UUID NOT NULL,
    "environment" TEXT NOT NULL,
    "scopes" TEXT[],
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "api_clients_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "settlement_templates" (
    "id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "config" JSONB NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "settlement_templates_pkey" PRIMARY KEY ("id","version")
);

-- CreateTable
CREATE TABLE "instruments" (
    "chain_id" INTEGER NOT NULL,
    "address" TEXT NOT NULL,
    "symbol" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "decimals" INTEGER NOT NULL,

    CONSTRAINT "instruments_pkey" PRIMARY KEY ("chain_id","address")
);

-- CreateTable
CREATE TABLE "settlements" (
    "id" UUID NOT NULL,
    "platform_id" UUID NOT NULL,
    "environment" TEXT NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "template_id" UUID NOT NULL,
    "template_version" INTEGER NOT NULL,
    "state" TEXT NOT NULL,
    "settlement_type" TEXT NOT NULL DEFAULT 'single_platform',
    "timeout_at" TIMESTAMP(3) NOT NULL,
    "chain_id" INTEGER NOT NULL,
    "escrow_address" TEXT NOT NULL,
    "escrow_id" TEXT NOT NULL,
    "failure_reason" TEXT,
    "workflow_started_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "settlements_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "parties" (
    "settlement_id" UUID NOT NULL,
    "role" TEXT NOT NULL,
    "external_reference" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "wallet_address" TEXT NOT NULL,
    "chain_id" INTEGER NOT NULL,

    CONSTRAINT "parties_pkey" PRIMARY KEY ("settlement_id","role")
);

-- CreateTable
CREATE TABLE "legs" (
    "settlement_id" UUID NOT NULL,
    "index" INTEGER NOT NULL,
    "leg_type" TEXT NOT NULL,
    "instrument_id" TEXT NOT NULL,
    "token_address" TEXT NOT NULL,
    "decimals" INTEGER NOT NULL,
    "quantity" TEXT NOT NULL,
    "amount" TEXT NOT NULL,
    "direction" TEXT NOT NULL,
    "party_role" TEXT NOT NULL,
    "from_role" TEXT NOT NULL,
    "to_role" TEXT NOT NULL,
    "deposit_tx_hash" TEXT,
    "deposit_log_index" INTEGER,
    "deposited_at" TIMESTAMP(3),

    CONSTRAINT "legs_pkey" PRIMARY KEY ("settlement_id","index")
);

-- CreateTable
CREATE TABLE "settlement_events" (
    "id" UUID NOT NULL,
    "settlement_id" UUID NOT NULL,
    "sequence" INTEGER NOT NULL,
    "from_state" TEXT,
    "to_state" TEXT NOT NULL,
    "triggered_by" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "settlement_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "chain_cursors" (
    "chain_id" INTEGER NOT NULL,
    "contract_address" TEXT NOT NULL,
    "block_number" BIGINT NOT NULL,
    "block_hash" TEXT NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "chain_cursors_pkey" PRIMARY KEY ("chain_id","contract_address")
);

-- CreateTable
CREATE TABLE "chain_logs" (
    "chain_id" INTEGER NOT NULL,
    "tx_hash" TEXT NOT NULL,
    "log_index" INTEGER NOT NULL,
    "block_number" BIGINT NOT NULL,
    "block_hash" TEXT NOT NULL,
    "contract_address" TEXT NOT NULL,
    "event_name" TEXT NOT NULL,
    "settlement_id" UUID,
    "args" JSONB NOT NULL,
    "removed" BOOLEAN NOT NULL DEFAULT false,
    "signaled_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "chain_logs_pkey" PRIMARY KEY ("chain_id","tx_hash","log_index")
);

-- CreateIndex
CREATE UNIQUE INDEX "platforms_name_key" ON "platforms"("name");

-- CreateIndex
CREATE UNIQUE INDEX "api_clients_client_id_key" ON "api_clients"("client_id");

-- CreateIndex
CREATE UNIQUE INDEX "settlement_templates_slug_version_key" ON "settlement_templates"("slug", "version");

-- CreateIndex
CREATE UNIQUE INDEX "instruments_chain_id_symbol_key" ON "instruments"("chain_id", "symbol");

-- CreateIndex
CREATE INDEX "settlements_platform_id_environment_state_created_at_idx" ON "settlements"("platform_id", "environment", "state", "created_at");

-- CreateIndex
CREATE INDEX "settlements_workflow_started_at_idx" ON "settlements"("workflow_started_at");

-- CreateIndex
CREATE UNIQUE INDEX "settlements_platform_id_environment_idempotency_key_key" ON "settlements"("platform_id", "environment", "idempotency_key");

-- CreateIndex
CREATE UNIQUE INDEX "settlement_events_settlement_id_sequence_key" ON "settlement_events"("settlement_id", "sequence");

-- CreateIndex
CREATE INDEX "chain_logs_signaled_at_idx" ON "chain_logs"("signaled_at");

-- AddForeignKey
ALTER TABLE "api_clients" ADD CONSTRAINT "api_clients_platform_id_fkey" FOREIGN KEY ("platform_id") REFERENCES "platforms"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "settlements" ADD CONSTRAINT "settlements_platform_id_fkey" FOREIGN KEY ("platform_id") REFERENCES "platforms"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "parties" ADD CONSTRAINT "parties_settlement_id_fkey" FOREIGN KEY ("settlement_id") REFERENCES "settlements"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "legs" ADD CONSTRAINT "legs_settlement_id_fkey" FOREIGN KEY ("settlement_id") REFERENCES "settlements"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "settlement_events" ADD CONSTRAINT "settlement_events_settlement_id_fkey" FOREIGN KEY ("settlement_id") REFERENCES "settlements"("id") ON DELETE CASCADE ON UPDATE CASCADE;
