-- The secret a refresh token's successor is derived from (HMAC-SHA256 of the token under this key),
-- so a retry inside the grace window gets the same successor again without any token being stored.
-- One row, created on first start and never changed; base64url; the data directory is 0700.
CREATE TABLE refresh_successor_key (
  id          INT          NOT NULL PRIMARY KEY,
  secret      VARCHAR(128) NOT NULL,
  created_at  TIMESTAMP(9) WITH TIME ZONE NOT NULL,
  CONSTRAINT refresh_successor_key_one_row CHECK (id = 1)
);
