package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/exactsync/exactsync/activities"
	"github.com/exactsync/exactsync/clients/odoo"
	"github.com/exactsync/exactsync/clients/odoo/odootest"
	"github.com/exactsync/exactsync/internal/pgtest"
	"github.com/exactsync/exactsync/internal/temporaltest"
	"github.com/exactsync/exactsync/store"
	"github.com/exactsync/exactsync/workflows"
)

// hookConns are fake connections by webhook secret.
type hookConns map[string]store.Connection

func (h hookConns) lookup(_ context.Context, secret string) (store.Connection, error) {
	if c, ok := h[secret]; ok {
		return c, nil
	}
	return store.Connection{}, store.ErrNotFound
}

// hookMux routes the receiver as the worker does.
func hookMux(rc *webhookReceiver) *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("POST /webhooks/odoo/{secret}", rc)
	return mux
}

// notify posts one notification through h and returns the status.
func notify(t *testing.T, h http.Handler, secret, body string) int {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/webhooks/odoo/"+secret, strings.NewReader(body)))
	return rec.Code
}

func partnerNotification(id int64) string {
	return fmt.Sprintf(`{"_model":"res.partner","_id":%d,"_action":"exactsync(#1)"}`, id)
}

// waitFor receives from ch; the minute is a failsafe against a hang, not a timing assertion.
func waitFor[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(time.Minute):
		t.Fatalf("gave up waiting for %s", what)
		var zero T
		return zero
	}
}

func TestWebhookRefusesWhatItCannotTrust(t *testing.T) {
	const secret = "0123456789abcdef0123456789abcdef0123456789abcdef"
	conns := hookConns{secret: {ID: 1, Name: "demo", ExactDivision: 7}}
	resolves, starts := make(chan int64, 10), make(chan int64, 10)
	rc := newWebhookReceiver(webhookConfig{Workers: 1}, zap.NewNop(), conns.lookup,
		func(_ context.Context, _ store.Connection, id int64) (int64, bool, error) {
			resolves <- id
			return id * 10, true, nil // the fake Odoo says partner id's commercial partner is id*10
		},
		func(_ context.Context, _ store.Connection, id int64) error {
			starts <- id
			return nil
		})
	h := hookMux(rc)

	tests := []struct {
		name, secret, body string
		want               int
	}{
		{"garbage", secret, "not json at all", http.StatusBadRequest},
		{"no body", secret, "", http.StatusBadRequest},
		{"an array", secret, "[1, 2]", http.StatusBadRequest},
		{"null", secret, "null", http.StatusBadRequest},
		{"no id", secret, `{"_model":"res.partner"}`, http.StatusBadRequest},
		{"no model", secret, `{"_id":7}`, http.StatusBadRequest},
		{"id zero", secret, `{"_model":"res.partner","_id":0}`, http.StatusBadRequest},
		{"negative id", secret, `{"_model":"res.partner","_id":-3}`, http.StatusBadRequest},
		{"id as a string", secret, `{"_model":"res.partner","_id":"7"}`, http.StatusBadRequest},
		{"fractional id", secret, `{"_model":"res.partner","_id":7.5}`, http.StatusBadRequest},
		{"json then garbage", secret, `{"_model":"res.partner","_id":7} rm -rf`, http.StatusBadRequest},
		{"too large", secret, `{"_model":"res.partner","_id":7,"x":"` + strings.Repeat("x", maxNotificationBytes) + `"}`, http.StatusRequestEntityTooLarge},
		{"unknown model", secret, `{"_model":"sale.order","_id":7}`, http.StatusUnprocessableEntity},
		{"a model spelled otherwise", secret, `{"_model":"Res.Partner","_id":7}`, http.StatusUnprocessableEntity},
		{"bad secret", "0123456789abcdef0123456789abcdef0123456789abcdeX", partnerNotification(7), http.StatusNotFound},
		{"no secret", "", partnerNotification(7), http.StatusNotFound},
		{"bad secret and garbage", "wrong", "garbage", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := notify(t, h, tt.secret, tt.body); got != tt.want {
				t.Errorf("status = %d, want %d", got, tt.want)
			}
			if n, p := len(rc.jobs), len(rc.pending); n != 0 || p != 0 {
				t.Errorf("%d notifications queued and %d records pending, want none", n, p)
			}
		})
	}

	t.Run("only _model and _id are read from the body", func(t *testing.T) {
		body := `{"_model":"res.partner","_id":7,"commercial_partner_id":99,"customer_rank":1,"_id_extra":5}`
		if got := notify(t, h, secret, body); got != http.StatusAccepted {
			t.Fatalf("status = %d, want 202", got)
		}
		if n := len(rc.jobs); n != 1 {
			t.Fatalf("%d notifications queued, want 1", n)
		}
		rc.Start(t.Context())
		// One worker handles the queue in order: what it starts first is what the refused notifications did not.
		if got := waitFor(t, resolves, "the Odoo read"); got != 7 {
			t.Errorf("read partner %d from Odoo, want the notified 7", got)
		}
		if got := waitFor(t, starts, "the sync start"); got != 70 {
			t.Errorf("started the sync of %d, want 70, the commercial partner Odoo gave for 7 (not the body's 99)", got)
		}
	})
}

func TestWebhookRateLimitPerConnection(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	core, logs := observer.New(zapcore.WarnLevel)
	conns := hookConns{"secret-of-connection-a-000000000000": {ID: 1, Name: "a", ExactDivision: 11},
		"secret-of-connection-b-000000000000": {ID: 2, Name: "b", ExactDivision: 22}}
	never := func(context.Context, store.Connection, int64) (int64, bool, error) {
		t.Error("a worker ran; this test starts none")
		return 0, false, nil
	}
	rc := newWebhookReceiver(webhookConfig{Rate: 1, Burst: 3, LogEvery: time.Minute, Now: func() time.Time { return now }},
		zap.New(core), conns.lookup, never, func(context.Context, store.Connection, int64) error { return nil })
	h := hookMux(rc)
	send := func(conn string, ids ...int64) []int {
		var out []int
		for _, id := range ids {
			out = append(out, notify(t, h, "secret-of-connection-"+conn+"-000000000000", partnerNotification(id)))
		}
		return out
	}
	check := func(what string, got []int, want ...int) {
		t.Helper()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: statuses %v, want %v", what, got, want)
		}
	}
	refusalLogs := func() []observer.LoggedEntry {
		return logs.FilterMessageSnippet("rate limit").AllUntimed()
	}

	check("a burst of 5 on a", send("a", 1, 2, 3, 4, 5), 202, 202, 202, 429, 429)
	check("b has its own bucket", send("b", 1, 2, 3), 202, 202, 202)
	check("a's queued record again: coalesced, no token needed", send("a", 1, 1), 202, 202)
	if n := len(refusalLogs()); n != 1 {
		t.Errorf("%d refusal logs after 2 refusals in one window, want 1", n)
	}

	now = now.Add(time.Second)
	check("a second later a has one token", send("a", 6, 7), 202, 429)

	now = now.Add(time.Minute)
	check("a minute later a's bucket is full", send("a", 8, 9, 10, 11), 202, 202, 202, 429)
	entries := refusalLogs()
	if len(entries) != 2 {
		t.Fatalf("%d refusal logs after 4 refusals in two windows, want 2", len(entries))
	}
	first, second := entries[0].ContextMap(), entries[1].ContextMap()
	if first["refused"] != int64(1) || second["refused"] != int64(3) || second["division"] != int64(11) {
		t.Errorf("refusal logs say %v then %v, want 1 refused, then 3 refused in division 11", first, second)
	}
	if n := len(rc.jobs); n != 10 {
		t.Errorf("%d notifications queued, want the 10 accepted distinct records (7 of a, 3 of b)", n)
	}
}

func TestWebhookCoalescesPerRecord(t *testing.T) {
	const secret = "secret-of-the-coalescing-test-000000"
	conns := hookConns{secret: {ID: 1, Name: "demo"}}
	entered, release, started := make(chan int64), make(chan struct{}), make(chan int64)
	rc := newWebhookReceiver(webhookConfig{Workers: 1}, zap.NewNop(), conns.lookup,
		func(_ context.Context, _ store.Connection, id int64) (int64, bool, error) {
			entered <- id
			<-release
			return id, true, nil
		},
		func(_ context.Context, _ store.Connection, id int64) error {
			started <- id
			return nil
		})
	rc.Start(t.Context())
	h := hookMux(rc)
	var order []int64
	step := func() {
		order = append(order, waitFor(t, entered, "a read"))
		release <- struct{}{}
		order = append(order, -waitFor(t, started, "a start"))
	}

	if got := notify(t, h, secret, partnerNotification(5)); got != http.StatusAccepted {
		t.Fatalf("status = %d, want 202", got)
	}
	order = append(order, waitFor(t, entered, "the first read"))
	// Odoo's burst for one edit arrives while partner 5 is being read: it earns exactly one more round.
	for range 14 {
		if got := notify(t, h, secret, partnerNotification(5)); got != http.StatusAccepted {
			t.Fatalf("status = %d, want 202", got)
		}
	}
	release <- struct{}{}
	order = append(order, -waitFor(t, started, "the first start"))
	step() // the one more round
	if got := notify(t, h, secret, partnerNotification(8)); got != http.StatusAccepted {
		t.Fatalf("status = %d, want 202", got)
	}
	step() // partner 8: partner 5 got no third round before it
	if want := "[5 -5 5 -5 8 -8]"; fmt.Sprint(order) != want {
		t.Errorf("reads (id) and starts (-id) = %v, want %s", order, want)
	}
}

func TestWebhookWorkersStopWithTheServer(t *testing.T) {
	const secret = "secret-of-the-shutdown-test-00000000"
	entered, stopped := make(chan int64), make(chan error, 1)
	rc := newWebhookReceiver(webhookConfig{}, zap.NewNop(), hookConns{secret: {ID: 1}}.lookup,
		func(ctx context.Context, _ store.Connection, id int64) (int64, bool, error) {
			entered <- id
			<-ctx.Done()
			stopped <- ctx.Err()
			return 0, false, ctx.Err()
		},
		func(context.Context, store.Connection, int64) error { return nil })
	srv := &http.Server{Handler: hookMux(rc), ReadHeaderTimeout: 10 * time.Second}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln) //nolint:errcheck
	resp, err := http.Post("http://"+ln.Addr().String()+"/webhooks/odoo/"+secret, "application/json", strings.NewReader(partnerNotification(3)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("status = %d, want 202", resp.StatusCode)
	}
	waitFor(t, entered, "the background read")
	if err := srv.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := waitFor(t, stopped, "the worker to stop"); !errors.Is(err, context.Canceled) {
		t.Errorf("the background read ended with %v, want context.Canceled by the server's shutdown", err)
	}
}

// hookID reads an id the Odoo simulator returns.
func hookID(t *testing.T, v any) int64 {
	t.Helper()
	switch n := v.(type) {
	case int64:
		return n
	case int:
		return int64(n)
	case float64:
		return int64(n)
	case []any:
		if len(n) == 1 {
			return hookID(t, n[0])
		}
	}
	t.Fatalf("not one id: %#v", v)
	return 0
}

// TestWebhookSyncsTheCommercialPartnerOdooReports runs the worker's receiver against the real PostgreSQL, the
// real Temporal dev server and the Odoo simulator.
func TestWebhookSyncsTheCommercialPartnerOdooReports(t *testing.T) {
	ctx := context.Background()
	ts := temporaltest.Start(t)
	clk := odootest.NewClock(time.Now())
	od := odootest.NewServer(t, func(o *odootest.Options) { o.Now = clk.Now })
	st, err := store.Open(ctx, pgtest.URL(t), pgtest.Key())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	secret := strings.Repeat("5ec2e7", 8)
	if _, err := st.SaveOdoo(ctx, store.Connection{Name: "demo", OdooURL: od.URL(), OdooDatabase: od.Database(), OdooLogin: od.Login(),
		OdooAPIKey: od.APIKey(), OdooCompanyID: od.CompanyID(), WebhookSecret: secret}); err != nil {
		t.Fatal(err)
	}
	conn, err := st.Connection(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	logger := zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), zapcore.AddSync(logs), zapcore.DebugLevel))
	d := &dependencies{store: st, temporal: ts.Client, logger: logger, clients: activities.NewClients(st, logger)}

	rc := d.webhookReceiver(webhookConfig{Workers: 1})
	started := make(chan int64, 10)
	resolve, start := rc.resolve, rc.start
	rc.resolve = func(ctx context.Context, conn store.Connection, id int64) (int64, bool, error) {
		cp, ok, err := resolve(ctx, conn, id)
		if err != nil {
			t.Errorf("read partner %d from Odoo: %v", id, err)
		}
		return cp, ok, err
	}
	rc.start = func(ctx context.Context, conn store.Connection, id int64) error {
		err := start(ctx, conn, id)
		if err != nil {
			t.Errorf("start the sync of %d: %v", id, err)
		}
		started <- id
		return err
	}
	rc.Start(t.Context())
	srv := httptest.NewServer(hookMux(rc))
	t.Cleanup(srv.Close)
	post := func(secret, body string) int {
		t.Helper()
		resp, err := http.Post(srv.URL+"/webhooks/odoo/"+secret, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	syncExists := func(partnerID int64) bool {
		t.Helper()
		_, err := ts.Client.DescribeWorkflowExecution(ctx, workflows.ContactWorkflowID(conn.Name, partnerID), "")
		var nf *serviceerror.NotFound
		if errors.As(err, &nf) {
			return false
		}
		if err != nil {
			t.Fatal(err)
		}
		return true
	}

	seeded := od.Seeded()
	company := seeded.Partners["Van der Berg Installatietechniek B.V."]
	other := seeded.Partners["Brouwerij Het Anker NV"]
	bakery := seeded.Partners["Bakkerij De Gouden Korst"]
	res, err := od.Call("res.partner", "search", []any{[]any{[]any{"name", "=", "Jan de Vries"}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	contact := hookID(t, res)

	t.Run("a contact person's notification syncs its company as Odoo says, not as the body says", func(t *testing.T) {
		body := fmt.Sprintf(`{"_model":"res.partner","_id":%d,"commercial_partner_id":%d,"customer_rank":1}`, contact, other)
		if got := post(secret, body); got != http.StatusAccepted {
			t.Fatalf("status = %d, want 202", got)
		}
		if got := waitFor(t, started, "the sync start"); got != company {
			t.Errorf("started the sync of %d, want the contact's company %d", got, company)
		}
		if !syncExists(company) {
			t.Errorf("no sync of the company %d in Temporal", company)
		}
		if syncExists(contact) || syncExists(other) {
			t.Error("a sync of the contact itself or of the body's commercial_partner_id was started")
		}
	})

	t.Run("the connector's own write-back starts nothing; the next edit does", func(t *testing.T) {
		oc, err := d.clients.Odoo(ctx, conn)
		if err != nil {
			t.Fatal(err)
		}
		const gouda = "Kaashandel Gouda (own write)"
		id, err := od.Create("res.partner", map[string]any{"name": gouda, "is_company": true, "customer_rank": 1})
		if err != nil {
			t.Fatal(err)
		}
		recs, err := oc.Read(ctx, activities.ModelPartner, []int64{id}, []string{"write_date"})
		if err != nil {
			t.Fatal(err)
		}
		// As WriteBackPartner records it: this write_date is the connector's own.
		if err := st.SaveOwnWrite(ctx, conn.ID, activities.ModelPartner, id, odoo.NewDecoder(recs[0]).Datetime("write_date"), time.Time{}); err != nil {
			t.Fatal(err)
		}
		for _, n := range []int64{id, other} {
			if got := post(secret, partnerNotification(n)); got != http.StatusAccepted {
				t.Fatalf("status = %d, want 202", got)
			}
		}
		if got := waitFor(t, started, "the sync start"); got != other {
			t.Errorf("started the sync of %d, want %d: the write-back's notification started a sync", got, other)
		}
		clk.Advance(time.Second)
		if err := od.Write("res.partner", []int64{id}, map[string]any{"name": gouda + " B.V."}); err != nil {
			t.Fatal(err)
		}
		if got := post(secret, partnerNotification(id)); got != http.StatusAccepted {
			t.Fatalf("status = %d, want 202", got)
		}
		if got := waitFor(t, started, "the sync start"); got != id {
			t.Errorf("started the sync of %d, want the edited %d", got, id)
		}
	})

	t.Run("a partner Odoo does not have starts nothing", func(t *testing.T) {
		const missing = 987654
		if got := post(secret, partnerNotification(missing)); got != http.StatusAccepted {
			t.Fatalf("status = %d, want 202", got)
		}
		if got := post(secret, partnerNotification(other)); got != http.StatusAccepted {
			t.Fatalf("status = %d, want 202", got)
		}
		// One worker, in order: the missing partner was handled before this start.
		if got := waitFor(t, started, "the sync start"); got != other {
			t.Errorf("started the sync of %d, want %d (nothing for the missing partner)", got, other)
		}
		if syncExists(missing) {
			t.Error("a sync of a partner Odoo does not have was started")
		}
	})

	t.Run("refused notifications start nothing", func(t *testing.T) {
		for _, tc := range []struct {
			secret, body string
			want         int
		}{
			{secret, "garbage", http.StatusBadRequest},
			{secret, `{"_model":"sale.order","_id":` + fmt.Sprint(bakery) + `}`, http.StatusUnprocessableEntity},
			{"wrong", partnerNotification(bakery), http.StatusNotFound},
		} {
			if got := post(tc.secret, tc.body); got != tc.want {
				t.Errorf("%q: status = %d, want %d", tc.body, got, tc.want)
			}
		}
		if syncExists(bakery) {
			t.Fatal("a refused notification started a sync")
		}
		if got := post(secret, partnerNotification(company)); got != http.StatusAccepted {
			t.Fatalf("status = %d, want 202", got)
		}
		if got := waitFor(t, started, "the sync start"); got != company {
			t.Errorf("started the sync of %d, want %d: a refused notification was queued", got, company)
		}
		if syncExists(bakery) {
			t.Error("a refused notification started a sync")
		}
	})

	t.Run("a replaced secret is refused at once", func(t *testing.T) {
		fresh := strings.Repeat("f7e5h1", 8)
		if err := st.ReplaceWebhookSecret(ctx, conn.ID, fresh); err != nil {
			t.Fatal(err)
		}
		if got := post(secret, partnerNotification(bakery)); got != http.StatusNotFound {
			t.Errorf("the old secret: status = %d, want 404", got)
		}
		if got := post(fresh, partnerNotification(bakery)); got != http.StatusAccepted {
			t.Fatalf("the new secret: status = %d, want 202", got)
		}
		if got := waitFor(t, started, "the sync start"); got != bakery {
			t.Errorf("started the sync of %d, want %d", got, bakery)
		}
		if strings.Contains(logs.String(), secret) || strings.Contains(logs.String(), fresh) {
			t.Error("a webhook secret appears in the logs")
		}
	})
}

// An account.move notification starts the move's invoice sync (no partner read: the sync reads the move), and a
// partner and a move with the same id are two records, not one coalesced notification.
func TestWebhookStartsInvoiceSyncs(t *testing.T) {
	const secret = "0123456789abcdef0123456789abcdef0123456789abcdef"
	conns := hookConns{secret: {ID: 1, Name: "demo", ExactDivision: 7}}
	partners, moves := make(chan int64, 10), make(chan int64, 10)
	rc := newWebhookReceiver(webhookConfig{Workers: 1}, zap.NewNop(), conns.lookup,
		func(_ context.Context, _ store.Connection, id int64) (int64, bool, error) { return id, true, nil },
		func(_ context.Context, _ store.Connection, id int64) error {
			partners <- id
			return nil
		})
	h := hookMux(rc)
	if got := notify(t, h, secret, `{"_model":"account.move","_id":7}`); got != http.StatusUnprocessableEntity {
		t.Errorf("a move notification to a receiver without invoice syncs: %d, want 422", got)
	}
	rc.startMove = func(_ context.Context, _ store.Connection, id int64) error {
		moves <- id
		return nil
	}
	for _, body := range []string{`{"_model":"account.move","_id":7}`, partnerNotification(7)} {
		if got := notify(t, h, secret, body); got != http.StatusAccepted {
			t.Fatalf("%s: status %d, want 202", body, got)
		}
	}
	if n := len(rc.jobs); n != 2 {
		t.Fatalf("%d notifications queued, want 2 (a move and a partner)", n)
	}
	rc.Start(t.Context())
	if got := waitFor(t, moves, "the invoice sync start"); got != 7 {
		t.Errorf("started the invoice sync of move %d, want 7", got)
	}
	if got := waitFor(t, partners, "the contact sync start"); got != 7 {
		t.Errorf("started the contact sync of partner %d, want 7", got)
	}
}
