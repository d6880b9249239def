//go:build tools

// Package tools pins Temporal's workflow determinism checker, run by `make test` over workflows/.
// It has its own module so its dependencies stay out of the project's go.mod.
package tools

import _ "go.temporal.io/sdk/contrib/tools/workflowcheck"
