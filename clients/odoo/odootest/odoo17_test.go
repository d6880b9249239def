package odootest

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// The tests in this file pin behaviours recorded from a real Odoo 17 (testdata/odoo17, replayed by
// clients/odoo/conformance) where the simulator used to be more lenient.

// TestCreateTakesValsListPositionally: over XML-RPC, create reads its records from args[0].
func TestCreateTakesValsListPositionally(t *testing.T) {
	s := NewServer(t)
	r := newRPC(t, s)
	count := func() int64 { return r.must("res.partner", "search_count", []any{[]any{}}, nil).(int64) }
	before := count()

	_, err := r.call("res.partner", "create", nil, map[string]any{"vals_list": []any{map[string]any{"name": "Named"}}})
	f := faultOf(t, err)
	if f.Code != 1 || !strings.HasSuffix(strings.TrimSpace(f.String), "IndexError: tuple index out of range") {
		t.Errorf("create with vals_list by keyword: fault %d %q, want 1 ending in IndexError: tuple index out of range", f.Code, f.String)
	}
	if got := count(); got != before {
		t.Errorf("partners after the refused create = %d, want %d", got, before)
	}

	if id, ok := r.must("res.partner", "create", []any{map[string]any{"name": "One"}}, nil).(int64); !ok || id <= 0 {
		t.Errorf("create([vals]) = %v, want one id", id)
	}
	ids, ok := r.must("res.partner", "create", []any{[]any{map[string]any{"name": "Two"}, map[string]any{"name": "Three"}}}, nil).([]any)
	if !ok || len(ids) != 2 {
		t.Errorf("create([[vals, vals]]) = %v, want a list of two ids", ids)
	}
	if got := count(); got != before+3 {
		t.Errorf("partners = %d, want %d", got, before+3)
	}

	s19 := NewServer(t, func(o *Options) { o.Version = 19 })
	for _, vals := range []any{[]any{map[string]any{"name": "Listed"}}, map[string]any{"name": "Single"}} {
		code, body := postJSON2(t, s19, "/json/2/res.partner/create", s19.APIKey(), map[string]any{"vals_list": vals})
		if list, ok := body.([]any); code != 200 || !ok || len(list) != 1 {
			t.Errorf("JSON-2 create with vals_list %v = %d %v, want 200 and a list of one id", vals, code, body)
		}
	}
}

// TestNoneOverJSON2IsNull: a method returning None answers null over JSON-2 and its change stays.
func TestNoneOverJSON2IsNull(t *testing.T) {
	s := NewServer(t, func(o *Options) { o.Version = 19 })
	r := newRPC(t, s)
	id := newInvoice(t, r, s, "out_invoice", 1, 100)
	r.must("account.move", "action_post", []any{[]any{id}}, nil)
	code, body := postJSON2(t, s, "/json/2/account.move/button_cancel", s.APIKey(), map[string]any{"ids": []any{id}})
	if code != 200 || body != nil {
		t.Errorf("button_cancel over JSON-2 = %d %v, want 200 null", code, body)
	}
	if got := r.readOne("account.move", id, "state", "posted_before"); got["state"] != "cancel" || got["posted_before"] != true {
		t.Errorf("after button_cancel = %v, want cancel, posted_before", got)
	}
}

// TestButtonDraftUnreconcilesAPaidInvoice: resetting a paid invoice keeps its name and brings the
// residual back to the total (up to 18); over XML-RPC the None answer is the marshal fault, after the commit.
func TestButtonDraftUnreconcilesAPaidInvoice(t *testing.T) {
	for _, v := range []int{17, 18, 19} {
		t.Run(fmt.Sprint(v), func(t *testing.T) { testButtonDraftOnAPaidInvoice(t, v) })
	}
}

// testButtonDraftOnAPaidInvoice: 17 and 18 un-reconcile the payment on button_draft (the whole amount is due
// again); 19 keeps it (nothing due), and only button_cancel un-reconciles.
func testButtonDraftOnAPaidInvoice(t *testing.T, version int) {
	s := NewServer(t, func(o *Options) { o.Version = version })
	r := newRPC(t, s)
	id := newInvoice(t, r, s, "out_invoice", 1, 100)
	r.must("account.move", "action_post", []any{[]any{id}}, nil)
	posted := r.readOne("account.move", id, "name", "amount_total")
	ctx := map[string]any{"active_model": "account.move", "active_ids": []any{id}, "active_id": id}
	wiz := r.must("account.payment.register", "create", []any{map[string]any{"amount": posted["amount_total"], "payment_date": s.today(), "journal_id": s.Seeded().Journals["BNK1"]}}, map[string]any{"context": ctx}).(int64)
	r.must("account.payment.register", "action_create_payments", []any{[]any{wiz}}, map[string]any{"context": ctx})
	if got := r.readOne("account.move", id, "payment_state"); got["payment_state"] != "paid" {
		t.Fatalf("after the payment: %v, want paid", got)
	}
	ours := r.must("account.payment", "search", []any{[]any{[]any{"reconciled_invoice_ids", "in", []any{id}}}}, nil).([]any)
	if len(ours) != 1 {
		t.Fatalf("payments of the invoice: %v, want 1", ours)
	}
	_, err := r.call("account.move", "button_draft", []any{[]any{id}}, nil)
	wantNoneFault(t, err)
	got := r.readOne("account.move", id, "name", "state", "amount_residual", "payment_state")
	// 19 computes the payment state of a draft invoice too (_invoice_qualifies): still paid.
	wantResidual, wantState := posted["amount_total"], "not_paid"
	if version >= 19 {
		wantResidual, wantState = 0.0, "paid"
	}
	if got["name"] != posted["name"] || got["state"] != "draft" || got["amount_residual"] != wantResidual || got["payment_state"] != wantState {
		t.Errorf("after button_draft = %v, want draft %v with residual %v, %s", got, posted["name"], wantResidual, wantState)
	}
	_, err = r.call("account.move", "button_cancel", []any{[]any{id}}, nil)
	wantNoneFault(t, err)
	// A cancelled invoice keeps its residual (real 17 shows the total), and is not_paid.
	if got := r.readOne("account.move", id, "state", "amount_residual", "payment_state"); got["state"] != "cancel" || got["amount_residual"] != posted["amount_total"] || got["payment_state"] != "not_paid" {
		t.Errorf("after button_cancel = %v, want cancel with residual %v, not_paid", got, posted["amount_total"])
	}
	if p := r.readOne("account.payment", ours[0].(int64), "is_reconciled"); p["is_reconciled"] != false {
		t.Errorf("after button_cancel the payment is still reconciled: %v", p)
	}
}

// TestParallelCustomFieldCreates: of several creates of the same ir.model.fields at once, one wins
// and the others answer fault 2 "... Field names must be unique per model.".
func TestParallelCustomFieldCreates(t *testing.T) {
	s := NewServer(t)
	model := newRPC(t, s).must("ir.model", "search", []any{[]any{[]any{"model", "=", "res.partner"}}}, nil).([]any)[0]
	vals := map[string]any{"name": "x_parallel", "model_id": model, "ttype": "char", "field_description": "Parallel"}
	const n = 5
	var wg sync.WaitGroup
	results := make([]any, n)
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		r := newRPC(t, s)
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results[i], errs[i] = r.call("ir.model.fields", "create", []any{vals}, nil)
		}(i)
	}
	wg.Wait()
	won := 0
	for i, err := range errs {
		if err == nil {
			won++
			continue
		}
		if f := faultOf(t, err); f.Code != 2 || f.String != "The operation cannot be completed: Field names must be unique per model." {
			t.Errorf("create %d: fault %d %q", i, f.Code, f.String)
		}
	}
	if won != 1 {
		t.Errorf("%d of %d parallel creates succeeded, want 1", won, n)
	}
	fields := newRPC(t, s).must("ir.model.fields", "search_count", []any{[]any{[]any{"model", "=", "res.partner"}, []any{"name", "=", "x_parallel"}}}, nil)
	if fields != int64(1) {
		t.Errorf("fields named x_parallel = %v, want 1", fields)
	}
}

// TestInPaymentWithTheAccountingApp: Community (real 17 as recorded) says paid as soon as payments cover the
// invoice; with Enterprise's Accounting app, payments whose liquidity line sits unmatched on the outstanding account
// leave it in_payment; a payment on the journal's own account counts as matched.
func TestInPaymentWithTheAccountingApp(t *testing.T) {
	for _, tc := range []struct {
		name       string
		accounting bool
		direct     bool // the company has no outstanding accounts: the payment hits the bank account itself
		want       string
	}{
		{"community", false, false, "paid"},
		{"accounting app", true, false, "in_payment"},
		{"accounting app, bank account", true, true, "paid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := NewServer(t, func(o *Options) { o.AccountingApp = tc.accounting })
			r := newRPC(t, s)
			if tc.direct {
				r.must("res.company", "write", []any{[]any{s.CompanyID()}, map[string]any{"account_journal_payment_debit_account_id": false}}, nil)
			}
			id := newInvoice(t, r, s, "out_invoice", 1, 100)
			r.must("account.move", "action_post", []any{[]any{id}}, nil)
			ctx := map[string]any{"context": map[string]any{"active_model": "account.move", "active_ids": []any{id}}}
			wiz := r.must("account.payment.register", "create", []any{map[string]any{"journal_id": s.Seeded().Journals["BNK1"]}}, ctx)
			r.must("account.payment.register", "action_create_payments", []any{[]any{wiz}}, ctx)
			if got := r.readOne("account.move", id, "payment_state")["payment_state"]; got != tc.want {
				t.Errorf("payment_state: got %v, want %s", got, tc.want)
			}
		})
	}
}
