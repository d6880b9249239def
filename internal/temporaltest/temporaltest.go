// Package temporaltest starts the real Temporal dev server (the CLI that `make test` builds into .bin/) for
// integration tests, with exactsync's search attributes registered. It never downloads anything.
package temporaltest

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"

	"github.com/exactsync/exactsync/workflows"
)

// CLIPath finds the Temporal CLI: $TEMPORAL_CLI, else .bin/temporal at the module root.
func CLIPath(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("TEMPORAL_CLI"); p != "" {
		return p
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			p := filepath.Join(dir, ".bin", "temporal")
			if _, err := os.Stat(p); err != nil {
				t.Fatalf("the Temporal CLI is not built at %s: run the tests with `make test` (it builds it once)", p)
			}
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("module root not found; set TEMPORAL_CLI to the Temporal CLI binary")
		}
		dir = parent
	}
}

// SearchAttributeArgs are the dev-server flags registering exactsync's search attributes.
func SearchAttributeArgs() []string {
	var args []string
	for _, k := range workflows.SearchAttributes() {
		typ := "Keyword"
		switch k.GetValueType() {
		case enums.INDEXED_VALUE_TYPE_INT:
			typ = "Int"
		case enums.INDEXED_VALUE_TYPE_TEXT:
			typ = "Text"
		}
		args = append(args, "--search-attribute", k.GetName()+"="+typ)
	}
	return args
}

// Server is a running dev server.
type Server struct {
	Address string
	Client  client.Client
}

// Start starts a dev server for the test (stopped at cleanup) and returns it with a connected client.
func Start(t testing.TB) *Server {
	t.Helper()
	srv, err := testsuite.StartDevServer(context.Background(), testsuite.DevServerOptions{
		ExistingPath:  CLIPath(t),
		LogLevel:      "error",
		ClientOptions: &client.Options{Logger: log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))},
		ExtraArgs:     SearchAttributeArgs(),
		Stdout:        io.Discard,
		Stderr:        io.Discard,
	})
	if err != nil {
		t.Fatalf("start the Temporal dev server: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Stop(); err != nil {
			t.Logf("stop dev server: %v", err)
		}
	})
	return &Server{Address: srv.FrontendHostPort(), Client: srv.Client()}
}
