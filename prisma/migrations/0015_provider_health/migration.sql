-- CreateTable
CREATE TABLE "ProviderHealth" (
    "providerId" TEXT NOT NULL,
    "lastCheckAt" TIMESTAMPTZ(3),
    "lastCheckOk" BOOLEAN,
    "lastLatencyMs" INTEGER,
    "lastErrorAt" TIMESTAMPTZ(3),
    "lastErrorStatus" INTEGER,
    "lastErrorKind" TEXT,
    "lastErrorMessage" TEXT,
    "lastErrorSource" TEXT,
    "lastErrorModel" TEXT,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ProviderHealth_pkey" PRIMARY KEY ("providerId")
);

-- CreateTable
CREATE TABLE "ProviderProbe" (
    "id" TEXT NOT NULL,
    "providerId" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "ok" BOOLEAN NOT NULL,
    "latencyMs" INTEGER NOT NULL,
    "probe" TEXT NOT NULL,
    "status" INTEGER,
    "error" TEXT,

    CONSTRAINT "ProviderProbe_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProviderCooldownNote" (
    "target" TEXT NOT NULL,
    "providerId" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "modelId" TEXT,
    "until" TIMESTAMPTZ(3) NOT NULL,
    "reason" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ProviderCooldownNote_pkey" PRIMARY KEY ("target")
);

-- CreateIndex
CREATE INDEX "ProviderProbe_providerId_at_idx" ON "ProviderProbe"("providerId", "at");

-- CreateIndex
CREATE INDEX "ProviderCooldownNote_providerId_idx" ON "ProviderCooldownNote"("providerId");

-- AddForeignKey
ALTER TABLE "ProviderHealth" ADD CONSTRAINT "ProviderHealth_providerId_fkey" FOREIGN KEY ("providerId") REFERENCES "Provider"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProviderProbe" ADD CONSTRAINT "ProviderProbe_providerId_fkey" FOREIGN KEY ("providerId") REFERENCES "Provider"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProviderCooldownNote" ADD CONSTRAINT "ProviderCooldownNote_providerId_fkey" FOREIGN KEY ("providerId") REFERENCES "Provider"("id") ON DELETE CASCADE ON UPDATE CASCADE;

