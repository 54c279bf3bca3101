ALTER TABLE "Execution" ADD COLUMN "queuedAt" INTEGER;
ALTER TABLE "Execution" ADD COLUMN "executedAt" INTEGER;
