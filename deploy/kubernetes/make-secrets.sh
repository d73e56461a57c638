#!/bin/sh
# Writes the files kustomization.yaml's secretGenerator reads, into deploy/kubernetes/secrets/
# (ignored by git, mode 0600). Keeps a file that is already there, so running it again rotates nothing.
#   hs256-secret, origin-secret   256 random bits each, made here
#   database-password             from the file named by $KEYCARD_DATABASE_PASSWORD_FILE (the password
#                                 of PostgreSQL's keycard role), else made here: then give that role
#                                 the file's content as its password
#   redis-password                from the file named by $KEYCARD_REDIS_PASSWORD_FILE, else made here:
#                                 then make it Redis's password (requirepass, or an ACL user's)
set -eu
dir=$(cd "$(dirname "$0")" && pwd)/secrets
mkdir -p "$dir"
umask 077
random() { head -c 32 /dev/urandom | base64 | tr -d '\n=' | tr '+/' '-_'; }
write_secret() { # write_secret NAME COMMAND...: the file NAME from the command's output, unless it exists
  name=$1; shift
  if [ -s "$dir/$name" ]; then echo "kept    secrets/$name"; return; fi
  "$@" >"$dir/$name.tmp" && mv "$dir/$name.tmp" "$dir/$name" && echo "wrote   secrets/$name"
}
write_secret hs256-secret random
write_secret origin-secret random
if [ -n "${KEYCARD_DATABASE_PASSWORD_FILE:-}" ]; then
  write_secret database-password cat "$KEYCARD_DATABASE_PASSWORD_FILE"
else
  write_secret database-password random
fi
if [ -n "${KEYCARD_REDIS_PASSWORD_FILE:-}" ]; then
  write_secret redis-password cat "$KEYCARD_REDIS_PASSWORD_FILE"
else
  write_secret redis-password random
fi
