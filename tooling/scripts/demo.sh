#!/usr/bin/env bash
# The main job, from a fresh clone: generate a sample service (apps/demo, git-ignored) and start it on the
# embedded database. Ctrl-C stops it gracefully. Run it again and it starts the same service. Like any new
# service it adds its importer to pnpm-lock.yaml; `demo.sh --clean` removes the service and that entry.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/bootstrap.sh"
cd "$SHIPSHAPE_ROOT"
if [ "${1:-}" = "--clean" ]; then
  rm -rf apps/demo
  git checkout -- pnpm-lock.yaml
  pnpm install --frozen-lockfile --offline --reporter=silent
  echo "Removed apps/demo and its lockfile entry."
  exit 0
fi
port="${PORT:-3100}"
if [ ! -d apps/demo ]; then
  pnpm --silent shipshape new service demo --port "$port" --resource notes --yes
fi
echo "Starting apps/demo on http://127.0.0.1:$port  (try: curl http://127.0.0.1:$port/healthz)"
exec pnpm --silent --filter demo dev
