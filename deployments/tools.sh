#!/usr/bin/env bash
# Builds the pinned tools into .bin/ once, and again only when their pinned versions change:
#   .bin/temporal       the Temporal CLI (dev server + Web UI), module deployments/temporal-cli
#   .bin/workflowcheck  Temporal's determinism checker, module deployments/workflowcheck
#   .bin/staticcheck    the linter, module deployments/staticcheck
# A cold build of the Temporal CLI takes about 10 minutes on 2 cores and 3-4 GB of Go cache.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$root/.bin"

build() { # build NAME MODULE_DIR PACKAGE
	local name=$1 dir=$2 pkg=$3 stamp want
	stamp="$root/.bin/$name.stamp"
	want=$(cat "$root/$dir/go.mod" "$root/$dir/go.sum" | sha256sum | cut -d' ' -f1)
	if [ -x "$root/.bin/$name" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
		return 0
	fi
	echo "tools: building $name from $dir (pinned in $dir/go.mod; first build of the Temporal CLI takes ~10 min)" >&2
	(cd "$root/$dir" && go build -o "$root/.bin/$name.tmp" "$pkg")
	mv "$root/.bin/$name.tmp" "$root/.bin/$name"
	echo "$want" >"$stamp"
}

build temporal deployments/temporal-cli github.com/temporalio/cli/cmd/temporal
build workflowcheck deployments/workflowcheck go.temporal.io/sdk/contrib/tools/workflowcheck
build staticcheck deployments/staticcheck honnef.co/go/tools/cmd/staticcheck
