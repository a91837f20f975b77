#!/usr/bin/env bash
# The whole test suite: lint, typecheck, build, unit tests, the API suite on embedded PGlite AND on the real
# PostgreSQL, the real Claude Code and Codex CLIs through the gateway, and the browser tests in Debian's Chromium.
# Ends with one "N passed, N failed" line.
set -euo pipefail
cd "$(dirname "$0")/.."

RESULTS=.test-results
rm -rf "$RESULTS" && mkdir -p "$RESULTS"
export CI="${CI:-}"
PG_ADMIN_URL="${SWITCHYARD_TEST_PG_URL:-postgresql://postgres@127.0.0.1:5432/postgres}"
export SWITCHYARD_TEST_PG_URL="$PG_ADMIN_URL"
export REDIS_TEST_URL="${REDIS_TEST_URL:-redis://127.0.0.1:6379}"

# Each step's wall time, listed at the end (where CI time goes).
TIMES=()
STEP_NAME=""
STEP_START=$SECONDS
step_done() { [ -n "$STEP_NAME" ] && TIMES+=("$(printf '%5ss  %s' $((SECONDS - STEP_START)) "$STEP_NAME")"); return 0; }
step() {
  step_done
  STEP_NAME="$*"
  STEP_START=$SECONDS
  printf '\n==> %s\n' "$*"
}

step "formatting (prettier --check)"
pnpm exec prettier --check . --log-level warn

# One turbo run, so a package's build runs beside another's lint or typecheck (tsc and ESLint use one core each). The
# web app's build leaves type checking to its typecheck task (the same tsconfig).
step "lint, typecheck and build"
pnpm exec turbo run lint typecheck build --output-logs=errors-only

vitest_json() { echo "--reporter=default --reporter=json --outputFile.json=$PWD/$RESULTS/$1.json"; }

step "unit tests: @switchyard/core"
pnpm --filter @switchyard/core exec vitest run $(vitest_json core)

step "unit tests: @switchyard/web"
pnpm --filter @switchyard/web exec vitest run $(vitest_json web)

step "API tests on embedded PGlite"
SWITCHYARD_TEST_DB=pglite pnpm --filter @switchyard/api exec vitest run $(vitest_json api-pglite)

step "API tests on PostgreSQL ($PG_ADMIN_URL)"
if ! node -e "const pg=require('./prisma/node_modules/pg');const c=new pg.Client(process.argv[1]);c.connect().then(()=>c.end()).catch(e=>{console.error(e.message);process.exit(1)})" "$PG_ADMIN_URL"; then
  echo "PostgreSQL is not reachable at $PG_ADMIN_URL: the suite must run on it too (set SWITCHYARD_TEST_PG_URL)." >&2
  exit 1
fi
SWITCHYARD_TEST_DB=postgres pnpm --filter @switchyard/api exec vitest run $(vitest_json api-postgres)

step "coding-agent CLIs (Claude Code, Codex) through the built gateway, offline"
pnpm --filter @switchyard/e2e-agents exec vitest run $(vitest_json agents)

step "browser tests (Playwright, Debian Chromium)"
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    (apt-get update -qq && apt-get install -y -qq chromium) >/dev/null
  else
    echo "Chromium is missing: apt-get install -y chromium (as root)." >&2
    exit 1
  fi
fi
PLAYWRIGHT_JSON_OUTPUT_NAME="$PWD/$RESULTS/e2e.json" pnpm --filter @switchyard/e2e exec playwright test --reporter=list,json

step_done
printf '\nwall time per step:\n'
printf '  %s\n' "${TIMES[@]}"
node scripts/summarize-tests.mjs "$RESULTS"
