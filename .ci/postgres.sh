#!/usr/bin/env bash
# Makes the PostgreSQL binaries (initdb, pg_ctl, postgres) available for the durable-store tests, which start a
# private server from them (tests/Workflows.Durability.Tests/PostgreSqlServer.cs). Installs the Debian packages when
# the binaries are missing. Starts no server: the tests do.
set -euo pipefail

has_binaries() {
  command -v initdb > /dev/null 2>&1 && command -v pg_ctl > /dev/null 2>&1 && command -v postgres > /dev/null 2>&1 && return 0
  ls /usr/lib/postgresql/*/bin/initdb /usr/lib/postgresql/*/bin/pg_ctl /usr/lib/postgresql/*/bin/postgres > /dev/null 2>&1
}

if has_binaries; then
  echo "postgres: the binaries are installed"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo > /dev/null 2>&1; then sudo="sudo"; else echo "postgres: not root and no sudo" >&2; exit 1; fi
fi

echo "postgres: installing the Debian packages"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql
if ! has_binaries; then
  echo "postgres: initdb, pg_ctl and postgres are still missing after the install" >&2
  exit 1
fi
echo "postgres: the binaries are installed"
