package odootest

import (
	"fmt"
	"reflect"
	"sort"
	"testing"
)

// Every call made by this package's tests checks the id order and the indexes against a
// rebuild from the records, so a path that changes an indexed field behind the index's
// back, or a rollback that forgets them, fails the test that takes it.
func init() {
	afterCall = func(s *Server) {
		if err := s.checkIndexes(); err != nil {
			panic("odootest: indexes out of date: " + err.Error())
		}
	}
}

// An indexed search returns what scanning every record returns.
func TestIndexedSearchMatchesScan(t *testing.T) {
	s := NewServer(t)
	ids := s.Seeded()
	vdb, bak := ids.Partners["Van der Berg Installatietechniek B.V."], ids.Partners["Bakkerij De Gouden Korst"]
	mv1, err := s.Create("account.move", invoiceVals(s, 1, 3))
	if err != nil {
		t.Fatal(err)
	}
	mv2, err := s.Create("account.move", invoiceVals(s, 2, 2))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Write("account.move", []int64{mv2}, map[string]any{"partner_id": vdb}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Call("account.move", "action_post", []any{[]any{mv1}}, nil); err != nil {
		t.Fatal(err)
	}
	// a failing call is rolled back: the index must follow
	if _, err := s.Create("account.move", map[string]any{"move_type": "out_invoice", "partner_id": bak,
		"invoice_line_ids": []any{[]any{0, 0, map[string]any{"name": "x", "price_unit": 1.0}}, []any{0, 0, map[string]any{"name": "y", "tax_ids": []any{[]any{6, 0, []any{999999}}}}}}}); err == nil {
		t.Fatal("create with a missing tax: got no error")
	}
	unlinked, err := s.Create("account.move", invoiceVals(s, 3, 2))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Call("account.move", "unlink", []any{[]any{unlinked}}, nil); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		model  string
		domain []any
	}{
		{"account.move.line", []any{[]any{"move_id", "=", mv1}}},
		{"account.move.line", []any{[]any{"move_id", "in", []any{mv1, mv2, unlinked, int64(999999)}}}},
		{"account.move.line", []any{[]any{"move_id", "in", []any{mv1}}, []any{"display_type", "=", "product"}}},
		{"account.move.line", []any{"&", []any{"display_type", "=", "tax"}, []any{"move_id", "=", mv2}}},
		{"account.move.line", []any{"|", []any{"move_id", "=", mv1}, []any{"move_id", "=", mv2}}},
		{"account.move.line", []any{[]any{"move_id", "=", unlinked}}},
		{"account.move.line", []any{[]any{"move_id", "!=", mv1}}},
		{"account.move.line", []any{[]any{"move_id.partner_id", "=", vdb}}},
		{"account.move", []any{[]any{"partner_id", "=", vdb}}},
		{"account.move", []any{[]any{"partner_id", "in", []any{vdb, bak}}, []any{"state", "=", "posted"}}},
		{"account.move", []any{[]any{"partner_id", "=", false}}},
		{"account.move", []any{[]any{"partner_id", "child_of", vdb}}},
		{"account.move", []any{[]any{"id", "in", []any{mv2, mv1, mv1, unlinked}}}},
		{"res.partner", []any{[]any{"parent_id", "=", vdb}}},
		{"res.partner", []any{[]any{"parent_id", "in", []any{vdb}}, []any{"active", "in", []any{true, false}}}},
		{"res.partner.bank", []any{[]any{"partner_id", "=", bak}}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s %v", tt.model, tt.domain), func(t *testing.T) {
			got, err := s.Call(tt.model, "search", []any{tt.domain}, nil)
			if err != nil {
				t.Fatal(err)
			}
			s.mu.Lock()
			m := s.models[tt.model]
			saved := m.idx
			m.idx = nil
			s.mu.Unlock()
			want, err := s.Call(tt.model, "search", []any{tt.domain}, nil)
			s.mu.Lock()
			m.idx = saved
			s.mu.Unlock()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("indexed search: got %v, want %v (scan)", got, want)
			}
		})
	}
	if got := s.models["account.move"].idx["partner_id"]; got == nil {
		t.Error("account.move.partner_id is not indexed")
	}
	if got := s.models["account.move.line"].idx["move_id"]; got == nil {
		t.Error("account.move.line.move_id is not indexed")
	}
}

type lineShape struct {
	Type    string
	Balance float64
}

// Lines created with the move, in one create, give the same move as lines created one by
// one; the computed lines (taxes, payment terms) come after the product lines.
func TestMoveLinesInOneCreateMatchLineByLine(t *testing.T) {
	s := NewServer(t)
	batch, err := s.Create("account.move", invoiceVals(s, 1, 5))
	if err != nil {
		t.Fatal(err)
	}
	vals := invoiceVals(s, 1, 5)
	cmds := vals["invoice_line_ids"].([]any)
	delete(vals, "invoice_line_ids")
	single, err := s.Create("account.move", vals)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cmds {
		lv := c.([]any)[2].(map[string]any)
		lv["move_id"] = single
		if _, err := s.Create("account.move.line", lv); err != nil {
			t.Fatal(err)
		}
	}
	shape := func(id int64) (map[string]any, []lineShape) {
		t.Helper()
		mv, err := s.Read("account.move", id)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := s.Call("account.move.line", "search_read", []any{[]any{[]any{"move_id", "=", id}}}, map[string]any{"fields": []any{"display_type", "balance"}, "order": "id"})
		if err != nil {
			t.Fatal(err)
		}
		var lines []lineShape
		for _, r := range rows.([]any) {
			row := r.(map[string]any)
			lines = append(lines, lineShape{row["display_type"].(string), row["balance"].(float64)})
		}
		return mv, lines
	}
	bm, bl := shape(batch)
	sm, sl := shape(single)
	for _, k := range []string{"amount_untaxed", "amount_tax", "amount_total", "amount_residual", "invoice_date_due"} {
		if bm[k] != sm[k] {
			t.Errorf("%s: got %v in one create, want %v (line by line)", k, bm[k], sm[k])
		}
	}
	if len(bl) != 7 {
		t.Fatalf("lines: got %d, want 7 (5 products, 1 tax, 1 payment term): %v", len(bl), bl)
	}
	for i, l := range bl[:5] {
		if l.Type != "product" {
			t.Errorf("line %d: got %s, want the product lines first", i, l.Type)
		}
	}
	bySort := func(ls []lineShape) []lineShape {
		out := append([]lineShape(nil), ls...)
		sort.Slice(out, func(i, j int) bool {
			if out[i].Type != out[j].Type {
				return out[i].Type < out[j].Type
			}
			return out[i].Balance < out[j].Balance
		})
		return out
	}
	if got, want := bySort(bl), bySort(sl); !reflect.DeepEqual(got, want) {
		t.Errorf("lines: got %v in one create, want %v (line by line)", got, want)
	}
}

// invoiceVals is a customer invoice with n product lines given as x2many create commands.
func invoiceVals(s *Server, i, n int) map[string]any {
	ids := s.Seeded()
	tax := ids.Taxes["sale 21%"]
	cmds := make([]any, 0, n)
	for j := range n {
		cmds = append(cmds, []any{0, 0, map[string]any{"name": fmt.Sprintf("Artikel %d-%d", i, j),
			"quantity": float64(1 + j%7), "price_unit": 3.35 + float64(j%13)*1.1, "tax_ids": []any{[]any{6, 0, []any{tax}}}}})
	}
	return map[string]any{"move_type": "out_invoice", "partner_id": ids.Partners["Bakkerij De Gouden Korst"],
		"invoice_date": "2026-01-15", "invoice_line_ids": cmds}
}

// BenchmarkCreatePostInvoice creates and posts one customer invoice of 200
// lines per op through the direct API (create with x2many commands, then
// action_post). The simulator is replaced every 20 invoices, outside the
// timer, so ns/op is the cost of one invoice in a database of bounded size
// (it includes the two per-call snapshots that make each call a transaction,
// the only cost left that grows with the database).
func BenchmarkCreatePostInvoice(b *testing.B) {
	for _, lines := range []int{20, 200} {
		b.Run(fmt.Sprintf("lines=%d", lines), func(b *testing.B) {
			const perServer = 20
			check := afterCall
			afterCall = nil // the checks rebuild every index after each call
			defer func() { afterCall = check }()
			var s *Server
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if i%perServer == 0 {
					b.StopTimer()
					if s != nil {
						s.Close()
					}
					s = New(Options{Seed: true})
					b.StartTimer()
				}
				id, err := s.Create("account.move", invoiceVals(s, i, lines))
				if err != nil {
					b.Fatal(err)
				}
				if _, err := s.Call("account.move", "action_post", []any{[]any{id}}, nil); err != nil {
					b.Fatal(err)
				}
				i++
			}
			if s != nil {
				s.Close()
			}
		})
	}
}
