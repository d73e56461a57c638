-- Registered live streams (issue 3). The built-in demo stream is not stored.
CREATE TABLE streams (
  id          VARCHAR(64) NOT NULL PRIMARY KEY,
  created_at  TIMESTAMP(9) WITH TIME ZONE NOT NULL
);
