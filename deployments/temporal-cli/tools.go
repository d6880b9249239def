//go:build tools

// Package tools pins the Temporal CLI (dev server and Web UI) that `make run`
// and `make test` build. It lives in its own module because the CLI's
// dependency graph does not compile next to the project's Temporal SDK.
package tools

import _ "github.com/temporalio/cli/cmd/temporal"
