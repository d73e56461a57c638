-- Stream keys (issue 6): long-lived, revocable credentials an encoder puts in its ingest URL. Only
-- the SHA-256 of a key is stored (base64url, like refresh tokens); a key is never deleted, only
-- revoked, and revoked_at may lie in the future (a rotation with an overlap).
CREATE TABLE stream_keys (
  key_id      VARCHAR(32) NOT NULL PRIMARY KEY,
  stream_id   VARCHAR(64) NOT NULL REFERENCES streams (id) ON DELETE CASCADE,
  hash        VARCHAR(64) NOT NULL UNIQUE,
  created_at  TIMESTAMP(9) WITH TIME ZONE NOT NULL,
  revoked_at  TIMESTAMP(9) WITH TIME ZONE
);
CREATE INDEX stream_keys_stream ON stream_keys (stream_id);
