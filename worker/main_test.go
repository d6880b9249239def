package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"go.temporal.io/sdk/client"

	"github.com/exactsync/exactsync/activities"
	"github.com/exactsync/exactsync/clients/odoo/odootest"
	"github.com/exactsync/exactsync/internal/pgtest"
	"github.com/exactsync/exactsync/internal/temporaltest"
	"github.com/exactsync/exactsync/store"
	"github.com/exactsync/exactsync/workflows"
)

// syncBuffer is a bytes.Buffer safe for the logger and the test to share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startWorker runs the real worker main against the dev server and a fresh database, at debug level.
func startWorker(t testing.TB, ts *temporaltest.Server, dbURL string, extraEnv map[string]string) (httpAddr string, logs *syncBuffer) {
	t.Helper()
	env := map[string]string{
		"TEMPORAL_ADDRESS":     ts.Address,
		"DATABASE_URL":         dbURL,
		"EXACTSYNC_SECRET_KEY": store.NewKey(),
		"EXACTSYNC_HTTP_ADDR":  "127.0.0.1:0",
		"EXACTSYNC_LOG_LEVEL":  "debug",
	}
	for k, v := range extraEnv {
		env[k] = v
	}
	logs = &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- run(ctx, nil, func(k string) string { return env[k] }, logs, ready) }()
	select {
	case httpAddr = <-ready:
	case err := <-done:
		cancel()
		t.Fatalf("worker exited before it was ready: %v\n%s", err, logs)
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("worker: %v", err)
		}
	})
	return httpAddr, logs
}

func TestWorkerRunsSelfCheckOnRealTemporalAndPostgres(t *testing.T) {
	ts := temporaltest.Start(t)
	dbURL := pgtest.URL(t)
	secretKey := store.NewKey()
	addr, logs := startWorker(t, ts, dbURL, map[string]string{"EXACTSYNC_SECRET_KEY": secretKey})
	ctx := context.Background()

	run, err := ts.Client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: workflows.SelfCheckWorkflowID("it-1"), TaskQueue: workflows.TaskQueue,
	}, workflows.SelfCheck, activities.SelfCheckInput{Nonce: "it-1"})
	if err != nil {
		t.Fatal(err)
	}
	var res activities.SelfCheckResult
	if err := run.Get(ctx, &res); err != nil {
		t.Fatalf("SelfCheck: %v", err)
	}
	if res.SchemaVersion < 1 || res.Worker == "" || res.CheckedAt.IsZero() {
		t.Errorf("SelfCheck result = %+v, want schema version, worker and time", res)
	}
	// The row really is in PostgreSQL.
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var worker string
	if err := conn.QueryRow(ctx, `SELECT worker FROM selfchecks WHERE nonce = 'it-1'`).Scan(&worker); err != nil {
		t.Fatalf("selfcheck row: %v", err)
	}
	if worker != res.Worker {
		t.Errorf("stored worker = %q, want %q", worker, res.Worker)
	}

	for _, tc := range []struct{ path, want string }{
		{"/healthz", "ok"},
		{"/metrics", "temporal_"},
	} {
		resp, err := http.Get("http://" + addr + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), tc.want) {
			t.Errorf("GET %s = %d, body without %q", tc.path, resp.StatusCode, tc.want)
		}
	}
	if strings.Contains(logs.String(), secretKey) {
		t.Error("the secret key appears in the worker's logs")
	}
}

func TestWorkerConfigErrorsAreClear(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"no database", map[string]string{"EXACTSYNC_SECRET_KEY": store.NewKey()}, "DATABASE_URL is not set"},
		{"no key", map[string]string{"DATABASE_URL": "postgres://x@127.0.0.1:1/x"}, "EXACTSYNC_SECRET_KEY"},
		{"bad tls flag", map[string]string{"TEMPORAL_TLS": "maybe"}, "TEMPORAL_TLS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseConfig(nil, func(k string) string { return tt.env[k] }, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

// The worker checks each connection's x_ write-back fields before it takes work, so the first syncs of a
// connection never race to create them (real Odoo answers all but one "Field names must be unique per model.").
func TestWorkerStartCreatesTheWriteBackFields(t *testing.T) {
	ts := temporaltest.Start(t)
	dbURL := pgtest.URL(t)
	key := store.NewKey()
	ctx := context.Background()
	od := odootest.NewServer(t)
	decoded, err := store.ParseKey(key)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, dbURL, decoded)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveOdoo(ctx, store.Connection{Name: "fields", OdooURL: od.URL(), OdooDatabase: od.Database(),
		OdooLogin: od.Login(), OdooAPIKey: od.APIKey(), OdooCompanyID: od.CompanyID(), WebhookSecret: "s3cr3t-fields"}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	fieldIDs := func() []any {
		t.Helper()
		res, err := od.Call("ir.model.fields", "search", []any{[]any{[]any{"model", "=", "res.partner"},
			[]any{"name", "in", []any{activities.FieldExactID, activities.FieldExactCode}}}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return res.([]any)
	}
	if got := fieldIDs(); len(got) != 0 {
		t.Fatalf("the simulator starts with the write-back fields %v", got)
	}
	startWorker(t, ts, dbURL, map[string]string{"EXACTSYNC_SECRET_KEY": key})
	if got := fieldIDs(); len(got) != 2 {
		t.Errorf("after the worker started: %d write-back fields, want 2", len(got))
	}
}
