-- keycard on PostgreSQL: every table of the embedded schema, in PostgreSQL's own types, for several
-- keycard instances (and CLI commands) on one database. Tokens are never stored, only their SHA-256
-- (base64url). Instants are timestamptz (microseconds). Secrets and private JWKs are in this
-- database: grant it to keycard's role only.

CREATE TABLE users (
  username       text        NOT NULL PRIMARY KEY,
  password_hash  text        NOT NULL,
  scopes         text        NOT NULL,
  created_at     timestamptz NOT NULL
);

CREATE TABLE clients (
  client_id      text        NOT NULL PRIMARY KEY,
  secret_hash    text,
  scopes         text        NOT NULL,
  created_at     timestamptz NOT NULL
);

CREATE TABLE refresh_families (
  id                   text        NOT NULL PRIMARY KEY,
  subject              text        NOT NULL,
  client_id            text        NOT NULL,
  scopes               text        NOT NULL,
  created_at           timestamptz NOT NULL,
  absolute_expires_at  timestamptz NOT NULL,
  revoked_at           timestamptz
);
CREATE INDEX refresh_families_expiry ON refresh_families (absolute_expires_at);

-- Rotation is one conditional UPDATE … WHERE state = 'ACTIVE' on a row of this table: of any number
-- of concurrent rotations of one token, on any instances, the row lock lets exactly one through.
CREATE TABLE refresh_tokens (
  hash            text        NOT NULL PRIMARY KEY,
  family_id       text        NOT NULL REFERENCES refresh_families (id) ON DELETE CASCADE,
  state           text        NOT NULL CHECK (state IN ('ACTIVE', 'ROTATED', 'REVOKED')),
  issued_at       timestamptz NOT NULL,
  expires_at      timestamptz NOT NULL,
  rotated_at      timestamptz,
  successor_hash  text
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

-- The secret refresh-token successors are derived from: one row, made on first start, never changed.
CREATE TABLE refresh_successor_key (
  id          integer     NOT NULL PRIMARY KEY CHECK (id = 1),
  secret      bytea       NOT NULL,
  created_at  timestamptz NOT NULL
);

CREATE TABLE opaque_tokens (
  hash         text        NOT NULL PRIMARY KEY,
  subject      text        NOT NULL,
  scopes       text        NOT NULL,
  client_id    text        NOT NULL,
  issuer       text        NOT NULL,
  audience     text        NOT NULL,
  token_id     text        NOT NULL,
  session_id   text,
  issued_at    timestamptz NOT NULL,
  not_before   timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL
);
CREATE INDEX opaque_tokens_expiry ON opaque_tokens (expires_at);

-- Denylist entries (jti or sid) as a log: instances read everything after the last seq they have
-- seen. Writers take an advisory lock before drawing a number, so numbers commit in order.
CREATE TABLE revocations (
  seq            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id             text        NOT NULL,
  revoked_until  timestamptz NOT NULL
);
CREATE INDEX revocations_until ON revocations (revoked_until);

CREATE TABLE signing_keys (
  kid         text        NOT NULL PRIMARY KEY,
  algorithm   text        NOT NULL,
  jwk         text        NOT NULL,
  created_at  timestamptz NOT NULL,
  retired_at  timestamptz
);

CREATE TABLE url_signing_keys (
  key_id      text        NOT NULL PRIMARY KEY,
  secret      bytea       NOT NULL,
  created_at  timestamptz NOT NULL
);

CREATE TABLE streams (
  id          text        NOT NULL PRIMARY KEY,
  created_at  timestamptz NOT NULL
);

CREATE TABLE stream_keys (
  key_id      text        NOT NULL PRIMARY KEY,
  stream_id   text        NOT NULL REFERENCES streams (id) ON DELETE CASCADE,
  hash        text        NOT NULL UNIQUE,
  created_at  timestamptz NOT NULL,
  revoked_at  timestamptz
);
CREATE INDEX stream_keys_stream ON stream_keys (stream_id);
