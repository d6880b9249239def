package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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

// cli runs the starter as a user would, with an environment. read, when not nil, collects the environment
// variables each command read (see helpListsEnv).
type cli struct {
	t    *testing.T
	env  map[string]string
	read map[string]map[string]bool
}

func (c cli) getenv(args []string) func(string) string {
	name := commandName(args)
	return func(k string) string {
		if c.read != nil && name != "" {
			if c.read[name] == nil {
				c.read[name] = map[string]bool{}
			}
			c.read[name][k] = true
		}
		return c.env[k]
	}
}

// commandName is the command args name, or "" when they name none.
func commandName(args []string) string {
	for _, cmd := range commands() {
		if strings.HasPrefix(strings.Join(args, " ")+" ", cmd.name+" ") {
			return cmd.name
		}
	}
	return ""
}

func (c cli) run(args ...string) (string, error) {
	c.t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, c.getenv(args), &out, &errOut)
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

// main runs the starter through Main, as the process does: the exit code, stdout and stderr.
func (c cli) main(args ...string) (code int, stdout, stderr string) {
	c.t.Helper()
	var out, errOut bytes.Buffer
	code = Main(context.Background(), args, c.getenv(args), &out, &errOut)
	return code, out.String(), errOut.String()
}

// helpListsEnv checks that `starter <command> --help` lists every environment variable the command read in the
// runs c made.
func (c cli) helpListsEnv() {
	c.t.Helper()
	if len(c.read) == 0 {
		c.t.Fatal("no command recorded the environment it read")
	}
	for name, keys := range c.read {
		code, help, _ := cli{t: c.t, env: map[string]string{}}.main(append(strings.Fields(name), "--help")...)
		if code != exitOK {
			c.t.Errorf("starter %s --help exited %d", name, code)
		}
		_, env, _ := strings.Cut(help, "\nenvironment:\n")
		for k := range keys {
			if !strings.Contains(env, "  "+k+" ") {
				c.t.Errorf("starter %s read %s, but its --help does not list it:\n%s", name, k, help)
			}
		}
	}
}

// decodeOne decodes stdout as exactly one JSON document: nothing else may be printed there.
func decodeOne(t *testing.T, stdout string, v any) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(stdout))
	if err := dec.Decode(v); err != nil {
		t.Fatalf("stdout is not a JSON document: %v\n%s", err, stdout)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		t.Fatalf("stdout holds more than one JSON document:\n%s", stdout)
	}
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
	c := cli{t: t, env: map[string]string{"DATABASE_URL": pgtest.URL(t), "EXACTSYNC_SECRET_KEY": key, "TEMPORAL_ADDRESS": ts.Address},
		read: map[string]map[string]bool{}}

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
	code, stdout, stderr := c.main("connected", "--json")
	var conn connectedReport
	decodeOne(t, stdout, &conn)
	if code != exitOK || !conn.Complete || !conn.Odoo || conn.ExactDivision != 7654321 || !conn.ExactToken || stderr != "" {
		t.Errorf("connected --json: exit %d, %+v, stderr %q; want 0 and complete", code, conn, stderr)
	}
	instalments := od.Seeded().Terms["30% Now, Balance 60 Days"]
	out = c.must("mappings", "suggest", "--apply")
	for _, want := range []string{`"30 Days" → 30 (stored)`, `"14 Days" → 14 (stored)`, `"30% Now, Balance 60 Days": MISSING: `, "2 instalments on different days", "Oplossing:",
		fmt.Sprintf("`starter mappings set --kind payment_term --odoo-id %d --exact-code <code>`", instalments)} {
		if !strings.Contains(out, want) {
			t.Errorf("mappings suggest lacks %q:\n%s", want, out)
		}
	}
	out = c.must("mappings", "list", "--kind", "payment_term")
	if !strings.Contains(out, "MISSING") || !strings.Contains(out, "3 of 4 mapped and valid") {
		t.Errorf("mappings list:\n%s", out)
	}
	checkMappingsList(t, c, instalments)
	code, stdout, stderr = c.main("mappings", "set", "--kind", "payment_term", "--odoo-id", fmt.Sprint(instalments), "--exact-code", "99")
	if code != exitFailed || stdout != "" {
		t.Errorf("a code Exact does not have: exit %d, stdout %q; want 1 and nothing", code, stdout)
	}
	for _, want := range []string{`"99" is not a payment_term code`, "valid: 00, 14, 30, 60.",
		fmt.Sprintf("starter mappings set --kind payment_term --odoo-id %d --exact-code <one of those>", instalments)} {
		if !strings.Contains(stderr, want) {
			t.Errorf("mappings set with a wrong code said %q, want %q", stderr, want)
		}
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
	if !strings.Contains(out, `connection "default"`) || !strings.Contains(out, "waiting for a fix: 0") || !strings.Contains(out, "invoices: not sent") {
		t.Errorf("status:\n%s", out)
	}
	if code, _, stderr := c.main("invoices"); code != exitUsage || !strings.Contains(stderr, "--from YYYY-MM-DD is required") {
		t.Errorf("invoices without --from: exit %d, %q", code, stderr)
	}
	if out := c.must("invoices", "--from", "2026-01-01"); !strings.Contains(out, "dated from 2026-01-01, in 3 mapped journals") {
		t.Errorf("invoices --from said %q", out)
	}
	if out := c.must("status"); !strings.Contains(out, "invoices from 2026-01-01: 0 in Exact") || !strings.Contains(out, "payments from Exact: last pull 20") {
		t.Errorf("status after invoices --from:\n%s", out)
	}
	// With invoices on, the taxes are needed: the 0 % sales tax the suggestion left to a person is MISSING now.
	if out := c.must("mappings", "list", "--kind", "tax"); !strings.Contains(out, "MISSING") || !strings.Contains(out, "To do: map each MISSING or INVALID tax") {
		t.Errorf("mappings list --kind tax with invoices on:\n%s", out)
	}
	checkAnalyticMappings(t, c, od.Seeded().Analytic)
	if out := c.must("invoices", "--off"); !strings.Contains(out, "sends no invoices any more") {
		t.Errorf("invoices --off said %q", out)
	}
	c.helpListsEnv()
}

// checkMappingsList checks `mappings list` on a contacts-only setup: grouped by kind, payment terms needed by the
// contact sync, journals, taxes and accounts by the invoice sync, which this connection has not turned on (never MISSING).
func checkMappingsList(t *testing.T, c cli, instalments int64) {
	t.Helper()
	code, out, stderr := c.main("mappings", "list")
	if code != exitOK {
		t.Fatalf("mappings list: exit %d: %s", code, stderr)
	}
	sections := strings.Split(out, "\n\n")
	wantHeads := []string{"Payment terms → Exact payment conditions (needed by the contact sync): 3 of 4 mapped and valid",
		"Journals → Exact journals (needed by the invoice sync (only mapped journals are synced)):",
		"Taxes → Exact VAT codes (needed by the invoice sync (Odoo id 0: lines without tax)):", "Accounts → Exact GL accounts (needed by the invoice sync):"}
	if len(sections) < len(wantHeads) {
		t.Fatalf("mappings list has %d sections, want %d kinds:\n%s", len(sections), len(wantHeads), out)
	}
	for i, want := range wantHeads {
		if !strings.HasPrefix(sections[i], want) {
			t.Errorf("section %d starts %q, want %q", i, strings.SplitN(sections[i], "\n", 2)[0], want)
		}
		if i > 0 && strings.Contains(sections[i], "MISSING") {
			t.Errorf("a kind no sync needs yet is listed as MISSING:\n%s", sections[i])
		}
	}
	if got := strings.Count(out, "MISSING"); got != 2 { // the row and the to-do line
		t.Errorf("mappings list says MISSING %d times, want the one payment term and its to-do:\n%s", got, out)
	}
	if want := "starter mappings set --kind payment_term --odoo-id <ODOO ID> --exact-code <code>"; !strings.Contains(out, want) {
		t.Errorf("mappings list lacks the command %q:\n%s", want, out)
	}

	code, stdout, stderr := c.main("mappings", "list", "--json")
	var report mappingsReport
	decodeOne(t, stdout, &report)
	if code != exitOK || stderr != "" || len(report.Kinds) != 6 {
		t.Fatalf("mappings list --json: exit %d, %d kinds, stderr %q", code, len(report.Kinds), stderr)
	}
	pt := report.Kinds[0]
	if pt.Kind != "payment_term" || !pt.Needed || pt.Valid != 3 || pt.Total != 4 || report.ExactDivision != 7654321 {
		t.Errorf("payment terms in JSON: %+v", pt)
	}
	for _, r := range pt.Rows {
		if want := map[bool]string{true: "missing", false: "ok"}[r.OdooID == instalments]; r.State != want {
			t.Errorf("payment term %d %q: state %q, want %q", r.OdooID, r.OdooName, r.State, want)
		}
	}
	for _, k := range report.Kinds[1:] {
		if k.Kind == "analytic" {
			if k.Needed || !strings.HasPrefix(k.NeededBy, "optional") || k.Total == 0 {
				t.Errorf("analytic accounts in JSON: needed %v by %q, %d rows; want optional, listed", k.Needed, k.NeededBy, k.Total)
			}
			continue
		}
		if k.Needed || !strings.HasPrefix(k.NeededBy, "needed by the invoice sync") && !strings.HasPrefix(k.NeededBy, "needed by the payment pull") || k.Total == 0 {
			t.Errorf("kind %s in JSON: needed %v by %q, %d rows; want not needed until invoices", k.Kind, k.Needed, k.NeededBy, k.Total)
		}
	}
}

// checkAnalyticMappings checks the analytic accounts `mappings suggest --apply` mapped by their reference, maps one
// to another cost unit, is refused an inactive cost centre, and lists the analytic kind as optional: an unmapped
// analytic account is never MISSING.
func checkAnalyticMappings(t *testing.T, c cli, analytic map[string]int64) {
	t.Helper()
	// `mappings suggest --apply` mapped the five accounts whose reference is an Exact code; one is changed by hand.
	c.must("mappings", "set", "--kind", "analytic", "--odoo-id", fmt.Sprint(analytic["Project Noord"]), "--exact-code", "unit:PRJ2")
	code, stdout, stderr := c.main("mappings", "set", "--kind", "analytic", "--odoo-id", fmt.Sprint(analytic["Inkoop"]), "--exact-code", "900")
	if code != exitFailed || stdout != "" || !strings.Contains(stderr, `"900" is not a analytic code`) || !strings.Contains(stderr, "valid: 100, 200, 300, unit:PRJ1, unit:PRJ2.") {
		t.Errorf("an inactive cost centre: exit %d, stdout %q, stderr %q; want 1 and the active codes", code, stdout, stderr)
	}
	out := c.must("mappings", "list", "--kind", "analytic")
	for _, want := range []string{"(optional, for the invoice sync", fmt.Sprintf("5 of %d mapped and valid", len(analytic)), "[100] Verkoop (Departments)", "not mapped yet"} {
		if !strings.Contains(out, want) {
			t.Errorf("mappings list --kind analytic lacks %q:\n%s", want, out)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "[PRJ1] Project Noord (Projects)") && !strings.Contains(line, "unit:PRJ2") {
			t.Errorf("Project Noord after set: %q, want unit:PRJ2", line)
		}
	}
	if strings.Contains(out, "MISSING") || strings.Contains(out, "To do") {
		t.Errorf("optional analytic mappings listed as missing:\n%s", out)
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

// ODOO_COMPANY_ID picks the company as --company does (what `make run` passes on for a multi-company Odoo); a
// value that is no company id is refused before anything is stored.
func TestConnectOdooTakesTheCompanyFromTheEnvironment(t *testing.T) {
	od := odootest.NewServer(t)
	companies := od.Seeded().Companies
	if len(companies) < 2 {
		t.Fatalf("the simulator seeds companies %v, want two", companies)
	}
	c := cli{t: t, env: map[string]string{"DATABASE_URL": pgtest.URL(t), "EXACTSYNC_SECRET_KEY": store.NewKey(),
		"ODOO_URL": od.URL(), "ODOO_DB": od.Database(), "ODOO_USER": od.Login(), "ODOO_API_KEY": od.APIKey(),
		"ODOO_COMPANY_ID": fmt.Sprint(companies[1])}, read: map[string]map[string]bool{}}
	out := c.must("connect", "odoo")
	if want := fmt.Sprintf(`company %d "Demo BVBA"`, companies[1]); !strings.Contains(out, want) {
		t.Errorf("connect odoo with ODOO_COMPANY_ID said %q, want %q", out, want)
	}
	c.env["ODOO_COMPANY_ID"] = "Demo BVBA"
	if out, err := c.run("connect", "odoo", "--name", "other"); err == nil || !strings.Contains(err.Error(), `not "Demo BVBA"`) {
		t.Errorf("ODOO_COMPANY_ID=Demo BVBA: %v (%s), want it refused as no company id", err, out)
	}
	c.env["ODOO_COMPANY_ID"] = "999"
	if out, err := c.run("connect", "odoo", "--name", "other"); err == nil || !strings.Contains(err.Error(), "company 999 is not among the user's companies") {
		t.Errorf("ODOO_COMPANY_ID=999: %v (%s), want the user's companies listed", err, out)
	}
}
