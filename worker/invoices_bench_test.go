package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/exactsync/exactsync/activities"
	"github.com/exactsync/exactsync/clients/exact/exacttest"
	"github.com/exactsync/exactsync/clients/odoo/odootest"
	"github.com/exactsync/exactsync/workflows"
)

// referenceSets are the Exact endpoints of the reference data an invoice mapping needs (journals, GL accounts, VAT
// codes, payment conditions, currencies, and the division's own currency); the connector caches them.
var referenceSets = []string{"financial/Journals", "financial/GLAccounts", "vat/VATCodes", "cashflow/PaymentConditions",
	"general/Currencies", "system/Divisions"}

// referenceReads counts the calls to the reference endpoints, any division.
func referenceReads(c exacttest.Counters) int {
	n := 0
	for k, v := range c.ByEndpoint {
		if f := strings.Fields(k); len(f) == 3 && slices.Contains(referenceSets, f[2]) {
			n += v
		}
	}
	return n
}

// odooCalls counts the Odoo calls but the client's dial (version, login), which a running worker makes once.
func odooCalls(c odootest.Counters) int {
	n := c.Total
	for k, v := range c.ByMethod {
		if strings.HasPrefix(k, "common.") {
			n -= v
		}
	}
	return n
}

// invoiceBench is one stack for every invoice benchmark: the seeded partners in Exact, the invoice mappings, the
// reference cache filled by a first invoice, and the detector's cursor past every move.
type invoiceBench struct {
	*volumeSetup
	// coldReferenceReads are the reference reads of the first invoice the connection ever mapped.
	coldReferenceReads int
	made               int
}

func newInvoiceBench(b *testing.B) *invoiceBench {
	b.Helper()
	ib := &invoiceBench{volumeSetup: newVolumeSetup(b)}
	ib.exact.ResetCalls()
	ib.syncDirect(ib.postInvoices(1), activities.EntryCreated)
	ib.coldReferenceReads = referenceReads(ib.exact.Calls())
	ib.settleAll()
	return ib
}

// postInvoices posts n moves of partners already in Exact, alternately a customer invoice (Odoo renders its PDF)
// and a vendor bill with the supplier's PDF, three lines each.
func (ib *invoiceBench) postInvoices(n int) []int64 {
	ib.t.Helper()
	seeded := ib.odoo.Seeded()
	var ids []int64
	for range n {
		ib.made++
		bill := ib.made%2 == 0
		kind, partner, tax := "out_invoice", ib.seededPartner("Van der Berg Installatietechniek B.V."), seeded.Taxes["sale 21%"]
		if bill {
			kind, partner, tax = "in_invoice", ib.seededPartner("Groothandel Jansen B.V."), seeded.Taxes["purchase 21%"]
		}
		var lines []any
		for j := range 3 {
			lines = append(lines, []any{0, 0, map[string]any{"name": fmt.Sprintf("Artikel %d", j+1), "quantity": float64(j + 1),
				"price_unit": 19.99 + float64(ib.made), "tax_ids": []any{[]any{6, 0, []any{tax}}}}})
		}
		vals := map[string]any{"move_type": kind, "partner_id": partner, "invoice_date": time.Now().UTC().Format(time.DateOnly), "invoice_line_ids": lines}
		ref := fmt.Sprintf("BENCH-%05d", ib.made)
		if bill {
			vals["ref"] = ref
		}
		id, err := ib.odoo.Create("account.move", vals)
		if err != nil {
			ib.t.Fatal(err)
		}
		if bill {
			if _, err := ib.odoo.Create("ir.attachment", map[string]any{"name": ref + ".pdf", "mimetype": "application/pdf", "res_model": "account.move",
				"res_id": id, "datas": base64.StdEncoding.EncodeToString(odootest.PDF("Factuur " + ref))}); err != nil {
				ib.t.Fatal(err)
			}
		}
		if _, err := ib.odoo.Call("account.move", "action_post", []any{[]any{id}}, nil); err != nil {
			ib.t.Fatal(err)
		}
		ids = append(ids, id)
	}
	ib.clock.Advance(2 * time.Second)
	return ids
}

// syncDirect starts the syncs of moves as the detector's enqueue does, and waits for them.
func (ib *invoiceBench) syncDirect(ids []int64, want string) {
	ib.t.Helper()
	for _, id := range ids {
		if err := workflows.StartInvoiceSync(context.Background(), ib.ts.Client, ib.conn, id); err != nil {
			ib.t.Fatal(err)
		}
	}
	for _, id := range ids {
		if r, err := ib.waitInvoice(id); err != nil || r.Action != want {
			ib.t.Fatalf("move %d: %+v, %v; want %s", id, r, err, want)
		}
	}
}

// settleAll runs the detector and waits for every sync it started, until one starts nothing: the partners that
// posting touched (their ranks) are synced, and the cursors are past every change.
func (ib *invoiceBench) settleAll() {
	ib.t.Helper()
	for range 3 {
		res := ib.detect()
		for _, id := range res.PartnerIDs {
			if _, err := ib.wait(id); err != nil {
				ib.t.Fatalf("partner %d: %v", id, err)
			}
		}
		for _, id := range res.MoveIDs {
			if _, err := ib.waitInvoice(id); err != nil {
				ib.t.Fatalf("move %d: %v", id, err)
			}
		}
		if res.Started == 0 {
			return
		}
		ib.clock.Advance(2 * time.Second)
	}
	ib.t.Fatal("the detector still starts syncs after three rounds")
}

// BenchmarkInvoiceSync counts, with the simulators' counters (never time), what the invoice sync costs:
//
//   - new invoice with its PDF: Exact calls per new invoice or bill of a partner already in Exact (goal 3: the
//     document, its attachment, the entry);
//   - unchanged re-detected invoice: Exact calls per invoice the detector finds changed in Odoo (a note on a posted
//     invoice) whose entry is unchanged (goal 0);
//   - reference reads: calls to Exact's journals, GL accounts, VAT codes, payment conditions and currencies per new
//     invoice once the cache is warm (goal 0), and those of the very first invoice;
//   - Odoo page of 50: Odoo calls of a detector page that holds 50 new invoices, and of those invoices' syncs, per
//     invoice; the page is read b.N times.
func BenchmarkInvoiceSync(b *testing.B) {
	ib := newInvoiceBench(b)

	b.Run("new invoice with its PDF", func(b *testing.B) {
		ib.t = b
		ids := ib.postInvoices(b.N)
		ib.exact.ResetCalls()
		b.ResetTimer()
		ib.syncDirect(ids, activities.EntryCreated)
		b.StopTimer()
		c := ib.exact.Calls()
		api := c.Division(ib.div)
		b.ReportMetric(float64(api)/float64(b.N), "exact-calls/invoice")
		b.ReportMetric(float64(c.Endpoint("POST", 0, "oauth2/token")), "token-calls")
		if api != 3*b.N {
			b.Errorf("%d new invoices cost %d Exact calls (%v), want 3 each", b.N, api, c.ByEndpoint)
		}
		ib.settleAll()
	})

	b.Run("reference reads per invoice", func(b *testing.B) {
		ib.t = b
		ids := ib.postInvoices(b.N)
		ib.exact.ResetCalls()
		b.ResetTimer()
		ib.syncDirect(ids, activities.EntryCreated)
		b.StopTimer()
		warm := referenceReads(ib.exact.Calls())
		b.ReportMetric(float64(warm)/float64(b.N), "reference-reads/invoice")
		b.ReportMetric(float64(ib.coldReferenceReads), "reference-reads-first-invoice")
		if warm != 0 {
			b.Errorf("%d invoices with a warm cache read Exact's reference data %d times (%v), want 0", b.N, warm, ib.exact.Calls().ByEndpoint)
		}
		if ib.coldReferenceReads == 0 {
			b.Error("the first invoice read no reference data: the cache was not cold, the cold figure means nothing")
		}
		ib.settleAll()
	})

	b.Run("unchanged re-detected invoice", func(b *testing.B) {
		ib.t = b
		ids := ib.postInvoices(b.N)
		ib.syncDirect(ids, activities.EntryCreated)
		ib.settleAll()
		for _, id := range ids {
			if err := ib.odoo.Write("account.move", []int64{id}, map[string]any{"narration": "Betaling graag binnen de termijn."}); err != nil {
				b.Fatal(err)
			}
		}
		ib.clock.Advance(2 * time.Second)
		ib.exact.ResetCalls()
		b.ResetTimer()
		res := ib.detect()
		for _, id := range ids {
			if r, err := ib.waitInvoice(id); err != nil || r.Action != activities.EntryUnchanged {
				b.Fatalf("move %d: %+v, %v; want unchanged", id, r, err)
			}
		}
		b.StopTimer()
		slices.Sort(res.MoveIDs)
		if !slices.Equal(res.MoveIDs, ids) || len(res.PartnerIDs) != 0 {
			b.Errorf("the detector started moves %v and partners %v, want moves %v only", res.MoveIDs, res.PartnerIDs, ids)
		}
		c := ib.exact.Calls()
		b.ReportMetric(float64(c.Total)/float64(b.N), "exact-calls/invoice")
		if c.Total != 0 {
			b.Errorf("%d unchanged re-detected invoices cost %d Exact calls (%v), want 0", b.N, c.Total, c.ByEndpoint)
		}
		ib.settleAll()
	})

	b.Run("Odoo calls per invoice in a detector page of 50", func(b *testing.B) {
		ib.t = b
		const page = 50
		ctx := context.Background()
		ids := ib.postInvoices(page)
		// The detector's page, as the worker's activity reads it, through a client of its own (dialled by the
		// first read, which is not counted).
		det := &activities.Invoices{Contacts: &activities.Contacts{Store: ib.st, Clients: activities.NewClients(ib.st, zap.NewNop())}}
		in := activities.ChangedInvoicesInput{ConnectionID: ib.conn.ID, Limit: page}
		if _, err := det.ChangedInvoices(ctx, in); err != nil {
			b.Fatal(err)
		}
		ib.odoo.ResetCalls()
		b.ResetTimer()
		var got activities.ChangedInvoices
		for range b.N {
			var err error
			if got, err = det.ChangedInvoices(ctx, in); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		pageCalls := float64(odooCalls(ib.odoo.Calls())) / float64(b.N)
		slices.Sort(got.MoveIDs)
		if !slices.Equal(got.MoveIDs, ids) {
			b.Fatalf("the page holds %v, want the %d new moves %v", got.MoveIDs, page, ids)
		}
		ib.odoo.ResetCalls()
		ib.syncDirect(got.MoveIDs, activities.EntryCreated)
		sync := ib.odoo.Calls()
		syncCalls := float64(odooCalls(sync)) / page
		b.ReportMetric(pageCalls/page+syncCalls, "odoo-calls/invoice")
		b.ReportMetric(pageCalls, "odoo-calls/detector-page")
		b.ReportMetric(syncCalls, "odoo-calls/invoice-sync")
		b.Logf("Odoo calls of %d invoice syncs: %v", page, sync.ByMethod)
		if pageCalls >= page {
			b.Errorf("a detector page of %d invoices costs %v Odoo calls: one or more per invoice", page, pageCalls)
		}
		ib.settleAll()
	})
}
