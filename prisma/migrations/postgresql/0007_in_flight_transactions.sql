CREATE TABLE "InFlightTransaction" (
    "from" TEXT NOT NULL,
    "record" TEXT NOT NULL,
    CONSTRAINT "InFlightTransaction_pkey" PRIMARY KEY ("from")
);
