package exact_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/exactsync/exactsync/clients/exact"
	"github.com/exactsync/exactsync/clients/exact/exacttest"
	"github.com/shopspring/decimal"
	"go.uber.org/zap"
)

const redirectURL = "http://127.0.0.1:8765/callback"

// env is a client connected to a simulator through the real OAuth flow.
type env struct {
	srv   *exacttest.Server
	clock *exacttest.Clock
	cfg   *exact.Config
	store *exact.MemoryTokenStore
	ts    *exact.StoreTokenSource
	c     *exact.Client
	div   int
}

type envConfig struct {
	strict bool // exacttest.Options.StrictRotation
	sim    func(*exacttest.Options)
	ts     []exact.TokenSourceOption
	logger *zap.Logger
}

// newEnv starts a simulator on a settable clock, consents, exchanges the
// code and stores the token (connection 1).
func newEnv(t *testing.T, ec envConfig) *env {
	t.Helper()
	clock := exacttest.NewClock(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC))
	srv := exacttest.NewServer(t, func(o *exacttest.Options) {
		o.Now = clock.Now
		o.StrictRotation = ec.strict
		if ec.sim != nil {
			ec.sim(o)
		}
	})
	e := &env{srv: srv, clock: clock, div: srv.DefaultDivision(), store: exact.NewMemoryTokenStore()}
	e.cfg = &exact.Config{ClientID: srv.ClientID(), ClientSecret: srv.ClientSecret(), RedirectURL: redirectURL,
		BaseURL: srv.URL(), Now: clock.Now}
	code := srv.Authorize(t, redirectURL)
	tok, err := e.cfg.Exchange(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	if err := exact.SaveToken(context.Background(), e.store, 1, tok); err != nil {
		t.Fatal(err)
	}
	tsOpts := ec.ts
	if ec.logger != nil {
		tsOpts = append(tsOpts, exact.TokenLogger(ec.logger))
	}
	e.ts = exact.NewTokenSource(e.cfg, e.store, 1, tsOpts...)
	e.c, err = exact.NewClient(exact.WithBaseURL(srv.URL()), exact.WithTokenSource(e.ts), exact.WithLogger(ec.logger), exact.WithClock(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) tokenCalls() int { return e.srv.Calls().ByEndpoint["POST 0 oauth2/token"] }

func (e *env) stored(t *testing.T) *exact.Token {
	t.Helper()
	b, err := e.store.LoadToken(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := exact.ParseToken(b)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func (e *env) customer(t *testing.T, name string) *exact.Account {
	t.Helper()
	a, err := e.c.Accounts.Create(context.Background(), e.div, &exact.Account{Name: name, Status: "C", City: "Utrecht", Country: "NL"})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (e *env) glAccount(t *testing.T, code string) *exact.GLAccount {
	t.Helper()
	gls, err := exact.Collect(e.c.GLAccounts.List(context.Background(), e.div, &exact.ListOptions{Filter: exact.Eq("Code", exact.String(code))}))
	if err != nil {
		t.Fatal(err)
	}
	if len(gls) != 1 {
		t.Fatalf("G/L account %s: got %d", code, len(gls))
	}
	return &gls[0]
}

func wantClass(t *testing.T, err error, class exact.Class) {
	t.Helper()
	var ae *exact.Error
	if !errors.As(err, &ae) {
		t.Fatalf("got %T %v, want *exact.Error of class %v", err, err, class)
	}
	if ae.Class() != class {
		t.Fatalf("class: got %v, want %v (%v)", ae.Class(), class, err)
	}
}

func TestAuthCodeFlowEndToEnd(t *testing.T) {
	srv := exacttest.NewServer(t)
	cfg := &exact.Config{ClientID: srv.ClientID(), ClientSecret: srv.ClientSecret(), RedirectURL: redirectURL, BaseURL: srv.URL()}
	authURL := cfg.AuthCodeURL("state-42")
	if !strings.HasPrefix(authURL, srv.URL()+"/api/oauth2/auth?") {
		t.Fatalf("AuthCodeURL = %s", authURL)
	}
	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := browser.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize: got %d, want 302", resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	if got := loc.Scheme + "://" + loc.Host + loc.Path; got != redirectURL {
		t.Errorf("redirect: got %s, want %s", got, redirectURL)
	}
	if got := loc.Query().Get("state"); got != "state-42" {
		t.Errorf("state: got %q, want state-42", got)
	}
	code := loc.Query().Get("code")
	ctx := context.Background()
	tok, err := cfg.Exchange(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken == "" || !strings.Contains(tok.RefreshToken, "!") {
		t.Errorf("token: got %v", tok)
	}
	if d := tok.Expiry.Sub(tok.IssuedAt); d < 599*time.Second || d > 600*time.Second {
		t.Errorf("lifetime: got %v, want 600s from expires_in \"600\"", d)
	}
	store := exact.NewMemoryTokenStore()
	if err := exact.SaveToken(ctx, store, 7, tok); err != nil {
		t.Fatal(err)
	}
	c, err := exact.NewClient(exact.WithBaseURL(srv.URL()), exact.WithTokenSource(exact.NewTokenSource(cfg, store, 7)))
	if err != nil {
		t.Fatal(err)
	}
	me, err := c.Me(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if me.CurrentDivision != srv.DefaultDivision() {
		t.Errorf("CurrentDivision: got %d, want %d", me.CurrentDivision, srv.DefaultDivision())
	}
	srv.AddDivision(7654321, "Tweede BV")
	divs, err := c.Divisions(ctx, srv.DefaultDivision())
	if err != nil {
		t.Fatal(err)
	}
	names := map[int]string{}
	for _, d := range divs {
		names[d.Code] = d.Description
	}
	if names[srv.DefaultDivision()] != "Demo BV" || names[7654321] != "Tweede BV" {
		t.Errorf("divisions: got %v", names)
	}
	// Codes are single use.
	if _, err := cfg.Exchange(ctx, code); !errors.Is(err, exact.ErrReconsentNeeded) {
		t.Errorf("code reuse: got %v, want ErrReconsentNeeded", err)
	}
	if calls := srv.Calls().ByEndpoint["POST 0 oauth2/token"]; calls != 2 {
		t.Errorf("token endpoint calls: got %d, want 2 (exchange, failed reuse)", calls)
	}
}

func TestAccountsRoundTrip(t *testing.T) {
	e := newEnv(t, envConfig{})
	ctx := context.Background()
	created, err := e.c.Accounts.Create(ctx, e.div, &exact.Account{Name: "ACME B.V.", Status: "C", City: "Amsterdam",
		Country: "NL", Email: "info@acme.example", VATNumber: "NL001234567B01", PaymentConditionSales: "30"})
	if err != nil {
		t.Fatal(err)
	}
	if created.ID == "" || created.Name != "ACME B.V." || created.Email != "info@acme.example" || len(created.Code) != 18 {
		t.Fatalf("created (Prefer: return=representation): got %+v", created)
	}
	got, err := e.c.Accounts.Get(ctx, e.div, created.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != created.Name || got.Code != created.Code || got.PaymentConditionSales != "30" || got.Created.IsZero() {
		t.Errorf("get: got %+v, want %+v", got, created)
	}
	byCode, err := exact.Collect(e.c.Accounts.List(ctx, e.div, &exact.ListOptions{Filter: exact.Eq("Code", exact.AccountCode(exact.TrimCode(created.Code)))}))
	if err != nil {
		t.Fatal(err)
	}
	if len(byCode) != 1 || byCode[0].ID != created.ID {
		t.Errorf("by padded code: got %+v", byCode)
	}
	if err := e.c.Accounts.Update(ctx, e.div, created.ID, exact.Fields{"City": "Utrecht", "Email": nil}); err != nil {
		t.Fatal(err)
	}
	got, err = e.c.Accounts.Get(ctx, e.div, created.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.City != "Utrecht" || got.Email != "" || got.Name != "ACME B.V." || got.VATNumber != "NL001234567B01" {
		t.Errorf("after update: got %+v", got)
	}
	// crm/Accounts has mandatory filtering.
	_, err = exact.Collect(e.c.Accounts.List(ctx, e.div, nil))
	wantClass(t, err, exact.ClassValidation)
	if err := e.c.Accounts.Delete(ctx, e.div, created.ID); err != nil {
		t.Fatal(err)
	}
	_, err = e.c.Accounts.Get(ctx, e.div, created.ID)
	wantClass(t, err, exact.ClassNotFound)
	if !errors.Is(err, exact.ErrNotFound) {
		t.Errorf("errors.Is(ErrNotFound) = false for %v", err)
	}
	deleted, err := exact.Collect(e.c.Deleted.Since(ctx, e.div, 1))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, d := range deleted {
		if d.EntityType == 2 && strings.EqualFold(d.EntityKey, created.ID) && d.Timestamp > 1 {
			found = true
		}
	}
	if !found {
		t.Errorf("sync/Deleted: account %s not listed in %+v", created.ID, deleted)
	}
	// A validation error from Exact (HTTP 500, Dutch message).
	_, err = e.c.Accounts.Create(ctx, e.div, &exact.Account{Name: "Dup", Code: exact.TrimCode(created.Code) + "x", Country: "XX"})
	wantClass(t, err, exact.ClassValidation)
}

func TestAccountsPaging(t *testing.T) {
	e := newEnv(t, envConfig{sim: func(o *exacttest.Options) { o.MinutelyLimit = 10000 }})
	ctx := context.Background()
	for i := range 130 {
		if _, err := e.c.Accounts.Create(ctx, e.div, &exact.Account{Name: fmt.Sprintf("Page %03d", i), City: "Pagetown"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.c.Accounts.Create(ctx, e.div, &exact.Account{Name: "Elsewhere", City: "Otherton"}); err != nil {
		t.Fatal(err)
	}
	filter := exact.Eq("City", exact.String("Pagetown"))
	tests := []struct {
		name      string
		top       int
		wantItems int
		wantCalls int
	}{
		{"all pages", 0, 130, 3},
		{"bare array top 50", 50, 50, 1},
		{"top 100 over two pages", 100, 100, 2},
		{"top 60 exactly", 60, 60, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.srv.ResetCalls()
			got, err := exact.Collect(e.c.Accounts.List(ctx, e.div, &exact.ListOptions{Filter: filter, Top: tt.top}))
			if err != nil {
				t.Fatal(err)
			}
			ids := map[string]bool{}
			for _, a := range got {
				if a.City != "Pagetown" {
					t.Errorf("unexpected %+v", a)
				}
				ids[a.ID] = true
			}
			if len(got) != tt.wantItems || len(ids) != tt.wantItems {
				t.Errorf("got %d items (%d distinct), want %d", len(got), len(ids), tt.wantItems)
			}
			if calls := e.srv.Calls().ByEndpoint[fmt.Sprintf("GET %d crm/Accounts", e.div)]; calls != tt.wantCalls {
				t.Errorf("GET calls: got %d, want %d", calls, tt.wantCalls)
			}
		})
	}
	t.Run("stop early", func(t *testing.T) {
		e.srv.ResetCalls()
		n := 0
		for a, err := range e.c.Accounts.List(ctx, e.div, &exact.ListOptions{Filter: filter}) {
			if err != nil {
				t.Fatal(err)
			}
			_ = a
			n++
			if n == 61 {
				break
			}
		}
		if calls := e.srv.Calls().ByEndpoint[fmt.Sprintf("GET %d crm/Accounts", e.div)]; calls != 2 {
			t.Errorf("GET calls: got %d, want 2", calls)
		}
	})
}

func TestHostileStringsAreOneLiteral(t *testing.T) {
	e := newEnv(t, envConfig{sim: func(o *exacttest.Options) { o.MinutelyLimit = 10000 }})
	ctx := context.Background()
	names := []string{
		"O'Brien & Zonen",
		"' or 1 eq 1",
		"x' or Name ne 'y",
		"'')) or ((Name ne '",
		"Zoë Ünïcødé 日本語 €",
		"trailing quote'",
		"''",
		"a%20b+c&$filter=Name eq 'x'",
		`back\slash "quoted"`,
	}
	for _, decoy := range []string{"x", "y", "Other", "1"} {
		e.customer(t, decoy)
	}
	ids := map[string]string{}
	for _, n := range names {
		ids[n] = e.customer(t, n).ID
	}
	for _, n := range names {
		t.Run(n, func(t *testing.T) {
			got, err := exact.Collect(e.c.Accounts.List(ctx, e.div, &exact.ListOptions{Filter: exact.Eq("Name", exact.String(n))}))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0].Name != n || got[0].ID != ids[n] {
				t.Errorf("got %d accounts %+v, want exactly %q", len(got), got, n)
			}
		})
	}
}

// otherProcess is a second client on the same connection that has not seen
// any rate-limit headers yet (another worker process).
func (e *env) otherProcess(t *testing.T) *exact.Client {
	t.Helper()
	c, err := exact.NewClient(exact.WithBaseURL(e.srv.URL()), exact.WithTokenSource(exact.NewTokenSource(e.cfg, e.store, 1)),
		exact.WithClock(e.clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRateLimit429(t *testing.T) {
	e := newEnv(t, envConfig{sim: func(o *exacttest.Options) { o.MinutelyLimit = 3 }})
	ctx := context.Background()
	// Another process uses up the minute; this one has not seen the headers.
	other := e.otherProcess(t)
	for i := range 3 {
		if _, err := exact.Collect(other.Journals.List(ctx, e.div, nil)); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if got := e.c.RateLimits(e.div); got != (exact.RateLimit{}) {
		t.Fatalf("budget before the first answer: got %+v, want unknown", got)
	}
	e.srv.ResetCalls()
	_, err := exact.Collect(e.c.Journals.List(ctx, e.div, nil))
	var re *exact.RateLimitError
	if !errors.As(err, &re) || re.APIError == nil {
		t.Fatalf("got %T %v, want *RateLimitError from a 429", err, err)
	}
	if !errors.Is(err, exact.ErrRateLimited) || re.APIError.Class() != exact.ClassRateLimit || re.Window != "minutely" {
		t.Errorf("classification: %v window %q", err, re.Window)
	}
	wantReset := time.Date(2026, 3, 2, 10, 1, 0, 0, time.UTC)
	if !re.Reset.Equal(wantReset) {
		t.Errorf("reset: got %v, want %v", re.Reset, wantReset)
	}
	if got, want := re.RetryAfter(e.clock.Now()), time.Minute; got != want {
		t.Errorf("RetryAfter: got %v, want %v", got, want)
	}
	after := e.c.RateLimits(e.div)
	if after.MinutelyLimit != 3 || after.MinutelyRemaining != 0 || after.MinutelyReset != wantReset || after.DailyLimit != 0 {
		t.Errorf("budget after 429 (only the minutely headers): got %+v", after)
	}
	if calls := e.srv.Calls().Total; calls != 1 {
		t.Errorf("calls: got %d, want 1 (no retry)", calls)
	}
	e.clock.Advance(re.RetryAfter(e.clock.Now()))
	if _, err := exact.Collect(e.c.Journals.List(ctx, e.div, nil)); err != nil {
		t.Errorf("after the reset: %v", err)
	}
}

// TestBudgetUsedUpSendsNoRequest: once a division's last answer said its
// minutely or daily budget is used up, the client refuses calls to that
// division without sending them until the reset (every caller gets the
// check: lists and writes alike); other divisions still go out.
func TestBudgetUsedUpSendsNoRequest(t *testing.T) {
	tests := []struct {
		name       string
		sim        func(*exacttest.Options)
		calls      int // answered calls that use the budget up
		wantWindow string
		wantReset  time.Time
	}{
		{"minutely", func(o *exacttest.Options) { o.MinutelyLimit = 2 }, 2, "minutely", time.Date(2026, 3, 2, 10, 1, 0, 0, time.UTC)},
		{"daily", func(o *exacttest.Options) { o.DailyLimit = 3 }, 3, "daily", time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, envConfig{sim: tt.sim})
			e.srv.AddDivision(7654321, "Tweede BV")
			ctx := context.Background()
			e.clock.Advance(30 * time.Second) // 10:00:30
			for i := range tt.calls {
				if _, err := exact.Collect(e.c.PaymentConditions.List(ctx, e.div, nil)); err != nil {
					t.Fatalf("call %d: %v", i, err)
				}
			}
			e.srv.ResetCalls()
			refusals := []struct {
				name string
				call func() error
			}{
				{"list", func() error { _, err := exact.Collect(e.c.PaymentConditions.List(ctx, e.div, nil)); return err }},
				{"create", func() error {
					_, err := e.c.Accounts.Create(ctx, e.div, &exact.Account{Name: "Nooit Verstuurd BV", Status: "C"})
					return err
				}},
			}
			for _, r := range refusals {
				err := r.call()
				var rl *exact.RateLimitError
				if !errors.As(err, &rl) || !errors.Is(err, exact.ErrRateLimited) {
					t.Fatalf("%s: got %T %v, want a *RateLimitError", r.name, err, err)
				}
				if rl.APIError != nil || rl.Window != tt.wantWindow || !rl.Reset.Equal(tt.wantReset) {
					t.Errorf("%s: APIError %v window %q reset %v, want no answer, %q, %v", r.name, rl.APIError, rl.Window, rl.Reset, tt.wantWindow, tt.wantReset)
				}
				if rl.RetryAfter(e.clock.Now()) <= 0 {
					t.Errorf("%s: RetryAfter %v, want > 0", r.name, rl.RetryAfter(e.clock.Now()))
				}
			}
			if got := e.srv.Calls(); got.Total != 0 || got.ByStatus[429] != 0 {
				t.Errorf("requests sent while the budget was used up: %d (%v), want none", got.Total, got.ByEndpoint)
			}
			// Another division has its own budget.
			if _, err := exact.Collect(e.c.PaymentConditions.List(ctx, 7654321, nil)); err != nil {
				t.Errorf("other division: %v", err)
			}
			if got := e.srv.Calls().Total; got != 1 {
				t.Errorf("requests to the other division: got %d, want 1", got)
			}
			e.clock.Advance(tt.wantReset.Sub(e.clock.Now()))
			if _, err := exact.Collect(e.c.PaymentConditions.List(ctx, e.div, nil)); err != nil {
				t.Errorf("after the reset: %v", err)
			}
			if got := e.srv.Calls().ByEndpoint[fmt.Sprintf("GET %d cashflow/PaymentConditions", e.div)]; got != 1 {
				t.Errorf("requests after the reset: got %d, want 1", got)
			}
		})
	}
}

func TestResourceRoundTrips(t *testing.T) {
	e := newEnv(t, envConfig{sim: func(o *exacttest.Options) { o.MinutelyLimit = 10000 }})
	ctx := context.Background()
	div := e.div

	t.Run("reference data", func(t *testing.T) {
		vats, err := exact.Collect(e.c.VATCodes.List(ctx, div, nil))
		if err != nil {
			t.Fatal(err)
		}
		var high *exact.VATCode
		for i := range vats {
			if exact.TrimCode(vats[i].Code) == "2" {
				high = &vats[i]
			}
		}
		if high == nil || !high.Percentage.Equal(decimal.RequireFromString("0.21")) || high.Code != "2  " {
			t.Fatalf("VAT code 2: got %+v", vats)
		}
		v, err := e.c.VATCodes.Get(ctx, div, high.ID)
		if err != nil || v.Code != high.Code {
			t.Errorf("VATCodes.Get: %+v %v", v, err)
		}
		gl := e.glAccount(t, "8000")
		if g, err := e.c.GLAccounts.Get(ctx, div, gl.ID); err != nil || g.Type != 110 || g.BalanceSide != "C" {
			t.Errorf("GLAccounts.Get: %+v %v", g, err)
		}
		js, err := exact.Collect(e.c.Journals.List(ctx, div, &exact.ListOptions{Filter: exact.Eq("Type", exact.Int(20))}))
		if err != nil || len(js) != 1 || js[0].Code != "70" {
			t.Fatalf("sales journal: %+v %v", js, err)
		}
		if j, err := e.c.Journals.Get(ctx, div, js[0].ID); err != nil || j.Code != "70" {
			t.Errorf("Journals.Get: %+v %v", j, err)
		}
		ps, err := exact.Collect(e.c.FinancialPeriods.List(ctx, div, &exact.ListOptions{Filter: exact.Eq("FinYear", exact.Int(2026)), OrderBy: "FinPeriod"}))
		if err != nil || len(ps) != 12 || ps[2].FinPeriod != 3 || ps[2].StartDate.Format("2006-01-02") != "2026-03-01" || ps[2].EndDate.Format("2006-01-02") != "2026-03-31" {
			t.Fatalf("periods 2026: %d %v", len(ps), err)
		}
		if p, err := e.c.FinancialPeriods.Get(ctx, div, ps[0].ID); err != nil || p.FinYear != 2026 {
			t.Errorf("FinancialPeriods.Get: %+v %v", p, err)
		}
		dt, err := e.c.DocumentTypes.Get(ctx, div, 10)
		if err != nil || dt.Description != "Sales invoice" {
			t.Errorf("DocumentTypes.Get(10): %+v %v", dt, err)
		}
		dts, err := exact.Collect(e.c.DocumentTypes.List(ctx, div, nil))
		if err != nil || len(dts) < 2 {
			t.Errorf("DocumentTypes.List: %d %v", len(dts), err)
		}
	})

	t.Run("payment conditions", func(t *testing.T) {
		pc, err := e.c.PaymentConditions.Create(ctx, div, &exact.PaymentCondition{Code: "45", Description: "45 dagen", PaymentDays: 45, PaymentMethod: "B"})
		if err != nil {
			t.Fatal(err)
		}
		got, err := e.c.PaymentConditions.Get(ctx, div, pc.ID)
		if err != nil || got.Code != "45" || got.PaymentDays != 45 {
			t.Errorf("Get: %+v %v", got, err)
		}
		all, err := exact.Collect(e.c.PaymentConditions.List(ctx, div, nil))
		if err != nil || len(all) != 5 {
			t.Errorf("List: %d %v", len(all), err)
		}
	})

	t.Run("bank accounts", func(t *testing.T) {
		acc := e.customer(t, "Bankklant")
		ba, err := e.c.BankAccounts.Create(ctx, div, &exact.BankAccount{Account: acc.ID, BankAccount: "NL91ABNA0417164300",
			BankAccountHolderName: "Bankklant", BICCode: "ABNANL2A", Main: true})
		if err != nil {
			t.Fatal(err)
		}
		if ba.BankAccount != "NL91ABNA0417164300" || !ba.Main {
			t.Errorf("created: %+v", ba)
		}
		if err := e.c.BankAccounts.Update(ctx, div, ba.ID, exact.Fields{"Description": "Zakelijk"}); err != nil {
			t.Fatal(err)
		}
		list, err := exact.Collect(e.c.BankAccounts.List(ctx, div, &exact.ListOptions{Filter: exact.Eq("Account", exact.Guid(acc.ID))}))
		if err != nil || len(list) != 1 || list[0].Description != "Zakelijk" {
			t.Errorf("list: %+v %v", list, err)
		}
		if err := e.c.BankAccounts.Delete(ctx, div, ba.ID); err != nil {
			t.Fatal(err)
		}
		_, err = e.c.BankAccounts.Get(ctx, div, ba.ID)
		wantClass(t, err, exact.ClassNotFound)
		_, err = e.c.BankAccounts.Create(ctx, div, &exact.BankAccount{Account: acc.ID, BankAccount: "NL00BANK0000000000"})
		wantClass(t, err, exact.ClassValidation)
	})

	t.Run("sales entry with document and payment", func(t *testing.T) {
		acc := e.customer(t, "Factuurklant")
		gl := e.glAccount(t, "8000")
		entry, err := e.c.SalesEntries.Create(ctx, div, &exact.SalesEntry{
			EntryHeader: exact.EntryHeader{Journal: "70", EntryDate: exact.NewDate(2026, 2, 15), YourRef: "INV/2026/0001",
				Description: "INV/2026/0001 - Factuurklant", PaymentCondition: "30"},
			Customer: acc.ID,
			SalesEntryLines: exact.Lines[exact.EntryLine]{
				{GLAccount: gl.ID, AmountFC: decimal.RequireFromString("100.00"), VATCode: "2  ", Description: "Consultancy"},
				{GLAccount: gl.ID, AmountFC: decimal.RequireFromString("0.10"), VATCode: "2  ", Description: "Afronding"},
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		if entry.EntryID == "" || entry.EntryNumber == 0 || entry.Status != 20 || entry.YourRef != "INV/2026/0001" || entry.Customer != acc.ID {
			t.Fatalf("created: %+v", entry)
		}
		if got, want := entry.DueDate.Format("2006-01-02"), "2026-03-17"; got != want {
			t.Errorf("DueDate: got %s, want %s", got, want)
		}
		got, err := e.c.SalesEntries.Get(ctx, div, entry.EntryID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.SalesEntryLines) != 2 {
			t.Fatalf("expanded lines: got %d, want 2", len(got.SalesEntryLines))
		}
		sum := decimal.Zero
		for _, l := range got.SalesEntryLines {
			sum = sum.Add(l.AmountFC)
		}
		if !sum.Equal(decimal.RequireFromString("100.10")) {
			t.Errorf("line total: got %s, want 100.10", sum)
		}
		for _, l := range got.SalesEntryLines { // line order is not guaranteed
			if l.Description == "Consultancy" && !l.VATAmountFC.Equal(decimal.RequireFromString("21")) {
				t.Errorf("VAT of the 100.00 line: got %s, want 21.00", l.VATAmountFC)
			}
		}
		list, err := exact.Collect(e.c.SalesEntries.List(ctx, div, &exact.ListOptions{Filter: exact.Eq("YourRef", exact.String("INV/2026/0001"))}))
		if err != nil || len(list) != 1 || list[0].EntryID != entry.EntryID || list[0].SalesEntryLines != nil {
			t.Errorf("list by YourRef: %+v %v", list, err)
		}
		if err := e.c.SalesEntries.Update(ctx, div, entry.EntryID, exact.Fields{"Description": "changed"}); err != nil {
			t.Fatal(err)
		}
		line, err := e.c.SalesEntries.CreateLine(ctx, div, &exact.EntryLine{EntryID: entry.EntryID, GLAccount: gl.ID,
			AmountFC: decimal.RequireFromString("50"), VATCode: "2  ", Description: "Extra"})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.c.SalesEntries.UpdateLine(ctx, div, line.ID, exact.Fields{"AmountFC": decimal.RequireFromString("60.25")}); err != nil {
			t.Fatal(err)
		}
		lines, err := exact.Collect(e.c.SalesEntries.Lines(ctx, div, entry.EntryID))
		if err != nil || len(lines) != 3 {
			t.Fatalf("lines: %d %v", len(lines), err)
		}
		if err := e.c.SalesEntries.DeleteLine(ctx, div, lines[1].ID); err != nil {
			t.Fatal(err)
		}
		got, err = e.c.SalesEntries.Get(ctx, div, entry.EntryID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Description != "changed" || len(got.SalesEntryLines) != 2 {
			t.Errorf("after updates: %q, %d lines", got.Description, len(got.SalesEntryLines))
		}
		// Adding lines through PUT is refused (Exact: "Binding to new entities").
		err = e.c.SalesEntries.Update(ctx, div, entry.EntryID, exact.Fields{"SalesEntryLines": []exact.EntryLine{{GLAccount: gl.ID, AmountFC: decimal.NewFromInt(1)}}})
		wantClass(t, err, exact.ClassValidation)

		doc, err := e.c.Documents.Create(ctx, div, &exact.Document{Type: 10, Subject: "INV/2026/0001", Account: acc.ID,
			DocumentDate: exact.NewDate(2026, 2, 15), FinancialTransactionEntryID: entry.EntryID})
		if err != nil {
			t.Fatal(err)
		}
		pdf := []byte("%PDF-1.4 fake invoice\x00\xff")
		att, err := e.c.DocumentAttachments.Create(ctx, div, &exact.DocumentAttachment{Document: doc.ID, FileName: "INV-2026-0001.pdf", Attachment: pdf})
		if err != nil {
			t.Fatal(err)
		}
		if stored, ok := e.srv.Attachment(div, att.ID); !ok || string(stored) != string(pdf) {
			t.Errorf("attachment bytes: got %q", stored)
		}
		if a, err := e.c.DocumentAttachments.Get(ctx, div, att.ID); err != nil || a.FileName != "INV-2026-0001.pdf" || !a.FileSize.Equal(decimal.NewFromInt(int64(len(pdf)))) {
			t.Errorf("attachment get: %+v %v", a, err)
		}
		atts, err := exact.Collect(e.c.DocumentAttachments.List(ctx, div, &exact.ListOptions{Filter: exact.Eq("Document", exact.Guid(doc.ID))}))
		if err != nil || len(atts) != 1 {
			t.Errorf("attachments: %d %v", len(atts), err)
		}
		if err := e.c.SalesEntries.Update(ctx, div, entry.EntryID, exact.Fields{"Document": doc.ID}); err != nil {
			t.Fatal(err)
		}
		if err := e.c.Documents.Update(ctx, div, doc.ID, exact.Fields{"Subject": "Factuur INV/2026/0001"}); err != nil {
			t.Fatal(err)
		}
		if d, err := e.c.Documents.Get(ctx, div, doc.ID); err != nil || d.Subject != "Factuur INV/2026/0001" || d.TypeDescription != "Sales invoice" {
			t.Errorf("document: %+v %v", d, err)
		}
		docs, err := exact.Collect(e.c.Documents.List(ctx, div, &exact.ListOptions{Filter: exact.Eq("Account", exact.Guid(acc.ID))}))
		if err != nil || len(docs) != 1 {
			t.Errorf("documents: %d %v", len(docs), err)
		}

		recv, err := exact.Collect(e.c.Cashflow.Receivables(ctx, div, &exact.ListOptions{Filter: exact.Eq("TransactionEntryID", exact.Guid(entry.EntryID))}))
		if err != nil || len(recv) != 1 {
			t.Fatalf("receivables: %+v %v", recv, err)
		}
		open := recv[0].AmountDC
		if recv[0].Status != 20 || recv[0].IsFullyPaid || !open.IsPositive() {
			t.Errorf("open receivable: %+v", recv[0])
		}
		terms, err := exact.Collect(e.c.Cashflow.PaymentTermsSince(ctx, div, 1))
		if err != nil {
			t.Fatal(err)
		}
		var cursor int64
		for _, pt := range terms {
			cursor = max(cursor, pt.Timestamp)
		}
		if err := e.srv.RecordPayment(div, entry.EntryID, open, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		changed, err := exact.Collect(e.c.Cashflow.PaymentTermsSince(ctx, div, cursor))
		if err != nil {
			t.Fatal(err)
		}
		paid := false
		for _, pt := range changed {
			if pt.TransactionEntryID == entry.EntryID && pt.LineType == 20 && pt.Status == 50 && pt.IsFullyPaid && pt.Timestamp > cursor {
				paid = true
			}
		}
		if !paid {
			t.Errorf("payment not in sync/Cashflow/PaymentTerms after cursor %d: %+v", cursor, changed)
		}
		if _, err := exact.Collect(e.c.Cashflow.Payments(ctx, div, nil)); err != nil {
			t.Errorf("payments: %v", err)
		}
	})

	t.Run("purchase entry and deletes", func(t *testing.T) {
		sup, err := e.c.Accounts.Create(ctx, div, &exact.Account{Name: "Leverancier", IsSupplier: true, Country: "NL"})
		if err != nil {
			t.Fatal(err)
		}
		gl := e.glAccount(t, "4000")
		pe, err := e.c.PurchaseEntries.Create(ctx, div, &exact.PurchaseEntry{
			EntryHeader: exact.EntryHeader{Journal: "60", EntryDate: exact.NewDate(2026, 1, 31), YourRef: "SUP-17", Description: "Kantoorartikelen"},
			Supplier:    sup.ID,
			PurchaseEntryLines: exact.Lines[exact.EntryLine]{
				{GLAccount: gl.ID, AmountFC: decimal.RequireFromString("19.99"), VATCode: "4  ", Description: "Pennen"},
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := e.c.PurchaseEntries.Get(ctx, div, pe.EntryID)
		if err != nil || len(got.PurchaseEntryLines) != 1 || !got.PurchaseEntryLines[0].AmountFC.Equal(decimal.RequireFromString("19.99")) || got.ReportingPeriod != 1 {
			t.Fatalf("get: %+v %v", got, err)
		}
		list, err := exact.Collect(e.c.PurchaseEntries.List(ctx, div, &exact.ListOptions{Filter: exact.Eq("Supplier", exact.Guid(sup.ID))}))
		if err != nil || len(list) != 1 {
			t.Errorf("list: %d %v", len(list), err)
		}
		if err := e.c.PurchaseEntries.Update(ctx, div, pe.EntryID, exact.Fields{"YourRef": "SUP-17b"}); err != nil {
			t.Fatal(err)
		}
		l, err := e.c.PurchaseEntries.CreateLine(ctx, div, &exact.EntryLine{EntryID: pe.EntryID, GLAccount: gl.ID, AmountFC: decimal.NewFromInt(5), VATCode: "4  "})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.c.PurchaseEntries.UpdateLine(ctx, div, l.ID, exact.Fields{"Description": "Nietjes"}); err != nil {
			t.Fatal(err)
		}
		lines, err := exact.Collect(e.c.PurchaseEntries.Lines(ctx, div, pe.EntryID))
		if err != nil || len(lines) != 2 {
			t.Fatalf("lines: %d %v", len(lines), err)
		}
		if err := e.c.PurchaseEntries.DeleteLine(ctx, div, l.ID); err != nil {
			t.Fatal(err)
		}
		pays, err := exact.Collect(e.c.Cashflow.Payments(ctx, div, &exact.ListOptions{Filter: exact.Eq("TransactionEntryID", exact.Guid(pe.EntryID))}))
		if err != nil || len(pays) != 1 {
			t.Errorf("payments: %+v %v", pays, err)
		}
		if err := e.c.PurchaseEntries.Delete(ctx, div, pe.EntryID); err != nil {
			t.Fatal(err)
		}
		_, err = e.c.PurchaseEntries.Get(ctx, div, pe.EntryID)
		wantClass(t, err, exact.ClassNotFound)
		del, err := exact.Collect(e.c.Deleted.Since(ctx, div, 1))
		if err != nil {
			t.Fatal(err)
		}
		types := map[int]bool{}
		for _, d := range del {
			types[d.EntityType] = true
		}
		if !types[10] {
			t.Errorf("sync/Deleted: no payment term (EntityType 10) after deleting an entry: %+v", del)
		}
	})

	t.Run("documents delete", func(t *testing.T) {
		doc, err := e.c.Documents.Create(ctx, div, &exact.Document{Type: 55, Subject: "Losse notitie"})
		if err != nil {
			t.Fatal(err)
		}
		att, err := e.c.DocumentAttachments.Create(ctx, div, &exact.DocumentAttachment{Document: doc.ID, FileName: "a.txt", Attachment: []byte("hi")})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.c.DocumentAttachments.Delete(ctx, div, att.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.c.Documents.Delete(ctx, div, doc.ID); err != nil {
			t.Fatal(err)
		}
		_, err = e.c.Documents.Get(ctx, div, doc.ID)
		wantClass(t, err, exact.ClassNotFound)
	})
}

func TestBadKeysNeverReachTheServer(t *testing.T) {
	e := newEnv(t, envConfig{})
	ctx := context.Background()
	e.srv.ResetCalls()
	if _, err := e.c.Accounts.Get(ctx, e.div, "x') or (1 eq 1"); !errors.Is(err, exact.ErrInvalidFilter) {
		t.Errorf("Get with bad GUID: got %v, want ErrInvalidFilter", err)
	}
	_, err := exact.Collect(e.c.Accounts.List(ctx, e.div, &exact.ListOptions{Filter: exact.Eq("ID", exact.Guid("nope"))}))
	if !errors.Is(err, exact.ErrInvalidFilter) {
		t.Errorf("List with bad GUID: got %v, want ErrInvalidFilter", err)
	}
	_, err = exact.Collect(e.c.Journals.List(ctx, e.div, &exact.ListOptions{OrderBy: "Code; drop"}))
	if !errors.Is(err, exact.ErrInvalidFilter) {
		t.Errorf("bad $orderby: got %v, want ErrInvalidFilter", err)
	}
	if n := e.srv.Calls().Total; n != 0 {
		t.Errorf("server calls: got %d, want 0", n)
	}
}

func TestForbiddenDivision(t *testing.T) {
	e := newEnv(t, envConfig{})
	_, err := exact.Collect(e.c.Journals.List(context.Background(), 999, nil))
	wantClass(t, err, exact.ClassForbidden)
	var ae *exact.Error
	if errors.As(err, &ae); ae.Reason != "NoDivisionAccess" {
		t.Errorf("Reason: got %q, want NoDivisionAccess", ae.Reason)
	}
}

func TestTransientErrors(t *testing.T) {
	e := newEnv(t, envConfig{})
	e.srv.SetFaults(exacttest.Faults{Down: true})
	_, err := exact.Collect(e.c.Journals.List(context.Background(), e.div, nil))
	wantClass(t, err, exact.ClassTransient)
	if !errors.Is(err, exact.ErrTransient) {
		t.Errorf("errors.Is(ErrTransient) = false: %v", err)
	}
	e.srv.SetFaults(exacttest.Faults{})

	// A dead server: a network error is transient too.
	c, err := exact.NewClient(exact.WithBaseURL("http://127.0.0.1:1"), exact.WithTokenSource(exact.StaticTokenSource("t")))
	if err != nil {
		t.Fatal(err)
	}
	_, err = exact.Collect(c.Journals.List(context.Background(), 1, nil))
	wantClass(t, err, exact.ClassTransient)
}
