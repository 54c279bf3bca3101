ALTER TABLE "Proposal" ADD COLUMN "actionedAt" BIGINT;
ALTER TABLE "Proposal" ADD COLUMN "actionedBy" TEXT;
ALTER TABLE "Proposal" ADD COLUMN "actionNote" TEXT;

CREATE TABLE "Attestation" (
    "proposalId" TEXT NOT NULL,
    "attestor" TEXT NOT NULL,
    "signature" TEXT NOT NULL,
    "actionsHash" TEXT NOT NULL,
    "resultCid" TEXT NOT NULL,
    "receivedAt" BIGINT NOT NULL,
    CONSTRAINT "Attestation_pkey" PRIMARY KEY ("proposalId", "attestor")
);

CREATE TABLE "Execution" (
    "proposalId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "queueTx" TEXT,
    "eta" BIGINT,
    "executeTx" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" BIGINT NOT NULL,
    "lastError" TEXT,
    CONSTRAINT "Execution_pkey" PRIMARY KEY ("proposalId")
);
