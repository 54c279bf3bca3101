CREATE TABLE "PowerCache" (
    "strategySet" TEXT NOT NULL,
    "block" INTEGER NOT NULL,
    "address" TEXT NOT NULL,
    "power" TEXT NOT NULL,
    "breakdown" TEXT NOT NULL,
    CONSTRAINT "PowerCache_pkey" PRIMARY KEY ("strategySet", "block", "address")
);
