package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/exactsync/exactsync/activities"
	"github.com/exactsync/exactsync/clients/exact"
	"github.com/exactsync/exactsync/clients/exact/exacttest"
	"github.com/exactsync/exactsync/clients/odoo/odootest"
	"github.com/exactsync/exactsync/internal/pgtest"
	"github.com/exactsync/exactsync/internal/temporaltest"
	"github.com/exactsync/exactsync/store"
	"github.com/exactsync/exactsync/workflows"
)

// cli runs the starter as a user would, with an environment.
type cli struct {
	t   *testing.T
	env map[string]string
}

func (c cli) run(args ...string) (string, error) {
	c.t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return c.env[k] }, &out, &errOut)
	return out.String() + errOut.String(), err
}

func (c cli) must(args ...string) string {
	c.t.Helper()
	out, err := c.run(args...)
	if err != nil {
		c.t.Fatalf("starter %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestConnectBothSidesAndOperate(t *testing.T) {
	ts := temporaltest.Start(t)
	od := odootest.NewServer(t)
	ex := exacttest.NewServer(t)
	ex.AddDivision(7654321, "Tweede BV")
	key := store.NewKey()
	c := cli{t: t, env: map[string]string{"DATABASE_URL": pgtest.URL(t), "EXACTSYNC_SECRET_KEY": key, "TEMPORAL_ADDRESS": ts.Address}}

	out := c.must("connect", "odoo", "--url", od.URL(), "--db", od.Database(), "--user", od.Login(), "--api-key", od.APIKey())
	if !strings.Contains(out, `Odoo 17.0 connected`) || !strings.Contains(out, "transport xmlrpc") || !strings.Contains(out, `connection "default"`) {
		t.Errorf("connect odoo said %q", out)
	}
	if strings.Contains(out, od.APIKey()) {
		t.Error("connect odoo printed the API key")
	}
	// The connector's x_ write-back fields are created at connect, not by the first (parallel) syncs.
	if n, err := od.Call("ir.model.fields", "search_count", []any{[]any{[]any{"model", "=", "res.partner"},
		[]any{"name", "in", []any{activities.FieldExactID, activities.FieldExactCode}}}}, nil); err != nil || n.(int64) != 2 {
		t.Errorf("after connect odoo: %v write-back fields (%v), want 2", n, err)
	}
	if out, err := c.run("connect", "odoo", "--url", od.URL(), "--db", od.Database(), "--user", od.Login(), "--api-key", "wrong"); err == nil {
		t.Errorf("a wrong API key was accepted: %s", out)
	}

	redirect := "http://" + freePort(t) + "/exact/callback"
	exactArgs := []string{"connect", "exact", "--site", "nl", "--base-url", ex.URL(), "--client-id", ex.ClientID(), "--client-secret", ex.ClientSecret(),
		"--redirect-url", redirect, "--consent-over-http", "--every", "1h"}
	out, err := c.run(exactArgs...)
	if err == nil || !strings.Contains(err.Error(), "pick one with --division") || !strings.Contains(err.Error(), "7654321") {
		t.Fatalf("two granted divisions without --division: err = %v (%s), want the list", err, out)
	}
	out = c.must(append(exactArgs, "--division", "7654321")...)
	if !strings.Contains(out, `division 7654321 "Tweede BV"`) || !strings.Contains(out, "Schedule detect-contacts/default") {
		t.Errorf("connect exact said %q", out)
	}
	desc, err := ts.Client.ScheduleClient().GetHandle(context.Background(), workflows.DetectScheduleID("default")).Describe(context.Background())
	if err != nil {
		t.Fatalf("the schedule was not created: %v", err)
	}
	if got := desc.Schedule.Spec.Intervals[0].Every.String(); got != "1h0m0s" {
		t.Errorf("schedule interval = %s, want 1h", got)
	}

	out = c.must("connected")
	if !strings.Contains(out, "complete") {
		t.Errorf("connected said %q", out)
	}
	out = c.must("mappings", "suggest", "--apply")
	for _, want := range []string{`"30 Days" → 30 (stored)`, `"14 Days" → 14 (stored)`, `"30% Now, Balance 60 Days": MISSING: `, "2 instalments on different days", "Oplossing:"} {
		if !strings.Contains(out, want) {
			t.Errorf("mappings suggest lacks %q:\n%s", want, out)
		}
	}
	out = c.must("mappings", "list", "--kind", "payment_term")
	if !strings.Contains(out, "MISSING") || !strings.Contains(out, "3 of 4 mapped and valid") {
		t.Errorf("mappings list:\n%s", out)
	}
	if out, err := c.run("mappings", "set", "--kind", "payment_term", "--odoo-id", fmt.Sprint(od.Seeded().Terms["30% Now, Balance 60 Days"]), "--exact-code", "99"); err == nil {
		t.Errorf("a code Exact does not have was accepted: %s", out)
	}
	c.must("mappings", "set", "--kind", "payment_term", "--odoo-id", fmt.Sprint(od.Seeded().Terms["30% Now, Balance 60 Days"]), "--exact-code", "60")
	if out := c.must("mappings", "list", "--kind", "payment_term"); !strings.Contains(out, "4 of 4 mapped and valid") {
		t.Errorf("after set:\n%s", out)
	}

	out = c.must("odoo", "install-webhooks", "--public-url", "http://127.0.0.1:9999", "--install-module")
	if !strings.Contains(out, "automation rule") || strings.Contains(out, "/webhooks/odoo/"+"x") {
		t.Errorf("install-webhooks said %q", out)
	}

	out = c.must("status")
	if !strings.Contains(out, `connection "default"`) || !strings.Contains(out, "waiting for a fix: 0") {
		t.Errorf("status:\n%s", out)
	}
}

func TestUnknownCommandAndUsage(t *testing.T) {
	c := cli{t: t, env: map[string]string{}}
	if out, err := c.run("frobnicate"); err == nil || !strings.Contains(out, "connect exact") {
		t.Errorf("unknown command: err = %v, usage %q", err, out)
	}
	if out, err := c.run("status"); err == nil || !strings.Contains(err.Error(), "DATABASE_URL") {
		t.Errorf("status without a database: err = %v (%s)", err, out)
	}
	if out := c.must("--help"); !strings.Contains(out, "mappings suggest") {
		t.Errorf("help = %q", out)
	}
}

func TestPickDivision(t *testing.T) {
	divs := []exact.Division{{Code: 1, Description: "A"}, {Code: 2, Description: "B"}}
	tests := []struct {
		name          string
		divs          []exact.Division
		want, stored  int
		got           int
		errorContains string
	}{
		{"asked", divs, 2, 0, 2, ""},
		{"stored", divs, 0, 1, 1, ""},
		{"only one", divs[:1], 0, 0, 1, ""},
		{"several", divs, 0, 0, 0, "pick one"},
		{"not granted", divs, 3, 0, 0, "was not granted"},
		{"none", nil, 0, 0, 0, "no division"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := pickDivision(tt.divs, tt.want, tt.stored)
			if tt.errorContains != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errorContains) {
					t.Fatalf("err = %v, want %q", err, tt.errorContains)
				}
				return
			}
			if err != nil || d.Code != tt.got {
				t.Errorf("pickDivision = %d, %v; want %d", d.Code, err, tt.got)
			}
		})
	}
}
