package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/exactsync/exactsync/activities"
	"github.com/exactsync/exactsync/workflows"
)

// Exact blocks an app after 10 refused calls per endpoint per hour: data Exact refused is not sent again while it
// is the same (a retry, a webhook and a poll of an unfixed record cost no Exact call); a changed partner is sent;
// `retry --force` sends it anyway; once Exact takes it, the refusal is forgotten.
func TestRefusedDataIsNotSentAgainUnchanged(t *testing.T) {
	s := newStack(t)
	ctx := context.Background()
	zz, err := s.odoo.Create("res.country", map[string]any{"code": "ZZ", "name": "Nergensland"})
	if err != nil {
		t.Fatal(err)
	}
	id, err := s.odoo.Create("res.partner", map[string]any{"name": "Nergens BV", "is_company": true, "customer_rank": 1, "country_id": zz})
	if err != nil {
		t.Fatal(err)
	}
	posts := func() int { return s.exact.Calls().ByEndpoint[fmt.Sprintf("POST %d crm/Accounts", s.div)] }
	sync := func(start func(context.Context, *stack, int64) error) error {
		t.Helper()
		if err := start(ctx, s, id); err != nil {
			t.Fatal(err)
		}
		_, err := s.wait(id)
		return err
	}
	plain := func(ctx context.Context, s *stack, id int64) error {
		return workflows.StartContactSync(ctx, s.ts.Client, s.conn, id)
	}
	force := func(ctx context.Context, s *stack, id int64) error {
		return workflows.ForceContactSync(ctx, s.ts.Client, s.conn, id)
	}
	dataError := func(err error, want string) {
		t.Helper()
		var app *temporal.ApplicationError
		if !errors.As(err, &app) || app.Type() != activities.ErrTypeData || !strings.Contains(app.Error(), want) {
			t.Fatalf("err = %v, want a DataError saying %q", err, want)
		}
	}

	before := posts()
	dataError(sync(plain), "Land")
	if got := posts() - before; got != 1 {
		t.Fatalf("first sync: %d POSTs, want 1 (refused)", got)
	}
	for range 2 { // a retry and a poll of the unfixed partner
		dataError(sync(plain), "starter retry --force")
	}
	if got := posts() - before; got != 1 {
		t.Errorf("unchanged data sent again: %d POSTs, want still 1", got)
	}
	dataError(sync(force), "Land")
	if got := posts() - before; got != 2 {
		t.Errorf("retry --force: %d POSTs, want 2", got)
	}
	if err := s.odoo.Write("res.partner", []int64{id}, map[string]any{"phone": "+31 20 000 0000"}); err != nil {
		t.Fatal(err)
	}
	s.clock.Advance(2 * time.Second)
	dataError(sync(plain), "Land") // changed, so sent (and refused again: the country is still unknown to Exact)
	if got := posts() - before; got != 3 {
		t.Errorf("a changed partner: %d POSTs, want 3", got)
	}
	if err := s.odoo.Write("res.partner", []int64{id}, map[string]any{"country_id": s.odoo.Seeded().Countries["NL"]}); err != nil {
		t.Fatal(err)
	}
	if err := sync(plain); err != nil {
		t.Fatalf("after the fix: %v", err)
	}
	if _, err := s.st.Refusal(ctx, s.conn.ID, activities.ModelPartner, id); err == nil {
		t.Error("the refusal is still stored after Exact took the data")
	}
	if accs := s.accountsNamed("Nergens BV"); len(accs) != 1 {
		t.Errorf("%d accounts, want 1", len(accs))
	}
}
