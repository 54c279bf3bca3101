CREATE TABLE "Message" (
    "id" TEXT NOT NULL,
    "spaceId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "from" TEXT NOT NULL,
    "timestamp" BIGINT NOT NULL,
    "receivedAt" BIGINT NOT NULL,
    "sig" TEXT NOT NULL,
    "document" TEXT NOT NULL,
    "cid" TEXT NOT NULL,
    "sequence" INTEGER NOT NULL,
    "head" TEXT NOT NULL,
    "receipt" TEXT NOT NULL,
    CONSTRAINT "Message_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "Message_cid_key" ON "Message"("cid");

CREATE UNIQUE INDEX "Message_spaceId_sequence_key" ON "Message"("spaceId", "sequence");

CREATE INDEX "Message_from_idx" ON "Message"("from");

CREATE TABLE "LogHead" (
    "spaceId" TEXT NOT NULL,
    "sequence" INTEGER NOT NULL,
    "head" TEXT NOT NULL,
    CONSTRAINT "LogHead_pkey" PRIMARY KEY ("spaceId")
);

CREATE TABLE "Proposal" (
    "id" TEXT NOT NULL,
    "spaceId" TEXT NOT NULL,
    "author" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "snapshot" INTEGER NOT NULL,
    "createdAt" BIGINT NOT NULL,
    "totalPower" TEXT NOT NULL,
    "rules" TEXT NOT NULL,
    "actionsHash" TEXT,
    "canceledAt" BIGINT,
    CONSTRAINT "Proposal_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "Proposal_spaceId_createdAt_idx" ON "Proposal"("spaceId", "createdAt");

CREATE TABLE "Support" (
    "messageId" TEXT NOT NULL,
    "proposalId" TEXT NOT NULL,
    "voter" TEXT NOT NULL,
    "power" TEXT NOT NULL,
    "timestamp" BIGINT NOT NULL,
    "receivedAt" BIGINT NOT NULL,
    "sequence" INTEGER NOT NULL,
    CONSTRAINT "Support_pkey" PRIMARY KEY ("messageId")
);

CREATE UNIQUE INDEX "Support_proposalId_voter_key" ON "Support"("proposalId", "voter");

CREATE INDEX "Support_proposalId_sequence_idx" ON "Support"("proposalId", "sequence");

CREATE TABLE "Vote" (
    "messageId" TEXT NOT NULL,
    "proposalId" TEXT NOT NULL,
    "voter" TEXT NOT NULL,
    "choice" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "power" TEXT NOT NULL,
    "timestamp" BIGINT NOT NULL,
    "receivedAt" BIGINT NOT NULL,
    "sequence" INTEGER NOT NULL,
    CONSTRAINT "Vote_pkey" PRIMARY KEY ("messageId")
);

CREATE INDEX "Vote_proposalId_voter_idx" ON "Vote"("proposalId", "voter");

CREATE TABLE "PinOutbox" (
    "cid" TEXT NOT NULL,
    "document" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" BIGINT NOT NULL,
    "pinnedAt" BIGINT,
    "lastError" TEXT,
    CONSTRAINT "PinOutbox_pkey" PRIMARY KEY ("cid")
);

CREATE INDEX "PinOutbox_pinnedAt_nextAttemptAt_idx" ON "PinOutbox"("pinnedAt", "nextAttemptAt");

CREATE TABLE "LogBatch" (
    "spaceId" TEXT NOT NULL,
    "fromSequence" INTEGER NOT NULL,
    "toSequence" INTEGER NOT NULL,
    "cid" TEXT NOT NULL,
    CONSTRAINT "LogBatch_pkey" PRIMARY KEY ("spaceId", "fromSequence")
);

CREATE TABLE "WorkerLease" (
    "name" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "expiresAt" BIGINT NOT NULL,
    CONSTRAINT "WorkerLease_pkey" PRIMARY KEY ("name")
);
