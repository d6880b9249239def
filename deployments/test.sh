#!/usr/bin/env bash
# `make test`: static checks, then every test against a real PostgreSQL and the real Temporal dev server.
# Starts a throw-away PostgreSQL cluster in .data/pgtest when DATABASE_URL is unset, and stops it at the end.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

deployments/tools.sh

echo "== go vet"
go vet ./...
echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.data/*') 2>/dev/null || true)
if [ -n "$unformatted" ]; then
	echo "gofmt would change:"
	echo "$unformatted"
	exit 1
fi
echo "== workflowcheck (determinism of workflows/)"
.bin/workflowcheck ./workflows/...
echo "== staticcheck"
.bin/staticcheck ./...

# shellcheck source=deployments/testdb.sh
. deployments/testdb.sh
echo "== go test (PostgreSQL at ${DATABASE_URL%%@*}@…, Temporal CLI $TEMPORAL_CLI)"
# The race detector on the packages that run goroutines (clients, activities, worker); the rest without it.
raced="./clients/... ./activities/... ./worker/..."
others=$(go list ./... | grep -v -e '/clients/' -e '/activities' -e '/worker')
go test -count=1 -timeout 40m -race ${GOTESTFLAGS:-} $raced
go test -count=1 -timeout 40m ${GOTESTFLAGS:-} $others
