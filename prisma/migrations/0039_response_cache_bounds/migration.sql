-- The response cache keeps its bounds at each write (CACHE_MAX_BYTES for the whole store, CACHE_ORG_MAX_SHARE of it
-- for one organization): "ResponseCacheUsage" holds the bytes by holder (an organization's id, '~' for org-less keys
-- and the master key, '*' for the whole store), kept exact by a trigger, so a write reads two rows instead of summing
-- the table; a write is one call of response_cache_put (the entry and the eviction it calls for, in one statement),
-- whose eviction takes an organization's oldest entries through the new index.
-- CreateTable
CREATE TABLE "ResponseCacheUsage" (
    "holder" TEXT NOT NULL,
    "bytes" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "ResponseCacheUsage_pkey" PRIMARY KEY ("holder")
);

-- CreateIndex
CREATE INDEX "ResponseCacheEntry_orgId_createdAt_idx" ON "ResponseCacheEntry"("orgId", "createdAt");

-- Not in the Prisma schema (a later `prisma migrate diff` would propose dropping them; keep them).
-- The whole store's row is always updated first, so concurrent writers take turns on it and never deadlock. An
-- update that changes neither size nor organization (a hit's count) does not fire it.
CREATE FUNCTION "response_cache_usage"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO "ResponseCacheUsage" ("holder", "bytes") VALUES ('*', -OLD."sizeBytes")
      ON CONFLICT ("holder") DO UPDATE SET "bytes" = "ResponseCacheUsage"."bytes" + EXCLUDED."bytes";
    INSERT INTO "ResponseCacheUsage" ("holder", "bytes") VALUES (coalesce(OLD."orgId", '~'), -OLD."sizeBytes")
      ON CONFLICT ("holder") DO UPDATE SET "bytes" = "ResponseCacheUsage"."bytes" + EXCLUDED."bytes";
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO "ResponseCacheUsage" ("holder", "bytes") VALUES ('*', NEW."sizeBytes")
      ON CONFLICT ("holder") DO UPDATE SET "bytes" = "ResponseCacheUsage"."bytes" + EXCLUDED."bytes";
    INSERT INTO "ResponseCacheUsage" ("holder", "bytes") VALUES (coalesce(NEW."orgId", '~'), NEW."sizeBytes")
      ON CONFLICT ("holder") DO UPDATE SET "bytes" = "ResponseCacheUsage"."bytes" + EXCLUDED."bytes";
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "ResponseCacheEntry_usage"
  AFTER INSERT OR DELETE OR UPDATE OF "sizeBytes", "orgId" ON "ResponseCacheEntry"
  FOR EACH ROW EXECUTE FUNCTION "response_cache_usage"();

INSERT INTO "ResponseCacheUsage" ("holder", "bytes")
  SELECT '*', coalesce(sum("sizeBytes"), 0) FROM "ResponseCacheEntry";
INSERT INTO "ResponseCacheUsage" ("holder", "bytes")
  SELECT coalesce("orgId", '~'), sum("sizeBytes") FROM "ResponseCacheEntry" GROUP BY coalesce("orgId", '~');

-- Every statement that changes entries takes the store's lock first (its '*' row): the trigger alone would take it
-- only after locking the entries' rows, and two such statements could each wait for the other.
CREATE FUNCTION "response_cache_lock"() RETURNS void LANGUAGE sql AS $$
  INSERT INTO "ResponseCacheUsage" ("holder", "bytes") VALUES ('*', 0)
    ON CONFLICT ("holder") DO UPDATE SET "bytes" = "ResponseCacheUsage"."bytes";
$$;

-- A holder's oldest entries whose sizes add up to p_excess (at most 500), never p_keep: the entries deleted.
CREATE FUNCTION "response_cache_evict"(p_holder text, p_excess bigint, p_keep text) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  n integer;
BEGIN
  IF p_holder = '~' THEN
    DELETE FROM "ResponseCacheEntry" WHERE "key" IN (
      SELECT "key" FROM (
        SELECT "key", sum("sizeBytes") OVER (ORDER BY "createdAt", "key") - "sizeBytes" AS before
        FROM "ResponseCacheEntry" WHERE "orgId" IS NULL AND "key" <> p_keep
        ORDER BY "createdAt", "key" LIMIT 500) e
      WHERE e.before < p_excess);
  ELSE
    DELETE FROM "ResponseCacheEntry" WHERE "key" IN (
      SELECT "key" FROM (
        SELECT "key", sum("sizeBytes") OVER (ORDER BY "createdAt", "key") - "sizeBytes" AS before
        FROM "ResponseCacheEntry" WHERE "orgId" = p_holder AND "key" <> p_keep
        ORDER BY "createdAt", "key" LIMIT 500) e
      WHERE e.before < p_excess);
  END IF;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$$;

-- Brings the store within its bounds: p_holder's oldest entries while it holds more than p_org_max (no holder: none),
-- then, while the whole store is above p_max, what expired, then the largest holder's oldest (a holder with nothing
-- but p_keep: the next largest). Returns the entries deleted.
CREATE FUNCTION "response_cache_fit"(p_holder text, p_keep text, p_max bigint, p_org_max bigint, p_now timestamptz)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  excess bigint;
  top text;
  n integer;
  evicted integer := 0;
  expired_done boolean := false;
  keep text := coalesce(p_keep, '');
BEGIN
  PERFORM "response_cache_lock"();
  IF p_holder IS NOT NULL THEN
    LOOP
      SELECT "bytes" - p_org_max INTO excess FROM "ResponseCacheUsage" WHERE "holder" = p_holder;
      EXIT WHEN excess IS NULL OR excess <= 0;
      n := "response_cache_evict"(p_holder, excess, keep);
      evicted := evicted + n;
      EXIT WHEN n = 0;
    END LOOP;
  END IF;
  LOOP
    SELECT "bytes" - p_max INTO excess FROM "ResponseCacheUsage" WHERE "holder" = '*';
    EXIT WHEN excess IS NULL OR excess <= 0;
    IF NOT expired_done THEN
      expired_done := true;
      DELETE FROM "ResponseCacheEntry" WHERE "key" IN (
        SELECT "key" FROM "ResponseCacheEntry" WHERE "expiresAt" <= p_now AND "key" <> keep LIMIT 500);
      GET DIAGNOSTICS n = ROW_COUNT;
      evicted := evicted + n;
      CONTINUE WHEN n > 0;
    END IF;
    n := 0;
    FOR top IN
      SELECT "holder" FROM "ResponseCacheUsage" WHERE "holder" <> '*' AND "bytes" > 0
      ORDER BY "bytes" DESC, "holder" LIMIT 2
    LOOP
      n := "response_cache_evict"(top, excess, keep);
      EXIT WHEN n > 0;
    END LOOP;
    evicted := evicted + n;
    EXIT WHEN n = 0;
  END LOOP;
  RETURN evicted;
END
$$;

-- One write: the entry (a value of the same key replaced), then the eviction it calls for; -1 (nothing written) when
-- the value alone is above a bound.
CREATE FUNCTION "response_cache_put"(p_key text, p_org text, p_target text, p_body bytea, p_expires timestamptz,
  p_now timestamptz, p_max bigint, p_org_max bigint) RETURNS integer
LANGUAGE plpgsql AS $$
BEGIN
  IF length(p_body) > p_max OR length(p_body) > p_org_max THEN
    RETURN -1;
  END IF;
  PERFORM "response_cache_lock"();
  INSERT INTO "ResponseCacheEntry" ("key", "orgId", "target", "body", "sizeBytes", "expiresAt", "createdAt", "hits")
    VALUES (p_key, p_org, p_target, p_body, length(p_body), p_expires, p_now, 0)
    ON CONFLICT ("key") DO UPDATE SET "body" = EXCLUDED."body", "sizeBytes" = EXCLUDED."sizeBytes",
      "expiresAt" = EXCLUDED."expiresAt", "createdAt" = EXCLUDED."createdAt", "target" = EXCLUDED."target";
  RETURN "response_cache_fit"(coalesce(p_org, '~'), p_key, p_max, p_org_max, p_now);
END
$$;

-- The sweep's batch of expired entries (at most p_batch): the entries deleted.
CREATE FUNCTION "response_cache_expire"(p_now timestamptz, p_batch integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  n integer;
BEGIN
  PERFORM "response_cache_lock"();
  DELETE FROM "ResponseCacheEntry" WHERE "key" IN (
    SELECT "key" FROM "ResponseCacheEntry" WHERE "expiresAt" <= p_now LIMIT p_batch);
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$$;
