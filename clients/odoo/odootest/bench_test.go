package odootest

import (
	"fmt"
	"testing"
)

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
// action_post). The simulator is replaced every 50 invoices, outside the
// timer, so ns/op is the cost of one invoice in a database of bounded size:
// it must not grow with the number of lines already stored elsewhere.
func BenchmarkCreatePostInvoice(b *testing.B) {
	for _, lines := range []int{20, 200} {
		b.Run(fmt.Sprintf("lines=%d", lines), func(b *testing.B) {
			const perServer = 50
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
