#!/usr/bin/env bash
# Makes a PostgreSQL server answer on 127.0.0.1:5432 (user postgres, password postgres) for the durable-store
# tests. Idempotent: does nothing when a server already answers there. Otherwise installs the Debian packages
# if they are missing, creates/starts the cluster, sets the password and waits until it accepts connections.
set -euo pipefail

host=127.0.0.1
port=5432

answers() {
  if command -v pg_isready > /dev/null 2>&1; then
    pg_isready -q -h "$host" -p "$port"
  else
    (exec 3<> "/dev/tcp/$host/$port") 2> /dev/null
  fi
}

if answers; then
  echo "postgres: a server already answers on $host:$port"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo > /dev/null 2>&1; then sudo="sudo"; else echo "postgres: not root and no sudo" >&2; exit 1; fi
fi

if ! command -v pg_ctlcluster > /dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres > /dev/null 2>&1; then
  echo "postgres: installing the Debian packages"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql
fi

version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h 2> /dev/null | awk '{ print $1, $2 }' | grep -qx "$version main"; then
  echo "postgres: creating cluster $version/main on port $port"
  $sudo pg_createcluster "$version" main --port "$port"
fi

echo "postgres: starting cluster $version/main"
$sudo pg_ctlcluster "$version" main start || true

for _ in $(seq 1 60); do
  answers && break
  sleep 0.5
done
if ! answers; then
  echo "postgres: the server does not answer on $host:$port" >&2
  tail -n 30 "/var/log/postgresql/postgresql-$version-main.log" >&2 || true
  exit 1
fi

# Peer authentication over the Unix socket, as the postgres system user.
$sudo su postgres -c "psql -q -v ON_ERROR_STOP=1 -c \"ALTER USER postgres PASSWORD 'postgres'\"" > /dev/null
echo "postgres: ready on $host:$port (user postgres, password postgres)"
