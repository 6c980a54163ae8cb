#!/usr/bin/env bash
# Sourced by the README commands and CI: puts the pinned Node and pnpm first on PATH and installs the
# workspace. Node 24 comes from the npm registry (the only one this machine reaches), so any Node 20+ with
# npm can bootstrap it. Idempotent: when everything is in place it costs about a second.
set -euo pipefail

SHIPSHAPE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export SHIPSHAPE_ROOT
tools="${SHIPSHAPE_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/shipshape/tools}"
node_version="$(tr -d '[:space:]' < "$SHIPSHAPE_ROOT/.node-version")"
pnpm_version="$(sed -n 's/.*"packageManager": *"pnpm@\([^"]*\)".*/\1/p' "$SHIPSHAPE_ROOT/package.json")"

log() { printf '\033[2m[bootstrap]\033[0m %s\n' "$*" >&2; }

ensure_node() {
  local dir="$tools/node-$node_version"
  if [ "$("$dir/bin/node" --version 2>/dev/null)" != "v$node_version" ]; then
    command -v npm >/dev/null || { echo "bootstrap: npm is needed once to fetch Node $node_version" >&2; exit 1; }
    log "installing Node $node_version from the npm registry into $dir"
    npm install --global --prefix "$dir" --no-audit --no-fund --loglevel=error "node@$node_version" >&2
  fi
  export PATH="$dir/bin:$PATH"
}

ensure_pnpm() {
  local dir="$tools/pnpm-$pnpm_version"
  if [ "$("$dir/bin/pnpm" --version 2>/dev/null)" != "$pnpm_version" ]; then
    log "installing pnpm $pnpm_version into $dir"
    npm install --global --prefix "$dir" --no-audit --no-fund --loglevel=error "pnpm@$pnpm_version" >&2
  fi
  export PATH="$dir/bin:$PATH"
}

ensure_workspace() {
  (cd "$SHIPSHAPE_ROOT" && pnpm install --frozen-lockfile --prefer-offline --reporter=silent) >&2
}

ensure_node
ensure_pnpm
ensure_workspace
