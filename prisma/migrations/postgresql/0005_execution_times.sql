ALTER TABLE "Execution" ADD COLUMN "queuedAt" BIGINT;
ALTER TABLE "Execution" ADD COLUMN "executedAt" BIGINT;
