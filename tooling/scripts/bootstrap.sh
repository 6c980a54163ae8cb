#!/usr/bin/env bash
# Sourced by the README commands and CI: puts the pinned Node and pnpm first on PATH and installs the
# workspace. Node 24 comes from the npm registry (the only one this machine reaches), so any Node 20+ with
# npm can bootstrap it. Idempotent: when everything is in place it costs about a second.
#
# Sourcing runs in the caller's shell, so this file leaves it as it found it: shell options are set inside
# a function that restores them on return (`local -` in bash, `localoptions` in zsh), failures return
# instead of exiting (an `exit` or `set -e` would close an interactive shell), and the helpers are unset.

# The file's own path: BASH_SOURCE in bash, $0 in zsh (which sets it to the sourced file).
_shipshape_self="${BASH_SOURCE[0]:-$0}"

_shipshape_log() {
  if [ -t 2 ] && [ -z "${NO_COLOR:-}" ]; then printf '\033[2m[bootstrap]\033[0m %s\n' "$*" >&2
  else printf '[bootstrap] %s\n' "$*" >&2; fi
}

_shipshape_ensure_tool() { # name version dir package
  if [ "$("$3/bin/$1" --version 2>/dev/null)" != "$2" ]; then
    command -v npm >/dev/null || { echo "bootstrap: npm is needed once to fetch $4" >&2; return 1; }
    _shipshape_log "installing $4 from the npm registry into $3"
    npm install --global --prefix "$3" --no-audit --no-fund --loglevel=error "$4" >&2 || return 1
  fi
  PATH="$3/bin:$PATH"
  export PATH
}

_shipshape_ensure_workspace() {
  # Installed from this very lockfile already (pnpm keeps a copy of the one it installed): nothing to do.
  # pnpm would say so too, but only after re-checking every package's metadata against the registry.
  if cmp -s "$SHIPSHAPE_ROOT/pnpm-lock.yaml" "$SHIPSHAPE_ROOT/node_modules/.pnpm/lock.yaml"; then return 0; fi
  # A terminal gets pnpm's live progress; a pipe (CI, logs) gets plain lines, warnings and errors only.
  local reporter=append-only loglevel=warn
  if [ -t 2 ]; then reporter=default loglevel=info; fi
  (cd "$SHIPSHAPE_ROOT" && pnpm install --frozen-lockfile --prefer-offline --reporter="$reporter" \
    --loglevel="$loglevel") >&2
}

_shipshape_bootstrap() {
  if [ -n "${ZSH_VERSION:-}" ]; then setopt localoptions; else local -; fi
  set -u
  set -o pipefail
  local tools node_version pnpm_version
  SHIPSHAPE_ROOT="$(cd "$(dirname "$_shipshape_self")/../.." && pwd)" || return 1
  export SHIPSHAPE_ROOT
  tools="${SHIPSHAPE_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/shipshape/tools}"
  node_version="$(tr -d '[:space:]' < "$SHIPSHAPE_ROOT/.node-version")" || return 1
  pnpm_version="$(sed -n 's/.*"packageManager": *"pnpm@\([^"]*\)".*/\1/p' "$SHIPSHAPE_ROOT/package.json")"
  _shipshape_ensure_tool node "v$node_version" "$tools/node-$node_version" "node@$node_version" &&
    _shipshape_ensure_tool pnpm "$pnpm_version" "$tools/pnpm-$pnpm_version" "pnpm@$pnpm_version" &&
    _shipshape_ensure_workspace
}

_shipshape_bootstrap
# One eval, so its $? (the bootstrap's status) is expanded before the helpers are unset; `return` works when
# sourced, and run as a program it fails, so `exit` ends the program instead.
eval "unset -f _shipshape_log _shipshape_ensure_tool _shipshape_ensure_workspace _shipshape_bootstrap
  unset _shipshape_self
  return $? 2>/dev/null || exit $?"
