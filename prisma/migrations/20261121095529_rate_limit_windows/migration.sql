-- CreateTable
CREATE TABLE "rate_limit_windows" (
    "scope_key" TEXT NOT NULL,
    "window_start" TIMESTAMP(3) NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "rate_limit_windows_pkey" PRIMARY KEY ("scope_key")
);
