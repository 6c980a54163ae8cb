#!/usr/bin/env bash
# Sourced: makes a PostgreSQL and a Redis answer on 127.0.0.1 and exports DATABASE_URL, PG_ADMIN_URL and
# REDIS_URL. Installs them from Debian when missing (root only) and starts them when stopped. Variables that
# are already set win: point them at your own servers and nothing is installed or started.
set -euo pipefail

svc_log() { printf '\033[2m[services]\033[0m %s\n' "$*" >&2; }
pg_port="${SHIPSHAPE_PG_PORT:-5432}"
redis_port="${SHIPSHAPE_REDIS_PORT:-6379}"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "services: '$*' needs root; set DATABASE_URL and REDIS_URL to servers you run" >&2; exit 1; fi
}

install_missing() {
  local missing=()
  command -v pg_ctlcluster >/dev/null || missing+=(postgresql)
  command -v redis-server >/dev/null || missing+=(redis-server)
  [ "${#missing[@]}" -eq 0 ] && return
  svc_log "installing ${missing[*]} from Debian"
  as_root apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >&2
}

start_postgres() {
  local version cluster
  version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
  cluster=main
  if ! pg_lsclusters -h 2>/dev/null | grep -q "^$version $cluster "; then
    as_root pg_createcluster "$version" "$cluster" -p "$pg_port" >&2
  fi
  if ! pg_lsclusters -h | grep -q "^$version $cluster .* online"; then
    svc_log "starting PostgreSQL $version on 127.0.0.1:$pg_port"
    as_root pg_ctlcluster "$version" "$cluster" start >&2
  fi
  for _ in $(seq 1 50); do pg_isready -q -h 127.0.0.1 -p "$pg_port" && break; sleep 0.2; done
  # A password login over TCP, as a service connects in production; the test harness creates one
  # database per test file from this admin URL.
  as_root runuser -u postgres -- psql -q -p "$pg_port" -c "ALTER USER postgres PASSWORD 'postgres'" >&2
  export PG_ADMIN_URL="postgres://postgres:postgres@127.0.0.1:$pg_port/postgres"
  export DATABASE_URL="$PG_ADMIN_URL"
}

start_redis() {
  if ! redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1; then
    svc_log "starting Redis on 127.0.0.1:$redis_port"
    redis-server --bind 127.0.0.1 --port "$redis_port" --daemonize yes --save '' --appendonly no >&2
    for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
  export REDIS_URL="redis://127.0.0.1:$redis_port"
}

if [ -z "${DATABASE_URL:-}" ] || [ -z "${REDIS_URL:-}" ]; then install_missing; fi
if [ -z "${DATABASE_URL:-}" ]; then start_postgres; else export PG_ADMIN_URL="${PG_ADMIN_URL:-$DATABASE_URL}"; fi
[ -n "${REDIS_URL:-}" ] || start_redis
svc_log "DATABASE_URL=${DATABASE_URL%%:*}://…@${DATABASE_URL##*@}  REDIS_URL=$REDIS_URL"
