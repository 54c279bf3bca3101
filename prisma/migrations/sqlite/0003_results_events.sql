CREATE TABLE "Result" (
    "proposalId" TEXT NOT NULL,
    "cid" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "document" TEXT NOT NULL,
    "recordedAt" INTEGER NOT NULL,
    PRIMARY KEY ("proposalId")
);

CREATE UNIQUE INDEX "Result_cid_key" ON "Result"("cid");

CREATE TABLE "ProposalEvent" (
    "proposalId" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "at" INTEGER NOT NULL,
    PRIMARY KEY ("proposalId", "state")
);
