ALTER TABLE "Proposal" ADD COLUMN "rulesDigest" TEXT;
