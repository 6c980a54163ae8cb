#!/usr/bin/env bash
# Sourced: makes a PostgreSQL and a Redis answer on 127.0.0.1 and exports DATABASE_URL, PG_ADMIN_URL and
# REDIS_URL. Installs them from Debian when missing (root only) and starts them when stopped. Variables that
# are already set win: point them at your own servers and nothing is installed or started.
#
# On a server it finds, it changes nothing that was there: tests log in as a role of their own,
# `shipshape_test` (LOGIN, CREATEDB), made once with its own database; an existing role of that name is used
# as it is, never altered. Like bootstrap.sh, it leaves the sourcing shell's options as it found them.

_shipshape_svc_log() {
  if [ -t 2 ] && [ -z "${NO_COLOR:-}" ]; then printf '\033[2m[services]\033[0m %s\n' "$*" >&2
  else printf '[services] %s\n' "$*" >&2; fi
}

_shipshape_as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "services: '$*' needs root; set DATABASE_URL and REDIS_URL to servers you run" >&2; return 1; fi
}

_shipshape_install_missing() {
  local missing=()
  command -v pg_ctlcluster >/dev/null || missing+=(postgresql)
  command -v redis-server >/dev/null || missing+=(redis-server)
  [ "${#missing[@]}" -eq 0 ] && return
  _shipshape_svc_log "installing ${missing[*]} from Debian"
  _shipshape_as_root apt-get update -qq >&2 &&
    DEBIAN_FRONTEND=noninteractive _shipshape_as_root apt-get install -y -qq "${missing[@]}" >&2
}

_shipshape_start_postgres() {
  local port="$1" version cluster=main
  version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
  if ! pg_lsclusters -h 2>/dev/null | grep -q "^$version $cluster "; then
    _shipshape_as_root pg_createcluster "$version" "$cluster" -p "$port" >&2 || return 1
  fi
  if ! pg_lsclusters -h | grep -q "^$version $cluster .* online"; then
    _shipshape_svc_log "starting PostgreSQL $version on 127.0.0.1:$port"
    _shipshape_as_root pg_ctlcluster "$version" "$cluster" start >&2 || return 1
  fi
  for _ in $(seq 1 50); do pg_isready -q -h 127.0.0.1 -p "$port" && break; sleep 0.2; done
  # A password login over TCP, as a service connects in production. CREATEDB is all the test harness needs:
  # it makes one database per test file from PG_ADMIN_URL and, as their owner, may end their sessions.
  _shipshape_as_root runuser -u postgres -- psql -q -X -v ON_ERROR_STOP=1 -p "$port" >&2 <<'SQL' || return 1
SELECT 'CREATE ROLE shipshape_test LOGIN CREATEDB PASSWORD ''shipshape_test'''
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'shipshape_test') \gexec
SELECT 'CREATE DATABASE shipshape_test OWNER shipshape_test'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'shipshape_test') \gexec
SQL
  export PG_ADMIN_URL="postgres://shipshape_test:shipshape_test@127.0.0.1:$port/shipshape_test"
  export DATABASE_URL="$PG_ADMIN_URL"
}

_shipshape_start_redis() {
  local port="$1"
  if ! redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1; then
    _shipshape_svc_log "starting Redis on 127.0.0.1:$port"
    redis-server --bind 127.0.0.1 --port "$port" --daemonize yes --save '' --appendonly no >&2 || return 1
    for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
  export REDIS_URL="redis://127.0.0.1:$port"
}

_shipshape_services() {
  if [ -n "${ZSH_VERSION:-}" ]; then setopt localoptions; else local -; fi
  set -u
  set -o pipefail
  if [ -z "${DATABASE_URL:-}" ] || [ -z "${REDIS_URL:-}" ]; then _shipshape_install_missing || return 1; fi
  if [ -z "${DATABASE_URL:-}" ]; then
    _shipshape_start_postgres "${SHIPSHAPE_PG_PORT:-5432}" || return 1
  else
    export PG_ADMIN_URL="${PG_ADMIN_URL:-$DATABASE_URL}"
  fi
  [ -n "${REDIS_URL:-}" ] || _shipshape_start_redis "${SHIPSHAPE_REDIS_PORT:-6379}" || return 1
  _shipshape_svc_log "DATABASE_URL=${DATABASE_URL%%:*}://…@${DATABASE_URL##*@}  REDIS_URL=$REDIS_URL"
}

_shipshape_services
# As in bootstrap.sh: $? is expanded before the helpers go; `return` when sourced, `exit` when run.
eval "unset -f _shipshape_svc_log _shipshape_as_root _shipshape_install_missing _shipshape_start_postgres \
  _shipshape_start_redis _shipshape_services
  return $? 2>/dev/null || exit $?"
