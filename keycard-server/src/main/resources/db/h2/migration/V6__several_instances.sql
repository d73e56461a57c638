-- Issue 7: several keycard instances (and CLI commands) on one database.

-- Row locks that make the writers of one kind of entry take turns across every connection and
-- process, and the revocations' sequence counter. Writers take a row by incrementing its counter
-- (UPDATE … SET counter = counter + 1) and hold it until they commit.
CREATE TABLE store_locks (
  name     VARCHAR(64) NOT NULL PRIMARY KEY,
  counter  BIGINT      NOT NULL
);
INSERT INTO store_locks (name, counter) VALUES ('revocations', 0), ('signing_keys', 0), ('url_signing_keys', 0);

-- Denylist entries become a log in save order: each save a new row under the next number of the
-- 'revocations' counter, so an instance asks for everything after the last number it has seen. The
-- entries of a data directory made before are carried over, numbered in expiry order.
CREATE TABLE revocation_log (
  seq            BIGINT       NOT NULL PRIMARY KEY,
  id             VARCHAR(255) NOT NULL,
  revoked_until  TIMESTAMP(9) WITH TIME ZONE NOT NULL
);
INSERT INTO revocation_log (seq, id, revoked_until)
  SELECT ROW_NUMBER() OVER (ORDER BY revoked_until, id), id, revoked_until FROM revocations;
UPDATE store_locks SET counter = (SELECT COUNT(*) FROM revocation_log) WHERE name = 'revocations';
DROP TABLE revocations;
ALTER TABLE revocation_log RENAME TO revocations;
CREATE INDEX revocations_until ON revocations (revoked_until);
