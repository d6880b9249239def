//go:build conformance

// The contact flow against a real Odoo (make conformance): real Temporal dev server, real PostgreSQL, the
// worker's own main, the Exact simulator, and the Odoo named by ODOO_URL, ODOO_DB, ODOO_USER and ODOO_API_KEY
// (ODOO_COMPANY_ID, default 1). It changes that Odoo: it removes and re-creates the connector's x_ fields,
// edits a partner, adds a bank account and installs a webhook rule (removed at the end). Use a throw-away Odoo
// such as ../shared/real-odoo.
package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/exactsync/exactsync/activities"
	"github.com/exactsync/exactsync/clients/exact"
	"github.com/exactsync/exactsync/clients/exact/exacttest"
	"github.com/exactsync/exactsync/clients/odoo"
	"github.com/exactsync/exactsync/clients/odoo/conformance"
	"github.com/exactsync/exactsync/internal/pgtest"
	"github.com/exactsync/exactsync/internal/temporaltest"
	"github.com/exactsync/exactsync/store"
	"github.com/exactsync/exactsync/workflows"
)

func realOdooConfig(t *testing.T) odoo.Config {
	t.Helper()
	cfg, err := conformance.ConfigFromEnv(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// eventually retries cond until it holds or the deadline passes: a real Odoo's clock decides when a second is
// over, so the test asks again rather than sleeping a guessed time.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %s: %s", within, what)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func TestConformanceContactsOnRealOdoo(t *testing.T) {
	cfg := realOdooConfig(t)
	ctx := context.Background()
	oc, err := odoo.Dial(ctx, cfg)
	if err != nil {
		t.Fatalf("dial the real Odoo: %v", err)
	}
	t.Logf("real Odoo %s at %s, database %s, company %d, transport %s", oc.ServerVersion(), cfg.URL, cfg.Database, cfg.CompanyID, oc.TransportName())
	fieldIDs := func() []int64 {
		t.Helper()
		ids, err := oc.Search(ctx, "ir.model.fields", odoo.Domain{[]any{"model", "=", "res.partner"},
			[]any{"name", "in", []any{activities.FieldExactID, activities.FieldExactCode}}}, odoo.SearchReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return ids
	}
	// Start from an Odoo without the connector's fields, so the connector itself must create them.
	if ids := fieldIDs(); len(ids) > 0 {
		if _, err := oc.Execute(ctx, "ir.model.fields", "unlink", []any{ids}, nil); err != nil {
			t.Fatalf("remove the x_ fields left by an earlier run: %v", err)
		}
	}

	r := newRealStack(t, cfg, oc)
	ex, div, ts, conn, key, dbURL := r.ex, r.div, r.ts, r.conn, r.key, r.dbURL
	const secret = realWebhookSecret

	// Connect: the worker's start creates the write-back fields in the real Odoo.
	httpAddr, logs := startWorker(t, ts, dbURL, map[string]string{"EXACTSYNC_SECRET_KEY": key})
	if got := fieldIDs(); len(got) != 2 {
		t.Fatalf("after the worker started the real Odoo has %d of the 2 write-back fields", len(got))
	}
	t.Log("connect: the worker created x_exact_account_id and x_exact_account_code in the real Odoo")

	detect := func() workflows.DetectResult { return detectOnce(t, ts.Client, conn) }
	wait := func(id int64) (workflows.ContactResult, error) {
		t.Helper()
		var res workflows.ContactResult
		err := workflows.AwaitSync(ctx, ts.Client, workflows.ContactWorkflowID(conn.Name, id), &res)
		return res, err
	}

	// Initial sync of the demo partners: each commercial customer or supplier is synced or stopped by a data
	// error with a hint; nothing fails because of the connector's own calls.
	var synced []int64
	failed := map[int64]string{}
	for round := 0; round < 3; round++ {
		res := detect()
		for _, id := range res.PartnerIDs {
			out, err := wait(id)
			switch {
			case err == nil && out.State == workflows.StateSynced:
				if !slices.Contains(synced, id) {
					synced = append(synced, id)
				}
				delete(failed, id)
			case err != nil:
				failed[id] = err.Error()
			}
		}
		if len(res.PartnerIDs) == 0 && round > 0 {
			break
		}
	}
	for id, msg := range failed {
		if strings.Contains(msg, activities.ErrTypeConnector) || strings.Contains(msg, "bug in exactsync") {
			t.Errorf("partner %d failed on the connector's own call: %s", id, msg)
		} else if !strings.Contains(msg, "Oplossing") {
			t.Errorf("partner %d failed without a bilingual hint: %s", id, msg)
		}
		t.Logf("partner %d stopped with a data error: %.300s", id, msg)
	}
	if len(synced) == 0 {
		t.Fatal("no demo partner reached Exact")
	}
	accounts := ex.Entities(div, "crm/Accounts")
	written, err := oc.Read(ctx, "res.partner", synced, []string{"id", "name", activities.FieldExactID})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range written {
		d := odoo.NewDecoder(r)
		id, name, exactID := d.Int("id"), d.String("name"), d.String(activities.FieldExactID)
		n := 0
		for _, a := range accounts {
			if a["ID"] == exactID {
				n++
			}
		}
		if exactID == "" || n != 1 {
			t.Errorf("partner %d %q: x_exact_account_id %q matches %d Exact accounts, want 1", id, name, exactID, n)
		}
	}
	t.Logf("initial sync: %d demo partners in Exact, %d stopped by data errors", len(synced), len(failed))

	// A quiet minute: once Odoo's clock is past the write-backs, a poll costs one call per feed and starts nothing.
	eventually(t, 30*time.Second, "the detector stops finding the first sync's partners", func() bool { return len(detect().PartnerIDs) == 0 })
	before := strings.Count(logs.String(), `"odoo call`)
	quiet := detect()
	calls := strings.Count(logs.String(), `"odoo call`) - before
	if len(quiet.PartnerIDs) != 0 || calls != 2 {
		t.Errorf("quiet poll: started %v with %d Odoo calls, want nothing with 2 (one per feed)", quiet.PartnerIDs, calls)
	}
	t.Logf("quiet poll: %d Odoo calls, %d syncs started", calls, len(quiet.PartnerIDs))

	// One edit → one Exact update within a poll.
	target := synced[0]
	var targetExactID string
	for _, r := range written {
		if d := odoo.NewDecoder(r); d.Int("id") == target {
			targetExactID = d.String(activities.FieldExactID)
		}
	}
	puts := func() int { return ex.Calls().ByEndpoint[fmt.Sprintf("PUT %d crm/Accounts", div)] }
	putsBefore := puts()
	phone := fmt.Sprintf("+31 20 %07d", time.Now().UnixNano()%10_000_000)
	if err := oc.WriteFields(ctx, "res.partner", target, map[string]any{"phone": phone}); err != nil {
		t.Fatal(err)
	}
	var started []int64
	eventually(t, 30*time.Second, "the edit is detected", func() bool { started = detect().PartnerIDs; return len(started) > 0 })
	if len(started) != 1 || started[0] != target {
		t.Errorf("after one edit the detector started %v, want only %d", started, target)
	}
	if _, err := wait(target); err != nil {
		t.Fatalf("sync after the edit: %v", err)
	}
	if got := puts() - putsBefore; got != 1 {
		t.Errorf("one edit made %d PUTs to Exact, want 1", got)
	}
	if a := accountByID(ex, div, targetExactID); a == nil || a["Phone"] != phone {
		t.Errorf("Exact account %s: phone %v, want %q", targetExactID, a["Phone"], phone)
	}
	t.Log("edit: one PUT to Exact within a poll")

	// A bank account added later is found by its own feed and sent.
	banksBefore := len(ex.Entities(div, "crm/BankAccounts"))
	if _, err := oc.Create(ctx, "res.partner.bank", map[string]any{"partner_id": target, "acc_number": conformanceIBAN(time.Now())}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, "the new bank account is detected", func() bool { started = detect().PartnerIDs; return len(started) > 0 })
	if len(started) != 1 || started[0] != target {
		t.Errorf("after adding a bank account the detector started %v, want only %d", started, target)
	}
	if _, err := wait(target); err != nil {
		t.Fatalf("sync after the bank account: %v", err)
	}
	if got := len(ex.Entities(div, "crm/BankAccounts")); got != banksBefore+1 {
		t.Errorf("Exact bank accounts: %d, want %d", got, banksBefore+1)
	}
	t.Log("bank account added later: sent to Exact")

	// A webhook-triggered sync: the real Odoo's automation rule calls the worker; no detector runs.
	rule := activities.PartnerWebhookRule(conn.Name, "http://"+httpAddr, secret)
	ruleID, err := oc.EnsureWebhookRule(ctx, rule)
	if err != nil {
		t.Fatalf("install the webhook rule: %v", err)
	}
	t.Cleanup(func() {
		if _, err := oc.Execute(context.Background(), "base.automation", "unlink", []any{[]int64{ruleID}}, nil); err != nil {
			t.Errorf("remove the webhook rule: %v", err)
		}
	})
	email := fmt.Sprintf("conformance-%d@example.com", time.Now().UnixNano())
	if err := oc.WriteFields(ctx, "res.partner", target, map[string]any{"email": email}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, "the webhook's sync reaches Exact", func() bool {
		a := accountByID(ex, div, targetExactID)
		return a != nil && a["Email"] == email
	})
	t.Log("webhook: the real Odoo's notification synced the edit without a poll")
}

// conformanceIBAN is a valid Dutch IBAN that differs per run.
func conformanceIBAN(now time.Time) string { return iban(int(now.UnixNano() % 1_000_000_000)) }

// realStack is a real Temporal dev server, a real PostgreSQL and the Exact simulator around a real Odoo, with the
// connection "real" stored and its Exact token issued; the worker is not started yet.
type realStack struct {
	ex         *exacttest.Server
	div        int
	ts         *temporaltest.Server
	st         *store.Store
	conn       store.Connection
	key, dbURL string
}

const realWebhookSecret = "conformance-hook-0123456789abcdef"

func newRealStack(t *testing.T, cfg odoo.Config, oc *odoo.Client) *realStack {
	t.Helper()
	ctx := context.Background()
	ex := exacttest.NewServer(t, func(o *exacttest.Options) { o.MinuteWindow = time.Second })
	div := ex.DefaultDivision()
	ts := temporaltest.Start(t)
	dbURL := pgtest.URL(t)
	key := store.NewKey()
	parsed, err := store.ParseKey(key)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, dbURL, parsed)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	const secret = realWebhookSecret
	if _, err := st.SaveOdoo(ctx, store.Connection{Name: "real", OdooURL: cfg.URL, OdooDatabase: cfg.Database, OdooLogin: cfg.Login,
		OdooAPIKey: cfg.APIKey, OdooCompanyID: cfg.CompanyID, OdooTransport: cfg.Transport, OdooVersion: oc.ServerVersion().String(),
		WebhookSecret: secret}); err != nil {
		t.Fatal(err)
	}
	connID, err := st.SaveExact(ctx, store.Connection{Name: "real", ExactSite: "nl", ExactBaseURL: ex.URL(), ExactClientID: ex.ClientID(),
		ExactClientSecret: ex.ClientSecret(), ExactRedirectURL: testRedirect, ExactDivision: div})
	if err != nil {
		t.Fatal(err)
	}
	ecfg := &exact.Config{ClientID: ex.ClientID(), ClientSecret: ex.ClientSecret(), RedirectURL: testRedirect, BaseURL: ex.URL()}
	tok, err := ecfg.Exchange(ctx, ex.Authorize(t, testRedirect))
	if err != nil {
		t.Fatal(err)
	}
	if err := exact.SaveToken(ctx, st, connID, tok); err != nil {
		t.Fatal(err)
	}
	terms, err := oc.PaymentTerms(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, term := range terms { // the simulator's division has 00, 14, 30 and 60: any valid code will do here
		if err := st.SaveMapping(ctx, connID, store.Mapping{Kind: store.MapPaymentTerm, OdooID: term.ID, OdooName: term.Name, ExactCode: "30"}); err != nil {
			t.Fatal(err)
		}
	}
	conn, err := st.Connection(ctx, "real")
	if err != nil {
		t.Fatal(err)
	}
	return &realStack{ex: ex, div: div, ts: ts, st: st, conn: conn, key: key, dbURL: dbURL}
}

// detectOnce runs the connection's detector to its end.
func detectOnce(t *testing.T, c client.Client, conn store.Connection) workflows.DetectResult {
	t.Helper()
	ctx := context.Background()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: fmt.Sprintf("detect-conformance-%d", time.Now().UnixNano()),
		TaskQueue: workflows.TaskQueue}, workflows.DetectContacts, workflows.DetectInput{Connection: conn.Name, ConnectionID: conn.ID})
	if err != nil {
		t.Fatal(err)
	}
	var res workflows.DetectResult
	if err := run.Get(ctx, &res); err != nil {
		t.Fatalf("DetectContacts: %v", err)
	}
	return res
}
