package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/exactsync/exactsync/activities"
	"github.com/exactsync/exactsync/clients/exact"
	"github.com/exactsync/exactsync/clients/exact/exacttest"
	"github.com/exactsync/exactsync/clients/odoo/odootest"
	"github.com/exactsync/exactsync/internal/pgtest"
	"github.com/exactsync/exactsync/internal/temporaltest"
	"github.com/exactsync/exactsync/store"
	"github.com/exactsync/exactsync/workflows"
)

// stack is the whole system under test: real Temporal dev server, real PostgreSQL, the worker's own main, and
// both simulators, joined by a connection stored the way `starter connect` stores it.
type stack struct {
	t        testing.TB
	ts       *temporaltest.Server
	st       *store.Store
	exact    *exacttest.Server
	odoo     *odootest.Server
	clock    *odooClock
	conn     store.Connection
	httpAddr string
	logs     *syncBuffer
	div      int
}

const testRedirect = "http://127.0.0.1:1/exact/callback"

// newStack starts the whole system. Exact's real budget is 60 calls a minute; unless opts say otherwise the
// tests run it as 60 calls a second, so the 429 path is exercised without waiting minutes.
func newStack(t testing.TB, opts ...func(*exacttest.Options)) *stack {
	t.Helper()
	return newStackOn(t, nil, opts...)
}

// newStackOn is newStack with options for the simulated Odoo as well (its version, say).
func newStackOn(t testing.TB, odooOpts []func(*odootest.Options), opts ...func(*exacttest.Options)) *stack {
	t.Helper()
	ctx := context.Background()
	ex := exacttest.NewServer(t, append([]func(*exacttest.Options){func(o *exacttest.Options) { o.MinuteWindow = time.Second }}, opts...)...)
	clk := &odooClock{}
	odooOpts = append([]func(*odootest.Options){func(o *odootest.Options) { o.Now = clk.Now }}, odooOpts...)
	s := &stack{t: t, ts: temporaltest.Start(t), exact: ex, clock: clk, odoo: odootest.NewServer(t, odooOpts...)}
	s.div = s.exact.DefaultDivision()
	dbURL := pgtest.URL(t)
	key := store.NewKey()
	parsed, err := store.ParseKey(key)
	if err != nil {
		t.Fatal(err)
	}
	if s.st, err = store.Open(ctx, dbURL, parsed); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.st.Close)

	if _, err := s.st.SaveOdoo(ctx, store.Connection{Name: "demo", OdooURL: s.odoo.URL(), OdooDatabase: s.odoo.Database(),
		OdooLogin: s.odoo.Login(), OdooAPIKey: s.odoo.APIKey(), OdooCompanyID: s.odoo.CompanyID(), WebhookSecret: "hook-secret-0123456789"}); err != nil {
		t.Fatal(err)
	}
	id, err := s.st.SaveExact(ctx, store.Connection{Name: "demo", ExactSite: "nl", ExactBaseURL: s.exact.URL(),
		ExactClientID: s.exact.ClientID(), ExactClientSecret: s.exact.ClientSecret(), ExactRedirectURL: testRedirect, ExactDivision: s.div})
	if err != nil {
		t.Fatal(err)
	}
	cfg := &exact.Config{ClientID: s.exact.ClientID(), ClientSecret: s.exact.ClientSecret(), RedirectURL: testRedirect, BaseURL: s.exact.URL()}
	tok, err := cfg.Exchange(ctx, s.exact.Authorize(t, testRedirect))
	if err != nil {
		t.Fatal(err)
	}
	if err := exact.SaveToken(ctx, s.st, id, tok); err != nil {
		t.Fatal(err)
	}
	seeded := s.odoo.Seeded()
	for name, code := range map[string]string{"Immediate Payment": "00", "14 Days": "14", "30 Days": "30", "30% Now, Balance 60 Days": "60"} {
		if err := s.st.SaveMapping(ctx, id, store.Mapping{Kind: store.MapPaymentTerm, OdooID: seeded.Terms[name], OdooName: name, ExactCode: code}); err != nil {
			t.Fatal(err)
		}
	}
	if s.conn, err = s.st.Connection(ctx, "demo"); err != nil {
		t.Fatal(err)
	}
	s.httpAddr, s.logs = startWorker(t, s.ts, dbURL, map[string]string{"EXACTSYNC_SECRET_KEY": key})
	return s
}

// odooClock is the simulated Odoo's clock: the real time plus what the test moved it on by, so a test can let
// a second be over (and its changes be taken by the detector) without sleeping.
type odooClock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *odooClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

// Advance moves Odoo's clock on.
func (c *odooClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

// detect runs the change detector to its end, then waits for every contact sync it started.
func (s *stack) detect() workflows.DetectResult {
	s.t.Helper()
	ctx := context.Background()
	run, err := s.ts.Client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: fmt.Sprintf("detect-test-%d", time.Now().UnixNano()),
		TaskQueue: workflows.TaskQueue}, workflows.DetectContacts, workflows.DetectInput{Connection: s.conn.Name, ConnectionID: s.conn.ID})
	if err != nil {
		s.t.Fatal(err)
	}
	var res workflows.DetectResult
	if err := run.Get(ctx, &res); err != nil {
		s.t.Fatalf("DetectContacts: %v", err)
	}
	return res
}

// wait waits for the latest run of each partner's sync and returns its result or error.
func (s *stack) wait(partnerID int64) (workflows.ContactResult, error) {
	s.t.Helper()
	var res workflows.ContactResult
	err := workflows.AwaitSync(context.Background(), s.ts.Client, workflows.ContactWorkflowID(s.conn.Name, partnerID), &res)
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		s.t.Fatalf("no sync ran for partner %d", partnerID)
	}
	return res, err
}

// settle runs detection and waits for the syncs it started and those of ids, twice: the write-back of Exact IDs changes the partners in
// Odoo, and the second round must find nothing to send.
func (s *stack) settle(ids []int64) {
	s.t.Helper()
	for range 2 {
		started := s.detect().PartnerIDs
		for _, id := range append(started, ids...) {
			if _, err := s.wait(id); err != nil {
				s.t.Fatalf("sync of partner %d: %v", id, err)
			}
		}
	}
}

func (s *stack) accountsNamed(name string) []map[string]any {
	var out []map[string]any
	for _, a := range s.exact.Entities(s.div, "crm/Accounts") {
		if a["Name"] == name {
			out = append(out, a)
		}
	}
	return out
}

func (s *stack) writes(entity string) int {
	c := s.exact.Calls()
	n := 0
	for _, m := range []string{"POST", "PUT", "DELETE"} {
		n += c.ByEndpoint[fmt.Sprintf("%s %d %s", m, s.div, entity)]
	}
	return n
}

// iban builds a valid Dutch IBAN for bank account number n.
func iban(n int) string {
	bban := fmt.Sprintf("RABO%010d", n)
	var digits strings.Builder
	for _, r := range bban + "NL00" {
		if r >= 'A' && r <= 'Z' {
			digits.WriteString(fmt.Sprint(int(r-'A') + 10))
		} else {
			digits.WriteRune(r)
		}
	}
	v, _ := new(big.Int).SetString(digits.String(), 10)
	check := 98 - new(big.Int).Mod(v, big.NewInt(97)).Int64()
	return fmt.Sprintf("NL%02d%s", check, bban)
}

// createPartners makes n customers in Odoo; every third has a VAT number, every second a bank account.
func (s *stack) createPartners(prefix string, n int) []int64 {
	s.t.Helper()
	seeded := s.odoo.Seeded()
	var ids []int64
	for i := range n {
		vals := map[string]any{"name": fmt.Sprintf("%s %02d BV", prefix, i), "is_company": true, "customer_rank": 1,
			"street": fmt.Sprintf("Kerkstraat %d", i+1), "zip": "1234 AB", "city": "Utrecht", "country_id": seeded.Countries["NL"],
			"email": fmt.Sprintf("info%d@%s.example", i, strings.ToLower(prefix)), "property_payment_term_id": seeded.Terms["30 Days"]}
		if i%3 == 0 {
			vals["vat"] = fmt.Sprintf("NL%09dB%02d", 100000000+len(prefix)*1000+i, i%100)
		}
		if i%5 == 0 {
			vals["supplier_rank"] = 1
		}
		id, err := s.odoo.Create("res.partner", vals)
		if err != nil {
			s.t.Fatal(err)
		}
		if i%2 == 0 {
			if _, err := s.odoo.Create("res.partner.bank", map[string]any{"acc_number": iban(int(id)*10 + len(prefix)),
				"partner_id": id, "acc_holder_name": vals["name"]}); err != nil {
				s.t.Fatal(err)
			}
		}
		ids = append(ids, id)
	}
	return ids
}

func (s *stack) assertOneAccountEach(ids []int64) {
	s.t.Helper()
	ctx := context.Background()
	banks := s.exact.Entities(s.div, "crm/BankAccounts")
	for _, id := range ids {
		rec, err := s.odoo.Read("res.partner", id)
		if err != nil {
			s.t.Fatal(err)
		}
		name := rec["name"].(string)
		accs := s.accountsNamed(name)
		if len(accs) != 1 {
			s.t.Errorf("partner %d %q: %d Exact accounts, want exactly 1", id, name, len(accs))
			continue
		}
		link, err := s.st.Link(ctx, s.conn.ID, activities.ModelPartner, id)
		if err != nil || link.ExactID != accs[0]["ID"] {
			s.t.Errorf("partner %d: link %+v (%v), want Exact ID %v", id, link, err, accs[0]["ID"])
		}
		if got := rec["x_exact_account_id"]; got != accs[0]["ID"] {
			s.t.Errorf("partner %d: x_exact_account_id = %v, want %v written back", id, got, accs[0]["ID"])
		}
		var wantBanks, gotBanks int
		for _, bid := range rec["bank_ids"].([]any) {
			b, err := s.odoo.Read("res.partner.bank", toInt64(bid))
			if err != nil {
				s.t.Fatal(err)
			}
			wantBanks++
			for _, eb := range banks {
				if eb["Account"] == accs[0]["ID"] && strings.EqualFold(fmt.Sprint(eb["BankAccount"]), fmt.Sprint(b["sanitized_acc_number"])) {
					gotBanks++
				}
			}
		}
		if gotBanks != wantBanks {
			s.t.Errorf("partner %d: %d of %d bank accounts in Exact (exactly once each wanted)", id, gotBanks, wantBanks)
		}
	}
}

func toInt64(v any) int64 {
	switch n := v.(type) {
	case int64:
		return n
	case int:
		return int64(n)
	case float64:
		return int64(n)
	}
	panic(fmt.Sprintf("not an id: %T", v))
}

func TestContactSyncEndToEnd(t *testing.T) {
	s := newStack(t)
	ctx := context.Background()

	// A relation the accountant already has in Exact, with the VAT number of an Odoo partner.
	vat := "NL999999999B01"
	cfg := &exact.Config{ClientID: s.exact.ClientID(), ClientSecret: s.exact.ClientSecret(), RedirectURL: testRedirect, BaseURL: s.exact.URL()}
	tok, err := cfg.Exchange(ctx, s.exact.Authorize(t, testRedirect))
	if err != nil {
		t.Fatal(err)
	}
	ec, err := exact.NewClient(exact.WithBaseURL(s.exact.URL()), exact.WithTokenSource(exact.StaticTokenSource(tok.AccessToken)))
	if err != nil {
		t.Fatal(err)
	}
	existing, err := ec.Accounts.Create(ctx, s.div, &exact.Account{Name: "Bestaande Klant BV (Exact)", VATNumber: vat, Status: "C"})
	if err != nil {
		t.Fatal(err)
	}
	dupID, err := s.odoo.Create("res.partner", map[string]any{"name": "Bestaande Klant BV", "is_company": true, "customer_rank": 1, "country_id": s.odoo.Seeded().Countries["NL"], "vat": "nl 9999.99999.B01"})
	if err != nil {
		t.Fatal(err)
	}

	ids := s.createPartners("Nieuw", 50)
	s.settle(append(ids, dupID))

	t.Run("50 new partners, each in Exact exactly once with bank accounts", func(t *testing.T) {
		s.t = t
		s.assertOneAccountEach(ids)
	})
	t.Run("a partner with an existing VAT number is linked, not duplicated", func(t *testing.T) {
		link, err := s.st.Link(ctx, s.conn.ID, activities.ModelPartner, dupID)
		if err != nil {
			t.Fatal(err)
		}
		if link.ExactID != existing.ID {
			t.Errorf("linked to %s, want the existing account %s", link.ExactID, existing.ID)
		}
		n := 0
		for _, a := range s.exact.Entities(s.div, "crm/Accounts") {
			if a["VATNumber"] == vat {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d accounts with VAT %s, want 1", n, vat)
		}
	})

	t.Run("untouched partners cause zero Exact writes", func(t *testing.T) {
		s.exact.ResetCalls()
		res := s.detect()
		if res.Started != 0 {
			t.Errorf("detector started %d syncs with nothing changed, want 0", res.Started)
		}
		if n := s.writes("crm/Accounts") + s.writes("crm/BankAccounts"); n != 0 {
			t.Errorf("%d Exact writes, want 0", n)
		}
	})

	t.Run("10 edited partners are updated, only them, with a PUT each", func(t *testing.T) {
		s.exact.ResetCalls()
		edited := ids[:10]
		for _, id := range edited {
			if err := s.odoo.Write("res.partner", []int64{id}, map[string]any{"city": "Amersfoort"}); err != nil {
				t.Fatal(err)
			}
		}
		s.settle(edited)
		for _, id := range edited {
			link, _ := s.st.Link(ctx, s.conn.ID, activities.ModelPartner, id)
			acc, err := ec.Accounts.Get(ctx, s.div, link.ExactID)
			if err != nil {
				t.Fatal(err)
			}
			if acc.City != "Amersfoort" {
				t.Errorf("partner %d: Exact City = %q, want Amersfoort", id, acc.City)
			}
		}
		c := s.exact.Calls()
		if got := c.ByEndpoint[fmt.Sprintf("PUT %d crm/Accounts", s.div)]; got != 10 {
			t.Errorf("PUT crm/Accounts = %d, want 10", got)
		}
		if got := c.ByEndpoint[fmt.Sprintf("POST %d crm/Accounts", s.div)]; got != 0 {
			t.Errorf("POST crm/Accounts = %d, want 0", got)
		}
	})

	t.Run("poll, webhook and two edits at once give one account", func(t *testing.T) {
		id, err := s.odoo.Create("res.partner", map[string]any{"name": "Gelijktijdig BV", "is_company": true, "customer_rank": 1, "country_id": s.odoo.Seeded().Countries["NL"]})
		if err != nil {
			t.Fatal(err)
		}
		hook := "http://" + s.httpAddr + "/webhooks/odoo/" + s.conn.WebhookSecret
		body := fmt.Sprintf(`{"_model":"res.partner","_id":%d,"_action":"exactsync(#1)","commercial_partner_id":%d}`, id, id)
		errs := make(chan error, 4)
		go func() { errs <- s.odoo.Write("res.partner", []int64{id}, map[string]any{"phone": "+31 30 123 4567"}) }()
		go func() {
			errs <- s.odoo.Write("res.partner", []int64{id}, map[string]any{"website": "https://gelijktijdig.example"})
		}()
		for range 2 {
			go func() {
				resp, err := http.Post(hook, "application/json", bytes.NewBufferString(body))
				if err == nil {
					resp.Body.Close()
					if resp.StatusCode != http.StatusAccepted {
						err = fmt.Errorf("webhook status %d", resp.StatusCode)
					}
				}
				errs <- err
			}()
		}
		for range 4 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		s.settle([]int64{id})
		if accs := s.accountsNamed("Gelijktijdig BV"); len(accs) != 1 {
			t.Fatalf("%d accounts, want 1", len(accs))
		} else if accs[0]["Phone"] != "+31 30 123 4567" || accs[0]["Website"] != "https://gelijktijdig.example" {
			t.Errorf("account = %v, want both edits", accs[0])
		}
	})

	t.Run("an unknown webhook secret is refused", func(t *testing.T) {
		resp, err := http.Post("http://"+s.httpAddr+"/webhooks/odoo/wrong", "application/json", strings.NewReader(`{"_model":"res.partner","_id":1}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("status = %d, want 404", resp.StatusCode)
		}
	})

	t.Run("dropped write responses still give exactly one account each", func(t *testing.T) {
		s.exact.SetFaults(exacttest.Faults{DropWriteResponses: 0.1, Seed: 7})
		defer s.exact.SetFaults(exacttest.Faults{})
		more := s.createPartners("Storing", 20)
		s.settle(more)
		s.t = t
		s.assertOneAccountEach(more)
	})

	t.Run("a data error stops with a reason and a hint in English and Dutch; retry after the fix syncs", func(t *testing.T) {
		term, err := s.odoo.Create("account.payment.term", map[string]any{"name": "45 Days"})
		if err != nil {
			t.Fatal(err)
		}
		id, err := s.odoo.Create("res.partner", map[string]any{"name": "Onbekende Termijn BV", "is_company": true, "customer_rank": 1, "country_id": s.odoo.Seeded().Countries["NL"],
			"property_payment_term_id": term})
		if err != nil {
			t.Fatal(err)
		}
		s.detect()
		_, err = s.wait(id)
		var app *temporal.ApplicationError
		if !errors.As(err, &app) || app.Type() != activities.ErrTypeData {
			t.Fatalf("err = %v, want a non-retryable DataError", err)
		}
		for _, want := range []string{"45 Days", "Fix:", "Oplossing:", "starter mappings set"} {
			if !strings.Contains(app.Error(), want) {
				t.Errorf("error %q lacks %q", app.Error(), want)
			}
		}
		if len(s.accountsNamed("Onbekende Termijn BV")) != 0 {
			t.Error("an account was created despite the data error")
		}
		if err := s.st.SaveMapping(ctx, s.conn.ID, store.Mapping{Kind: store.MapPaymentTerm, OdooID: term, ExactCode: "60"}); err != nil {
			t.Fatal(err)
		}
		if err := workflows.StartContactSync(ctx, s.ts.Client, s.conn, id); err != nil {
			t.Fatal(err)
		}
		res, err := s.wait(id)
		if err != nil || res.Action != activities.ActionCreated {
			t.Fatalf("after the fix: %+v, %v; want created", res, err)
		}
		if accs := s.accountsNamed("Onbekende Termijn BV"); len(accs) != 1 || accs[0]["PaymentConditionSales"] != "60" {
			t.Errorf("accounts = %v, want one with payment condition 60", accs)
		}
	})

	t.Run("no secret in the worker's debug logs", func(t *testing.T) {
		logs := s.logs.String()
		for _, secret := range []string{s.odoo.APIKey(), s.exact.ClientSecret(), tok.AccessToken, tok.RefreshToken, s.conn.WebhookSecret} {
			if strings.Contains(logs, secret) {
				t.Errorf("a secret (%d chars) appears in the logs", len(secret))
			}
		}
	})
}
