-- keycard's embedded schema (H2). Tokens are never stored, only their SHA-256 (see Secrets.hash);
-- instants are TIMESTAMP(9) WITH TIME ZONE so nothing is truncated on the way in or out.

CREATE TABLE users (
  username       VARCHAR(255)  NOT NULL PRIMARY KEY,
  password_hash  VARCHAR(512)  NOT NULL,
  scopes         VARCHAR(4096) NOT NULL,
  created_at     TIMESTAMP(9) WITH TIME ZONE NOT NULL
);

CREATE TABLE clients (
  client_id      VARCHAR(255)  NOT NULL PRIMARY KEY,
  secret_hash    VARCHAR(255),
  scopes         VARCHAR(4096) NOT NULL,
  created_at     TIMESTAMP(9) WITH TIME ZONE NOT NULL
);

CREATE TABLE refresh_families (
  id                   VARCHAR(64)   NOT NULL PRIMARY KEY,
  subject              VARCHAR(255)  NOT NULL,
  client_id            VARCHAR(255)  NOT NULL,
  scopes               VARCHAR(4096) NOT NULL,
  created_at           TIMESTAMP(9) WITH TIME ZONE NOT NULL,
  absolute_expires_at  TIMESTAMP(9) WITH TIME ZONE NOT NULL,
  revoked_at           TIMESTAMP(9) WITH TIME ZONE
);
CREATE INDEX refresh_families_subject ON refresh_families (subject);
CREATE INDEX refresh_families_expiry ON refresh_families (absolute_expires_at);

CREATE TABLE refresh_tokens (
  hash            VARCHAR(64)  NOT NULL PRIMARY KEY,
  family_id       VARCHAR(64)  NOT NULL REFERENCES refresh_families (id) ON DELETE CASCADE,
  state           VARCHAR(16)  NOT NULL,
  issued_at       TIMESTAMP(9) WITH TIME ZONE NOT NULL,
  expires_at      TIMESTAMP(9) WITH TIME ZONE NOT NULL,
  rotated_at      TIMESTAMP(9) WITH TIME ZONE,
  successor_hash  VARCHAR(64),
  CONSTRAINT refresh_tokens_state CHECK (state IN ('ACTIVE', 'ROTATED', 'REVOKED'))
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

CREATE TABLE opaque_tokens (
  hash         VARCHAR(64)   NOT NULL PRIMARY KEY,
  subject      VARCHAR(255)  NOT NULL,
  scopes       VARCHAR(4096) NOT NULL,
  client_id    VARCHAR(255)  NOT NULL,
  issuer       VARCHAR(1024) NOT NULL,
  audience     VARCHAR(4096) NOT NULL,
  token_id     VARCHAR(64)   NOT NULL,
  session_id   VARCHAR(64),
  issued_at    TIMESTAMP(9) WITH TIME ZONE NOT NULL,
  not_before   TIMESTAMP(9) WITH TIME ZONE NOT NULL,
  expires_at   TIMESTAMP(9) WITH TIME ZONE NOT NULL
);
CREATE INDEX opaque_tokens_expiry ON opaque_tokens (expires_at);

-- Denylist entries (jti or sid) and how long they must be kept.
CREATE TABLE revocations (
  id          VARCHAR(255) NOT NULL PRIMARY KEY,
  revoked_until TIMESTAMP(9) WITH TIME ZONE NOT NULL
);
CREATE INDEX revocations_until ON revocations (revoked_until);

-- Private JWKs: the data directory is created 0700 because of this table.
CREATE TABLE signing_keys (
  kid         VARCHAR(255)  NOT NULL PRIMARY KEY,
  algorithm   VARCHAR(16)   NOT NULL,
  jwk         CLOB          NOT NULL,
  created_at  TIMESTAMP(9) WITH TIME ZONE NOT NULL,
  retired_at  TIMESTAMP(9) WITH TIME ZONE
);
