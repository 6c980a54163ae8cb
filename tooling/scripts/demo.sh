#!/usr/bin/env bash
# The main job, from a fresh clone: generate a sample service (apps/demo, git-ignored) and start it on the
# embedded database. Ctrl-C (or SIGINT/SIGTERM, in the background too) stops it gracefully. Run it again and
# it starts the same service. Like any new service it adds its importer to pnpm-lock.yaml; `demo.sh --clean`
# removes the service and that entry, and nothing else.
set -euo pipefail

# A background job of a non-interactive shell (`bash demo.sh &` in a script) starts with SIGINT ignored, and
# bash can neither trap nor reset a signal ignored on entry; pnpm inherits the ignore through exec. So start
# again with SIGINT at its default (GNU env), and pnpm, exec'd below, stops the service on it.
if [ "$(trap -p INT)" = "trap -- '' SIGINT" ] && env --default-signal=INT true 2>/dev/null; then
  exec env --default-signal=INT bash "${BASH_SOURCE[0]}" "$@"
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/bootstrap.sh"
cd "$SHIPSHAPE_ROOT"
if [ "${1:-}" = "--clean" ]; then
  rm -rf apps/demo
  # A non-frozen install prunes the importer of the service that is gone and keeps every other entry
  # (reverting the lockfile from git would also drop the importers of services made since).
  pnpm install --offline --no-frozen-lockfile --loglevel=error
  echo "Removed apps/demo and its lockfile entry."
  exit 0
fi
port="${PORT:-3900}"
if [ ! -d apps/demo ]; then
  pnpm --silent shipshape new service demo --port "$port" --resource notes --yes
fi
echo "Starting apps/demo on http://127.0.0.1:$port  (try: curl http://127.0.0.1:$port/healthz)"
exec pnpm --silent --filter demo dev
