package main

import (
	"context"
	"testing"
	"time"

	"github.com/exactsync/exactsync/clients/exact/exacttest"
	"github.com/exactsync/exactsync/store"
)

// BenchmarkPaymentPull counts, with the simulators' counters, what the payment pull costs: Exact calls of a pull
// when nothing changed (sync/Cashflow/PaymentTerms: 1; sync/Deleted is read with changes, and hourly), Exact calls
// of a pull after b.N invoices were paid in Exact (their terms and the bank terms, and sync/Deleted: 2 while fewer
// than 1,000 terms changed), and Odoo calls per registered payment (the invoice's payments read, the wizard's
// create and action_create_payments).
func BenchmarkPaymentPull(b *testing.B) {
	s := newStack(b)
	s.mapInvoices()
	ctx := context.Background()
	seeded := s.odoo.Seeded()
	if err := s.st.SaveMapping(ctx, s.conn.ID, store.Mapping{Kind: store.MapBankJournal, OdooID: seeded.Journals["BNK1"], ExactCode: "20"}); err != nil {
		b.Fatal(err)
	}
	customer := seeded.Partners["Bakkerij De Gouden Korst"]
	ids := make([]int64, b.N)
	for i := range ids {
		ids[i] = s.postInvoice("out_invoice", customer, float64(10+i), seeded.Taxes["sale 21%"], "")
	}
	s.clock.Advance(2 * time.Second)
	s.detect()
	entries := make([]string, b.N)
	for i, id := range ids {
		r, err := s.waitInvoice(id)
		if err != nil {
			b.Fatal(err)
		}
		entries[i] = r.EntryID
	}
	s.pull()
	s.exact.ResetCalls()
	s.pull()
	quiet := s.exact.Calls().Division(s.div)

	for _, e := range entries {
		if _, err := s.exact.ProcessBankStatement(s.div, time.Now(), []exacttest.Match{{EntryID: e}}); err != nil {
			b.Fatal(err)
		}
	}
	s.exact.ResetCalls()
	s.odoo.ResetCalls()
	b.ResetTimer()
	res, failed := s.pull()
	b.StopTimer()
	for id, err := range failed {
		b.Errorf("payment sync of %d: %v", id, err)
	}
	b.ReportMetric(float64(quiet), "exact-calls/quiet-pull")
	b.ReportMetric(float64(s.exact.Calls().Division(s.div)), "exact-calls/pull-of-N-payments")
	odooCalls := 0
	for _, n := range s.odoo.Calls().ByMethod {
		odooCalls += n
	}
	b.ReportMetric(float64(odooCalls)/float64(b.N), "odoo-calls/payment")
	if quiet != 1 {
		b.Errorf("a quiet pull made %d Exact calls, want 1", quiet)
	}
	if len(res.MoveIDs) < b.N {
		b.Errorf("the pull started %d payment syncs, want %d", len(res.MoveIDs), b.N)
	}
}
