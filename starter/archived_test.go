package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/exactsync/exactsync/clients/odoo/odootest"
	"github.com/exactsync/exactsync/internal/pgtest"
	"github.com/exactsync/exactsync/internal/temporaltest"
	"github.com/exactsync/exactsync/store"
)

// `starter connect odoo --archived` sets what a sync does in Exact with a partner archived in Odoo; connecting
// again without the flag keeps it; anything but block or ignore is refused.
func TestConnectOdooArchived(t *testing.T) {
	ts := temporaltest.Start(t)
	od := odootest.NewServer(t)
	dbURL, key := pgtest.URL(t), store.NewKey()
	env := map[string]string{"DATABASE_URL": dbURL, "EXACTSYNC_SECRET_KEY": key, "TEMPORAL_ADDRESS": ts.Address}
	starter := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(context.Background(), args, func(k string) string { return env[k] }, &out, &out)
		return out.String(), err
	}
	must := func(args ...string) {
		t.Helper()
		if out, err := starter(args...); err != nil {
			t.Fatalf("starter %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	parsed, err := store.ParseKey(key)
	if err != nil {
		t.Fatal(err)
	}
	connect := append([]string{}, "connect", "odoo", "--url", od.URL(), "--db", od.Database(), "--user", od.Login(), "--api-key", od.APIKey())
	action := func() string {
		t.Helper()
		st, err := store.Open(context.Background(), dbURL, parsed)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		conn, err := st.Connection(context.Background(), "default")
		if err != nil {
			t.Fatal(err)
		}
		return conn.ArchiveAction
	}

	must(connect...)
	if got := action(); got != store.ArchiveBlock {
		t.Errorf("without --archived: %q, want %q", got, store.ArchiveBlock)
	}
	must(append(connect, "--archived", "ignore")...)
	if got := action(); got != store.ArchiveIgnore {
		t.Errorf("--archived ignore: %q", got)
	}
	must(connect...)
	if got := action(); got != store.ArchiveIgnore {
		t.Errorf("connected again without --archived: %q, want ignore kept", got)
	}
	out, err := starter(append(connect, "--archived", "delete")...)
	if err == nil || !strings.Contains(out+err.Error(), "--archived") {
		t.Errorf("--archived delete: %q, %v; want refused naming the flag", out, err)
	}
	if got := action(); got != store.ArchiveIgnore {
		t.Errorf("after a refused --archived: %q, want ignore kept", got)
	}
}
