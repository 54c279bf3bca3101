CREATE TABLE "InFlightTransaction" (
    "from" TEXT NOT NULL,
    "record" TEXT NOT NULL,
    PRIMARY KEY ("from")
);
