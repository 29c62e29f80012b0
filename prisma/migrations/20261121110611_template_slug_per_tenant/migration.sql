-- DropIndex
DROP INDEX "settlement_templates_slug_version_key";

-- CreateIndex
CREATE UNIQUE INDEX "settlement_templates_platform_id_environment_slug_version_key" ON "settlement_templates"("platform_id", "environment", "slug", "version");
