package main

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/exactsync/exactsync/activities"
	"github.com/exactsync/exactsync/clients/exact"
	"github.com/exactsync/exactsync/store"
	"github.com/exactsync/exactsync/workflows"
)

// settled waits for a partner's sync like wait, but a sync that is still retrying after stuckAfter is reported
// with its pending activity's last failure instead of hanging the test (the bugs these tests guard against made
// a sync retry for a day).
func (s *stack) settled(partnerID int64) (workflows.ContactResult, error) {
	s.t.Helper()
	const stuckAfter = 2 * time.Minute
	ctx, cancel := context.WithTimeout(context.Background(), stuckAfter)
	defer cancel()
	id := workflows.ContactWorkflowID(s.conn.Name, partnerID)
	var res workflows.ContactResult
	err := workflows.AwaitSync(ctx, s.ts.Client, id, &res)
	if ctx.Err() != nil {
		desc, derr := s.ts.Client.DescribeWorkflowExecution(context.Background(), id, "")
		if derr != nil {
			s.t.Fatalf("sync of partner %d did not end; describe: %v", partnerID, derr)
		}
		for _, a := range desc.PendingActivities {
			s.t.Fatalf("sync of partner %d still retrying %s (attempt %d): %s", partnerID, a.ActivityType.GetName(), a.Attempt, a.LastFailure.GetMessage())
		}
		s.t.Fatalf("sync of partner %d did not end", partnerID)
	}
	return res, err
}

// exactClient is a client of the simulated Exact with a token of its own, to seed what an accountant typed.
func (s *stack) exactClient() *exact.Client {
	s.t.Helper()
	cfg := &exact.Config{ClientID: s.exact.ClientID(), ClientSecret: s.exact.ClientSecret(), RedirectURL: testRedirect, BaseURL: s.exact.URL()}
	tok, err := cfg.Exchange(context.Background(), s.exact.Authorize(s.t, testRedirect))
	if err != nil {
		s.t.Fatal(err)
	}
	ec, err := exact.NewClient(exact.WithBaseURL(s.exact.URL()), exact.WithTokenSource(exact.StaticTokenSource(tok.AccessToken)))
	if err != nil {
		s.t.Fatal(err)
	}
	return ec
}

// dataError asserts err is a non-retryable data error with the given Problem code, mentioning every want.
func dataError(t *testing.T, err error, code string, want ...string) {
	t.Helper()
	var app *temporal.ApplicationError
	if !errors.As(err, &app) || app.Type() != activities.ErrTypeData {
		t.Fatalf("err = %v, want a non-retryable DataError", err)
	}
	var p activities.Problem
	if !app.HasDetails() || app.Details(&p) != nil || p.Code != code {
		t.Errorf("problem %+v, want code %s", p, code)
	}
	for _, w := range append(want, "Fix:", "Oplossing:") {
		if !strings.Contains(app.Error(), w) {
			t.Errorf("error %q lacks %q", app.Error(), w)
		}
	}
}

func TestHostileDataFromEitherSide(t *testing.T) {
	s := newStack(t)
	ctx := context.Background()
	ec := s.exactClient()
	nl := s.odoo.Seeded().Countries["NL"]

	// What the accountant already has in Exact: a relation whose name carries a NUL (Exact sends it as \u0000 in
	// sync/CRM/Accounts), and an unrelated relation with code K100.
	if _, err := ec.Accounts.Create(ctx, s.div, &exact.Account{Code: "NUL1", Name: "Exact\x00Nul BV", City: "Gouda\x00"}); err != nil {
		t.Fatal(err)
	}
	other, err := ec.Accounts.Create(ctx, s.div, &exact.Account{Code: "K100", Name: "Ander Bedrijf", City: "Zwolle"})
	if err != nil {
		t.Fatal(err)
	}

	// A NUL from Odoo needs JSON-2 (Odoo 19; XML-RPC cannot carry one): activities' TestSyncOfAPartnerWithANulOverJSON2.
	t.Run("a NUL in an Exact account: the mirror refresh and the sync after it go through", func(t *testing.T) {
		s.t = t
		id, err := s.odoo.Create("res.partner", map[string]any{"name": "Gewone Klant BV", "is_company": true, "customer_rank": 1,
			"country_id": nl, "street": "Kerk\tstraat 1", "city": "Utrecht"})
		if err != nil {
			t.Fatal(err)
		}
		if err := workflows.StartContactSync(ctx, s.ts.Client, s.conn, id); err != nil {
			t.Fatal(err)
		}
		res, err := s.settled(id)
		if err != nil || res.Action != activities.ActionCreated {
			t.Fatalf("sync: %+v, %v; want created", res, err)
		}
		accs := s.accountsNamed("Gewone Klant BV")
		if len(accs) != 1 || accs[0]["AddressLine1"] != "Kerk straat 1" {
			t.Fatalf("accounts = %v, want one named Gewone Klant BV at Kerk straat 1", accs)
		}
		link, err := s.st.Link(ctx, s.conn.ID, activities.ModelPartner, id)
		if err != nil || link.ExactID != accs[0]["ID"] {
			t.Errorf("link %+v, %v; want the new account", link, err)
		}
		// The mirror refresh that preceded the create stored Exact's NUL relation, cleaned.
		got, by, err := s.st.MatchAccount(ctx, s.conn.ID, "", "", "nul1")
		if err != nil || by != "code" || got.Name != "ExactNul BV" {
			t.Errorf("mirrored %+v by %q, %v; want ExactNul BV", got, by, err)
		}
	})

	t.Run("a match on the code alone does not take over an unrelated Exact relation", func(t *testing.T) {
		s.t = t
		id, err := s.odoo.Create("res.partner", map[string]any{"name": "Klant Honderd BV", "is_company": true, "customer_rank": 1,
			"country_id": nl, "city": "Utrecht", "ref": " k100"})
		if err != nil {
			t.Fatal(err)
		}
		if err := workflows.StartContactSync(ctx, s.ts.Client, s.conn, id); err != nil {
			t.Fatal(err)
		}
		_, err = s.settled(id)
		dataError(t, err, "partner.code_only_match", "Klant Honderd BV", "Ander Bedrijf", "K100", "VAT or KvK")
		acc, gerr := ec.Accounts.Get(ctx, s.div, other.ID)
		if gerr != nil {
			t.Fatal(gerr)
		}
		if acc.Name != "Ander Bedrijf" || acc.City != "Zwolle" {
			t.Errorf("Exact relation K100 = %q in %q, want it untouched (Ander Bedrijf, Zwolle)", acc.Name, acc.City)
		}
		if _, lerr := s.st.Link(ctx, s.conn.ID, activities.ModelPartner, id); !errors.Is(lerr, store.ErrNotFound) {
			t.Errorf("link after the refusal: %v, want none", lerr)
		}

		// The fix the error names: another reference. The retried sync creates the partner's own account.
		if err := s.odoo.Write("res.partner", []int64{id}, map[string]any{"ref": "K100-B"}); err != nil {
			t.Fatal(err)
		}
		if err := workflows.StartContactSync(ctx, s.ts.Client, s.conn, id); err != nil {
			t.Fatal(err)
		}
		res, err := s.settled(id)
		if err != nil || res.Action != activities.ActionCreated || res.ExactCode != "K100-B" {
			t.Fatalf("after the fix: %+v, %v; want created as K100-B", res, err)
		}
		if acc, _ := ec.Accounts.Get(ctx, s.div, other.ID); acc.Name != "Ander Bedrijf" {
			t.Errorf("Exact relation K100 renamed to %q", acc.Name)
		}
	})

	t.Run("the same relation after all: starter link takes it over on purpose", func(t *testing.T) {
		s.t = t
		mine, err := ec.Accounts.Create(ctx, s.div, &exact.Account{Code: "K200", Name: "Oude Naam BV", City: "Deventer"})
		if err != nil {
			t.Fatal(err)
		}
		id, err := s.odoo.Create("res.partner", map[string]any{"name": "Nieuwe Naam BV", "is_company": true, "customer_rank": 1,
			"country_id": nl, "city": "Utrecht", "ref": "K200"})
		if err != nil {
			t.Fatal(err)
		}
		if err := workflows.StartContactSync(ctx, s.ts.Client, s.conn, id); err != nil {
			t.Fatal(err)
		}
		_, err = s.settled(id)
		dataError(t, err, "partner.code_only_match", activities.LinkCommand(s.conn.Name, id, "K200"))

		linked, err := activities.LinkPartner(ctx, s.st, ec, s.conn, id, " k200 ")
		if err != nil || linked.ExactID != mine.ID || linked.ExactCode != "K200" {
			t.Fatalf("LinkPartner = %+v, %v; want K200", linked, err)
		}
		// Linking the relation to a second partner is refused: one Exact relation, one Odoo partner.
		if _, err := activities.LinkPartner(ctx, s.st, ec, s.conn, id+1000, "K200"); err == nil || !strings.Contains(err.Error(), "already linked") {
			t.Errorf("a second partner on K200: %v, want already linked", err)
		}
		if _, err := activities.LinkPartner(ctx, s.st, ec, s.conn, id, "NOPE9"); err == nil || !strings.Contains(err.Error(), "no account with code NOPE9") {
			t.Errorf("an unknown code: %v", err)
		}
		if err := workflows.ForceContactSync(ctx, s.ts.Client, s.conn, id); err != nil {
			t.Fatal(err)
		}
		res, err := s.settled(id)
		if err != nil || res.ExactID != mine.ID {
			t.Fatalf("after the link: %+v, %v; want the sync to update K200", res, err)
		}
		acc, err := ec.Accounts.Get(ctx, s.div, mine.ID)
		if err != nil || acc.Name != "Nieuwe Naam BV" || acc.City != "Utrecht" {
			t.Errorf("K200 after the linked sync: %+v, %v; want the partner's name and city", acc, err)
		}
		if n := len(s.accountsNamed("Nieuwe Naam BV")); n != 1 {
			t.Errorf("%d accounts named Nieuwe Naam BV, want 1", n)
		}
	})

	t.Run("a bank account with a bad IBAN stops the partner before Exact sees it", func(t *testing.T) {
		s.t = t
		id, err := s.odoo.Create("res.partner", map[string]any{"name": "Foute Iban BV", "is_company": true, "customer_rank": 1, "country_id": nl})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.odoo.Create("res.partner.bank", map[string]any{"acc_number": "NL91 ABNA 0417 1643 01", "partner_id": id}); err != nil {
			t.Fatal(err)
		}
		writes := s.writes("crm/Accounts") + s.writes("crm/BankAccounts")
		if err := workflows.StartContactSync(ctx, s.ts.Client, s.conn, id); err != nil {
			t.Fatal(err)
		}
		_, err = s.settled(id)
		dataError(t, err, "partner.bank.invalid_iban", "NL91ABNA0417164301", "Foute Iban BV")
		if n := s.writes("crm/Accounts") + s.writes("crm/BankAccounts") - writes; n != 0 || len(s.accountsNamed("Foute Iban BV")) != 0 {
			t.Errorf("%d Exact writes and %d accounts, want none", n, len(s.accountsNamed("Foute Iban BV")))
		}
	})
}
