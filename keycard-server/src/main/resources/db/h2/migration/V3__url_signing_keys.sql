-- The HMAC keys of signed playback URLs (keycard's own schemes). Kept, like the JWT signing keys, so
-- a restart does not invalidate the URLs players hold, and so several instances can share them.
-- Secrets are base64url; the data directory is 0700.
CREATE TABLE url_signing_keys (
  key_id      VARCHAR(64)  NOT NULL PRIMARY KEY,
  secret      VARCHAR(128) NOT NULL,
  created_at  TIMESTAMP(9) WITH TIME ZONE NOT NULL
);
