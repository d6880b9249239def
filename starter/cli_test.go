package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/exactsync/exactsync/clients/odoo/odootest"
	"github.com/exactsync/exactsync/internal/pgtest"
	"github.com/exactsync/exactsync/internal/temporaltest"
	"github.com/exactsync/exactsync/store"
	"github.com/exactsync/exactsync/workflows"
)

// Help is not an error: every form of it exits 0, prints on stdout, and needs no database or Temporal.
func TestHelpExitsZeroAndListsTheEnvironment(t *testing.T) {
	c := cli{t: t, env: map[string]string{}}
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}} {
		code, stdout, stderr := c.main(args...)
		if code != exitOK || !strings.Contains(stdout, "mappings suggest") || stderr != "" {
			t.Errorf("starter %s: exit %d, stdout %q, stderr %q; want 0 and the usage on stdout", args[0], code, stdout, stderr)
		}
	}
	temporalVars := []string{"TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE", "TEMPORAL_API_KEY", "TEMPORAL_TLS", "TEMPORAL_TLS_CLIENT_CERT_PATH",
		"TEMPORAL_TLS_CLIENT_KEY_PATH", "TEMPORAL_TLS_SERVER_CA_CERT_PATH", "TEMPORAL_TLS_SERVER_NAME"}
	for _, cmd := range commands() {
		for _, h := range []string{"-h", "--help"} {
			t.Run(cmd.name+" "+h, func(t *testing.T) {
				code, stdout, stderr := c.main(append(strings.Fields(cmd.name), h)...)
				if code != exitOK || stderr != "" {
					t.Fatalf("exit %d, stderr %q; want 0 and nothing on stderr", code, stderr)
				}
				if !strings.HasPrefix(stdout, "usage: starter "+cmd.name+" [flags]") || !strings.Contains(stdout, "-name") {
					t.Errorf("help:\n%s", stdout)
				}
				_, env, ok := strings.Cut(stdout, "\nenvironment:\n")
				if !ok {
					t.Fatalf("help lists no environment:\n%s", stdout)
				}
				want := []string{"EXACTSYNC_CONNECTION", "EXACTSYNC_LOG_FORMAT", "EXACTSYNC_LOG_LEVEL"}
				if cmd.needs&needStore != 0 {
					want = append(want, "DATABASE_URL", "EXACTSYNC_SECRET_KEY")
				}
				if cmd.needs&needTemporal != 0 {
					want = append(want, temporalVars...)
				}
				for _, k := range want {
					if !strings.Contains(env, "  "+k+" ") {
						t.Errorf("help does not list %s:\n%s", k, env)
					}
				}
				if cmd.needs&needStore == 0 && strings.Contains(env, "DATABASE_URL") {
					t.Errorf("help lists DATABASE_URL, which %s does not read:\n%s", cmd.name, env)
				}
			})
		}
	}
	code, stdout, _ := c.main("help", "status")
	if code != exitOK || !strings.HasPrefix(stdout, "usage: starter status [flags]") {
		t.Errorf("starter help status: exit %d:\n%s", code, stdout)
	}
	// The flags' environment defaults are listed with the flag they set.
	_, stdout, _ = c.main("connect", "odoo", "-h")
	for _, want := range []string{"ODOO_URL", "default of --url", "ODOO_API_KEY", "default of --api-key", "ODOO_COMPANY_ID", "default of --company", "EXACTSYNC_CONNECTION", "default of --name"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("connect odoo -h lacks %q:\n%s", want, stdout)
		}
	}
}

// A group alone (starter mappings, starter connect) lists that group's subcommands, not the whole usage.
func TestGroupsListTheirSubcommands(t *testing.T) {
	c := cli{t: t, env: map[string]string{}}
	tests := []struct {
		args     []string
		code     int
		subs     []string
		errorMsg string
	}{
		{[]string{"mappings"}, exitUsage, []string{"list", "set", "suggest"}, "mappings needs a subcommand"},
		{[]string{"connect"}, exitUsage, []string{"odoo", "exact"}, "connect needs a subcommand"},
		{[]string{"sync"}, exitUsage, []string{"contacts"}, "sync needs a subcommand"},
		{[]string{"mappings", "frob"}, exitUsage, []string{"list", "set", "suggest"}, `unknown subcommand "frob" of mappings`},
		{[]string{"mappings", "-h"}, exitOK, []string{"list", "set", "suggest"}, ""},
		{[]string{"connect", "--help"}, exitOK, []string{"odoo", "exact"}, ""},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, stdout, stderr := c.main(tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d", code, tt.code)
			}
			listing := stderr
			if tt.code == exitOK {
				listing = stdout
			}
			if !strings.HasPrefix(listing, "usage: starter "+tt.args[0]+" <subcommand>") {
				t.Errorf("printed %q, want the %s subcommands", listing, tt.args[0])
			}
			for _, sub := range tt.subs {
				if !strings.Contains(listing, "\n  "+sub+" ") {
					t.Errorf("the listing lacks %q:\n%s", sub, listing)
				}
			}
			if strings.Contains(listing, "search-attributes") || strings.Contains(stderr, "unknown command") {
				t.Errorf("printed the whole usage or \"unknown command\":\n%s", stdout+stderr)
			}
			if tt.errorMsg != "" && strings.Count(stderr, tt.errorMsg) != 1 {
				t.Errorf("stderr says %q %d times, want once:\n%s", tt.errorMsg, strings.Count(stderr, tt.errorMsg), stderr)
			}
		})
	}
	if code, _, stderr := c.main("frobnicate"); code != exitUsage || !strings.Contains(stderr, `unknown command "frobnicate"`) {
		t.Errorf("unknown command: exit %d, %q", code, stderr)
	}
	if code, _, stderr := c.main(); code != exitUsage || !strings.Contains(stderr, "no command given") {
		t.Errorf("no command: exit %d, %q", code, stderr)
	}
}

// A flag error is printed once (with the usage), exits 2 and opens nothing.
func TestFlagErrorsArePrintedOnce(t *testing.T) {
	c := cli{t: t, env: map[string]string{}}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"status", "--bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"connect", "odoo", "--bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"schedule", "--every", "soon"}, `invalid value "soon" for flag -every`},
		{[]string{"status", "default"}, `unexpected argument "default"`},
		{[]string{"mappings", "set", "--kind", "payment_term"}, "--kind, --odoo-id and --exact-code are required"},
		{[]string{"link", "--partner", "12"}, "--partner and --exact-code are required"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, stdout, stderr := c.main(tt.args...)
			if code != exitUsage || stdout != "" {
				t.Errorf("exit %d, stdout %q; want 2 and nothing on stdout", code, stdout)
			}
			if n := strings.Count(stderr, tt.want); n != 1 {
				t.Errorf("stderr says %q %d times, want once:\n%s", tt.want, n, stderr)
			}
			if strings.Contains(stderr, "DATABASE_URL is not set") {
				t.Errorf("a command line error opened the store:\n%s", stderr)
			}
		})
	}
}

// A missing secret key is reported as missing, with where make run keeps it; never as a wrong length with the
// advice to generate a new one (a new key cannot read the stored secrets).
func TestMissingSecretKey(t *testing.T) {
	tests := []struct {
		name, key string
		want      []string
	}{
		{"not set", "", []string{"EXACTSYNC_SECRET_KEY is not set", ".data/secret.key", "a new key cannot read them"}},
		{"malformed", "c2hvcnQ=", []string{"EXACTSYNC_SECRET_KEY is set but is not 32 bytes", ".data/secret.key"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cli{t: t, env: map[string]string{"DATABASE_URL": "postgres://exactsync@127.0.0.1:1/none", "EXACTSYNC_SECRET_KEY": tt.key}}
			code, stdout, stderr := c.main("status")
			if code != exitFailed || stdout != "" {
				t.Errorf("exit %d, stdout %q; want 1 and nothing", code, stdout)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q lacks %q", stderr, w)
				}
			}
			if strings.Contains(stderr, "must be 32 bytes") || strings.Count(stderr, "EXACTSYNC_SECRET_KEY is") != 1 {
				t.Errorf("stderr %q: want the one reason, printed once", stderr)
			}
		})
	}
}

func TestSortCodes(t *testing.T) {
	in := []string{"60", "B1", "2", "00", "10", "A", "14"}
	if got, want := sortCodes(in), []string{"00", "2", "10", "14", "60", "A", "B1"}; !slices.Equal(got, want) {
		t.Errorf("sortCodes(%v) = %v, want %v", in, got, want)
	}
	if in[0] != "60" {
		t.Error("sortCodes sorted its argument in place")
	}
}

// fakeRun is what one run of fakeContactSync does.
type fakeRun struct{ State, Class, Reason string }

// fakeContactSync stands in for workflows.SyncContact in the queue: it records its state in the same search
// attributes; a failed run fails (as runs did before they waited for a fix), a waiting or paused one waits for the
// retry signal, then syncs.
func fakeContactSync(ctx workflow.Context, r fakeRun) error {
	updates := []temporal.SearchAttributeUpdate{workflows.AttrSyncState.ValueSet(r.State)}
	if r.Class != "" {
		updates = append(updates, workflows.AttrErrorClass.ValueSet(r.Class))
	}
	if r.Reason != "" {
		updates = append(updates, workflows.AttrSyncReason.ValueSet(r.Reason))
	}
	if err := workflow.UpsertTypedSearchAttributes(ctx, updates...); err != nil {
		return err
	}
	switch r.State {
	case workflows.StateFailed:
		return temporal.NewNonRetryableApplicationError(r.Reason, r.Class, nil)
	case workflows.StateWaiting, workflows.StatePaused:
		workflow.GetSignalChannel(ctx, workflows.SignalRetry).Receive(ctx, nil)
		return workflow.UpsertTypedSearchAttributes(ctx, workflows.AttrSyncState.ValueSet(workflows.StateSynced),
			workflows.AttrErrorClass.ValueUnset(), workflows.AttrSyncReason.ValueUnset())
	}
	return nil
}

// waitForVisibility waits until Temporal's visibility (eventually consistent, with nothing to wait on) counts n
// executions for query.
func waitForVisibility(t *testing.T, c client.Client, query string, n int64) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		resp, err := c.CountWorkflow(context.Background(), &workflowservice.CountWorkflowExecutionsRequest{Query: query})
		if err != nil {
			t.Fatal(err)
		}
		if resp.GetCount() == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("visibility counts %d executions for %s, want %d", resp.GetCount(), query, n)
		}
		<-tick.C
	}
}

// status shows what waits for a fix now (runs waiting or paused, and the latest run per record where it ended
// failed) apart from the history of runs, honours --name, and --json prints one document; retry sends the retry
// signal to the runs that wait and starts a new run for the one that ended; resume says when there is nothing to
// resume and changes nothing, and otherwise lets the runs paused with the connection go on.
func TestStatusNowAndHistoryRetryAndResume(t *testing.T) {
	ctx := context.Background()
	ts := temporaltest.Start(t)
	od := odootest.NewServer(t)
	dbURL, key := pgtest.URL(t), store.NewKey()
	c := cli{t: t, env: map[string]string{"DATABASE_URL": dbURL, "EXACTSYNC_SECRET_KEY": key, "TEMPORAL_ADDRESS": ts.Address},
		read: map[string]map[string]bool{}}
	c.must("connect", "odoo", "--url", od.URL(), "--db", od.Database(), "--user", od.Login(), "--api-key", od.APIKey())
	c.must("connect", "odoo", "--name", "other", "--url", od.URL(), "--db", od.Database(), "--user", od.Login(), "--api-key", od.APIKey())

	const queue = "starter-status-test"
	w := sdkworker.New(ts.Client, queue, sdkworker.Options{})
	w.RegisterWorkflow(fakeContactSync)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	record := func(conn string, partner int64, r fakeRun) {
		t.Helper()
		run, err := ts.Client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
			ID: workflows.ContactWorkflowID(conn, partner), TaskQueue: queue,
			WorkflowIDReusePolicy: enums.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
			TypedSearchAttributes: temporal.NewSearchAttributes(workflows.AttrConnection.ValueSet(conn),
				workflows.AttrOdooModel.ValueSet("res.partner"), workflows.AttrOdooID.ValueSet(partner),
				workflows.AttrSyncState.ValueSet(workflows.StateRunning)),
		}, fakeContactSync, r)
		if err != nil {
			t.Fatal(err)
		}
		err = workflows.AwaitSync(ctx, ts.Client, run.GetID(), nil)
		var stopped *workflows.StoppedError
		if waits := r.State == workflows.StateWaiting || r.State == workflows.StatePaused; waits != errors.As(err, &stopped) ||
			(err != nil) != (waits || r.State == workflows.StateFailed) {
			t.Fatalf("run of %s: %v", run.GetID(), err)
		}
	}
	const noName = "Odoo partner has no name. Fix: give it a name in Odoo | NL: de relatie heeft geen naam. Oplossing: geef haar een naam in Odoo"
	failed := fakeRun{workflows.StateFailed, "DataError", noName}
	record("default", 11, failed) // fixed since: its latest run synced
	record("default", 11, fakeRun{State: workflows.StateSynced})
	record("default", 12, failed) // ended failed before runs waited for a fix
	record("default", 12, failed)
	record("default", 13, fakeRun{workflows.StateWaiting, "DataError", noName})
	record("default", 14, fakeRun{workflows.StatePaused, "ReconsentNeeded", "Exact refused the refresh token"})
	record("other", 21, failed)
	waitForVisibility(t, ts.Client, "ExecutionStatus != 'Running' AND SyncState = 'failed'", 4)
	waitForVisibility(t, ts.Client, "ExecutionStatus != 'Running' AND SyncState = 'synced'", 1)
	waitForVisibility(t, ts.Client, "ExecutionStatus = 'Running' AND SyncState IN ('waiting', 'paused')", 2)

	code, stdout, stderr := c.main("status", "--name", "default")
	if code != exitOK {
		t.Fatalf("status: exit %d: %s", code, stderr)
	}
	for _, want := range []string{`connection "default"`, "waiting for a fix: 3 (waiting: 1, paused with the connection: 1, ended failed: 1)",
		"contact/default/res.partner/13  waiting  DataError  Odoo partner has no name. Fix:",
		"contact/default/res.partner/14  paused  ReconsentNeeded  Exact refused the refresh token",
		"contact/default/res.partner/12  failed  DataError  Odoo partner has no name.",
		"starter retry --name default (or the Web UI: Send signal \"retry\")",
		"history (every closed run Temporal keeps): 1 synced, 0 skipped, 3 failed, 0 paused"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("status --name default lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, `connection "other"`) || strings.Contains(stdout, "res.partner/11") {
		t.Errorf("status --name default shows another connection, or a partner whose latest run synced:\n%s", stdout)
	}

	code, stdout, stderr = c.main("status", "--json")
	var report statusReport
	decodeOne(t, stdout, &report)
	if code != exitOK || len(report.Connections) != 2 {
		t.Fatalf("status --json: exit %d, %d connections (%s)", code, len(report.Connections), stderr)
	}
	byName := map[string]connectionStatus{}
	for _, cs := range report.Connections {
		byName[cs.Name] = cs
	}
	def, other := byName["default"], byName["other"]
	if got, want := fmt.Sprint(def.Now.Waiting, def.Now.Paused, def.Now.Failed, def.Now.Running, len(def.WaitingForFix)), "1 1 1 0 3"; got != want {
		t.Errorf("default now: waiting, paused, failed, running, listed = %s, want %s", got, want)
	}
	var listed []string
	for _, f := range def.WaitingForFix {
		listed = append(listed, fmt.Sprint(f.OdooModel, " ", f.OdooID, " ", f.State, " ", f.Class, " ", f.Open, " ", f.Reason != ""))
	}
	if got, want := strings.Join(listed, "; "), "res.partner 13 waiting DataError true true; res.partner 14 paused ReconsentNeeded true true; "+
		"res.partner 12 failed DataError false true"; got != want {
		t.Errorf("default waits for %s, want %s", got, want)
	}
	if got, want := fmt.Sprint(def.History), "map[failed:3 paused:0 skipped:0 synced:1]"; got != want {
		t.Errorf("default history = %s, want %s", got, want)
	}
	if other.Now.Failed != 1 || other.History["failed"] != 1 || other.OdooURL != od.URL() {
		t.Errorf("other: %+v", other)
	}
	code, stdout, _ = c.main("status", "--name", "default", "--json")
	report = statusReport{}
	decodeOne(t, stdout, &report)
	if code != exitOK || len(report.Connections) != 1 || report.Connections[0].Name != "default" {
		t.Errorf("status --name default --json: exit %d, %+v", code, report.Connections)
	}
	if code, _, stderr := c.main("status", "--name", "nosuch"); code != exitFailed || !strings.Contains(stderr, `connection "nosuch"`) {
		t.Errorf("status --name nosuch: exit %d, %q", code, stderr)
	}

	// connected --json on an Odoo-only connection: the document, and exit 1.
	code, stdout, stderr = c.main("connected", "--name", "other", "--json")
	var conn connectedReport
	decodeOne(t, stdout, &conn)
	if code != exitFailed || conn.Complete || !conn.Odoo || conn.ExactToken || !strings.Contains(stderr, "incomplete") {
		t.Errorf("connected --json on Odoo only: exit %d, %+v, %q", code, conn, stderr)
	}

	// resume on a connection that is not paused says so and leaves its schedule alone, even paused by hand.
	parsed, err := store.ParseKey(key)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, dbURL, parsed)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	stored, err := st.Connection(ctx, "default")
	if err != nil {
		t.Fatal(err)
	}
	if err := workflows.EnsureDetectSchedule(ctx, ts.Client, stored, time.Hour); err != nil {
		t.Fatal(err)
	}
	schedule := ts.Client.ScheduleClient().GetHandle(ctx, workflows.DetectScheduleID("default"))
	if err := schedule.Pause(ctx, client.SchedulePauseOptions{Note: "paused by hand"}); err != nil {
		t.Fatal(err)
	}
	schedulePaused := func() bool {
		t.Helper()
		d, err := schedule.Describe(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return d.Schedule.State.Paused
	}
	code, stdout, stderr = c.main("resume", "--name", "default")
	if code != exitOK || !strings.Contains(stdout, `Connection "default" is not paused: nothing to resume, nothing changed`) || strings.Contains(stdout, "resumed") {
		t.Errorf("resume of an active connection: exit %d, %q %q", code, stdout, stderr)
	}
	if !schedulePaused() {
		t.Error("resume of an active connection unpaused its schedule")
	}

	if err := st.SetPaused(ctx, stored.ID, true, "Exact refused the refresh token"); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := c.main("retry", "--name", "default"); code != exitFailed || !strings.Contains(stderr, "starter resume --name default") {
		t.Errorf("retry on a paused connection: exit %d, %q; want it refused, naming resume", code, stderr)
	}
	code, stdout, stderr = c.main("resume", "--name", "default")
	if code != exitOK || !strings.Contains(stdout, `Connection "default" resumed: 1 syncs paused with it go on`) {
		t.Errorf("resume of a paused connection: exit %d, %q %q", code, stdout, stderr)
	}
	// The paused run got the retry signal and synced, in the same run.
	if err := workflows.AwaitSync(ctx, ts.Client, workflows.ContactWorkflowID("default", 14), nil); err != nil {
		t.Errorf("the paused sync after resume: %v", err)
	}
	if after, err := st.Connection(ctx, "default"); err != nil || after.Paused {
		t.Errorf("after resume the connection is paused: %v (%v)", after.Paused, err)
	}
	if schedulePaused() {
		t.Error("resume of a paused connection left its schedule paused")
	}

	// retry: the waiting run gets the signal and syncs in its run; the record whose latest run ended failed gets
	// a new run (of the real SyncContact, which no worker runs here: it stays running).
	code, stdout, stderr = c.main("retry", "--name", "default")
	if code != exitOK || !strings.Contains(stdout, "retrying contact/default/res.partner/13 (DataError)") ||
		!strings.Contains(stdout, "retrying contact/default/res.partner/12 (DataError)") || !strings.Contains(stdout, "retried: 2 partner, 0 invoice and 0 payment syncs") {
		t.Errorf("retry: exit %d, %q %q", code, stdout, stderr)
	}
	waiting, err := ts.Client.DescribeWorkflowExecution(ctx, workflows.ContactWorkflowID("default", 13), "")
	if err != nil {
		t.Fatal(err)
	}
	if err := workflows.AwaitSync(ctx, ts.Client, workflows.ContactWorkflowID("default", 13), nil); err != nil {
		t.Errorf("the waiting sync after retry: %v", err)
	}
	after, err := ts.Client.DescribeWorkflowExecution(ctx, workflows.ContactWorkflowID("default", 13), "")
	if err != nil {
		t.Fatal(err)
	}
	if after.GetWorkflowExecutionInfo().GetExecution().GetRunId() != waiting.GetWorkflowExecutionInfo().GetExecution().GetRunId() {
		t.Error("retry started a new run of a sync that waited; the waiting run must go on")
	}
	restarted, err := workflows.DescribeSync(ctx, ts.Client, workflows.ContactWorkflowID("default", 12))
	if err != nil || restarted.Closed {
		t.Errorf("the sync that ended failed after retry: %+v (%v), want a new run", restarted, err)
	}
	c.helpListsEnv()
}
