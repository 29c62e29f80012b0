-- AlterTable
ALTER TABLE "environments" ADD COLUMN     "webhook_endpoint_id" UUID;

-- AddForeignKey
ALTER TABLE "environments" ADD CONSTRAINT "environments_webhook_endpoint_id_fkey" FOREIGN KEY ("webhook_endpoint_id") REFERENCES "webhook_endpoints"("id") ON DELETE SET NULL ON UPDATE CASCADE;
