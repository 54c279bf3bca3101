CREATE TABLE "Result" (
    "proposalId" TEXT NOT NULL,
    "cid" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "document" TEXT NOT NULL,
    "recordedAt" BIGINT NOT NULL,
    CONSTRAINT "Result_pkey" PRIMARY KEY ("proposalId")
);

CREATE UNIQUE INDEX "Result_cid_key" ON "Result"("cid");

CREATE TABLE "ProposalEvent" (
    "proposalId" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "at" BIGINT NOT NULL,
    CONSTRAINT "ProposalEvent_pkey" PRIMARY KEY ("proposalId", "state")
);
