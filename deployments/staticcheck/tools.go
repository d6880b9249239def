//go:build tools

// Package tools pins staticcheck, built into .bin/ by deployments/tools.sh.
package tools

import _ "honnef.co/go/tools/cmd/staticcheck"
