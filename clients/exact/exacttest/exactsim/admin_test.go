package main

import (
	"context"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/exactsync/exactsync/clients/exact"
	"github.com/exactsync/exactsync/clients/exact/exacttest"
)

// invoicesOnSim posts sales entries of one customer, each of one line of amount + 21 % VAT, through the real
// client and returns their EntryIDs (numbered 26700001, 26700002, …).
func invoicesOnSim(t *testing.T, srv *exacttest.Server, amounts ...string) []string {
	t.Helper()
	ctx := context.Background()
	const redirect = "http://127.0.0.1:8765/callback"
	cfg := &exact.Config{ClientID: srv.ClientID(), ClientSecret: srv.ClientSecret(), RedirectURL: redirect, BaseURL: srv.URL()}
	tok, err := cfg.Exchange(ctx, srv.Authorize(t, redirect))
	if err != nil {
		t.Fatal(err)
	}
	c, err := exact.NewClient(exact.WithBaseURL(srv.URL()), exact.WithTokenSource(exact.StaticTokenSource(tok.AccessToken)))
	if err != nil {
		t.Fatal(err)
	}
	div := srv.DefaultDivision()
	acc, err := c.Accounts.Create(ctx, div, &exact.Account{Name: "ACME", Status: "C"})
	if err != nil {
		t.Fatal(err)
	}
	gls, err := exact.Collect(c.GLAccounts.List(ctx, div, &exact.ListOptions{Filter: exact.Eq("Code", exact.String("8000"))}))
	if err != nil || len(gls) != 1 {
		t.Fatalf("G/L 8000: %v %v", gls, err)
	}
	var ids []string
	for _, amount := range amounts {
		e, err := c.SalesEntries.Create(ctx, div, &exact.SalesEntry{
			EntryHeader: exact.EntryHeader{Journal: "70", EntryDate: exact.NewDate(2026, 1, 17), YourRef: "INV/2026/0001"},
			Customer:    acc.ID,
			SalesEntryLines: exact.Lines[exact.EntryLine]{
				{GLAccount: gls[0].ID, AmountFC: decimal.RequireFromString(amount), VATCode: "2  "},
			}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, e.EntryID)
	}
	return ids
}

// openAmount sums the open receivables of an entry, straight from the simulator.
func openAmount(srv *exacttest.Server, entryID string) decimal.Decimal {
	total := decimal.Zero
	for _, r := range srv.Entities(srv.DefaultDivision(), "cashflow/Receivables") {
		if r["TransactionEntryID"] == entryID && r["Status"] == int64(20) {
			total = total.Add(r["AmountFC"].(decimal.Decimal))
		}
	}
	return total
}

func TestAdminCommands(t *testing.T) {
	srv := exacttest.NewServer(t)
	ids := invoicesOnSim(t, srv, "100", "-10") // 26700001: 121.00, 26700002: -12.10
	inv, credit := ids[0], ids[1]
	env := func(k string) string {
		if k == "EXACT_BASE_URL" {
			return srv.URL()
		}
		return ""
	}
	steps := []struct {
		args     []string
		wantOut  string
		wantOpen string
	}{
		{[]string{"pay", "--entry-number", "26700001", "--amount", "21.00", "--date", "2026-02-03"}, "bank entry 26200001 booked", "100"},
		{[]string{"credit", "-invoice-number", "26700001", "-credit-number", "26700002"}, "matched 12.1", "87.9"},
		{[]string{"unmatch", "-entry-id", inv}, "undone", "121"},
		{[]string{"pay", "-entry-number", "26700001", "-date", "2026-02-04", "-division", "0"}, "paid 121", "0"},
		{[]string{"unmatch", "-entry-number", "26700001", "-journal", "70"}, "undone", "121"},
		{[]string{"process", "-entry-number", "26700001"}, "entry processed", "121"},
		{[]string{"close-period", "-year", "2026", "-period", "2"}, "period 2026/2 closed", "121"},
		{[]string{"close-period", "-year", "2026", "-period", "2", "-open"}, "period 2026/2 open", "121"},
	}
	for _, st := range steps {
		var out strings.Builder
		if err := run(context.Background(), st.args, &out, env); err != nil {
			t.Fatalf("%v: %v", st.args, err)
		}
		if !strings.Contains(out.String(), st.wantOut) {
			t.Errorf("%v printed %q, want %q", st.args, out.String(), st.wantOut)
		}
		if got := openAmount(srv, inv); !got.Equal(decimal.RequireFromString(st.wantOpen)) {
			t.Errorf("after %v: open %s, want %s", st.args, got, st.wantOpen)
		}
	}
	if got := openAmount(srv, credit); !got.Equal(decimal.RequireFromString("-12.1")) {
		t.Errorf("credit note after the undo: open %s, want -12.1", got)
	}
	for _, args := range [][]string{
		{"pay"},
		{"pay", "-entry-number", "26700009"},
		{"pay", "-entry-number", "26700001", "-amount", "12,00.0"},
		{"pay", "-entry-number", "26700001", "-date", "3-2-2026"},
		{"pay", "-entry-number", "26700001", "-amount", "500"},
		{"close-period", "-year", "2026"},
		{"refund", "-entry-number", "26700001"},
		{"pay", "-entry-number", "26700001", "extra"},
	} {
		if err := run(context.Background(), args, &strings.Builder{}, env); err == nil {
			t.Errorf("%v: got nil error", args)
		}
	}
	// -url names another simulator; nothing listens there.
	err := run(context.Background(), []string{"pay", "-url", "http://127.0.0.1:1", "-entry-number", "26700001"}, &strings.Builder{}, env)
	if err == nil || !strings.Contains(err.Error(), "is the simulator running") {
		t.Errorf("no simulator: %v", err)
	}
}

func TestHelpListsTheCommands(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"-h"}, {"pay", "-h"}} {
		var out strings.Builder
		if err := run(context.Background(), args, &out, noEnv); err != nil {
			t.Errorf("%v: %v", args, err)
		}
		if !strings.Contains(out.String(), "exactsim pay -entry-number") {
			t.Errorf("%v printed %q, want the commands", args, out.String())
		}
	}
}
