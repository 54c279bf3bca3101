ALTER TABLE "Proposal" ADD COLUMN "actionedAt" INTEGER;
ALTER TABLE "Proposal" ADD COLUMN "actionedBy" TEXT;
ALTER TABLE "Proposal" ADD COLUMN "actionNote" TEXT;

CREATE TABLE "Attestation" (
    "proposalId" TEXT NOT NULL,
    "attestor" TEXT NOT NULL,
    "signature" TEXT NOT NULL,
    "actionsHash" TEXT NOT NULL,
    "resultCid" TEXT NOT NULL,
    "receivedAt" INTEGER NOT NULL,
    PRIMARY KEY ("proposalId", "attestor")
);

CREATE TABLE "Execution" (
    "proposalId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "queueTx" TEXT,
    "eta" INTEGER,
    "executeTx" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" INTEGER NOT NULL,
    "lastError" TEXT,
    PRIMARY KEY ("proposalId")
);
