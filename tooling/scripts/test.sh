#!/usr/bin/env bash
# Every test in the repository: lint, typecheck, build, each package's and service's tests (PostgreSQL and
# Redis included), the generator end to end, and the drift checks. Sets up whatever is missing first.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/bootstrap.sh"
source "$here/services.sh"
cd "$SHIPSHAPE_ROOT"

rm -f {packages,apps,tooling}/*/.vitest/{results.json,figures.txt}
status=0
# A terminal gets turbo's live task list; a pipe (CI, logs) gets plain lines, and only failing tasks' output.
ui=stream
if [ -t 1 ]; then ui=tui; fi
pnpm exec turbo run lint typecheck build test --continue --output-logs=errors-only --concurrency=2 --ui="$ui" ||
  status=$?
node tooling/scripts/sum-results.ts || status=1
exit "$status"
