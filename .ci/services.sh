#!/usr/bin/env bash
# Install and start what the tests need beyond Python: PostgreSQL and Chromium (Debian's packages).
# Idempotent; prints `export ...` lines for the caller to eval:
#   eval "$(.ci/services.sh)"
set -euo pipefail
log() { echo "$@" >&2; }
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  need=()
  command -v chromium >/dev/null || need+=(chromium)
  command -v pg_lsclusters >/dev/null || need+=(postgresql)
  if [ ${#need[@]} -gt 0 ]; then
    log "installing ${need[*]} from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >&2
    apt-get install -y -q "${need[@]}" >&2
  fi
fi
if command -v pg_lsclusters >/dev/null; then
  read -r ver name port status _ < <(pg_lsclusters --no-header | head -1)
  if [ "$status" != "online" ]; then
    log "starting PostgreSQL $ver/$name on port $port"
    pg_ctlcluster "$ver" "$name" start >&2
  fi
  su postgres -c "psql -p $port -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='zopa'\"" | grep -q 1 \
    || su postgres -c "psql -p $port -qc \"CREATE ROLE zopa LOGIN SUPERUSER PASSWORD 'zopa'\"" >&2
  su postgres -c "psql -p $port -qtAc \"SELECT 1 FROM pg_database WHERE datname='zopa_test'\"" | grep -q 1 \
    || su postgres -c "createdb -p $port -O zopa zopa_test" >&2
  echo "export ZOPA_TEST_PG_URL=postgresql+psycopg://zopa:zopa@127.0.0.1:$port/zopa_test"
fi
if command -v chromium >/dev/null; then
  echo "export ZOPA_TEST_CHROMIUM=$(command -v chromium)"
fi
