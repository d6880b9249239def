//go:build conformance

package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"go.temporal.io/sdk/client"

	"github.com/exactsync/exactsync/activities"
	"github.com/exactsync/exactsync/clients/exact/exacttest"
	"github.com/exactsync/exactsync/clients/odoo"
	"github.com/exactsync/exactsync/store"
	"github.com/exactsync/exactsync/workflows"
)

// The invoice flow against a real Odoo (make conformance): its posted invoices, bills and credit notes of the
// from-date on reach the Exact simulator once each, with Odoo's own PDF (rendered by the real Odoo) or the bill's
// attachment, and Exact's totals equal Odoo's to the cent; what cannot go (a tax without a mapping) stops with a
// bilingual data error, never a connector error; a second detection starts nothing (the write-backs are the
// connector's own).
func TestConformanceInvoicesOnRealOdoo(t *testing.T) {
	cfg := realOdooConfig(t)
	ctx := context.Background()
	oc, err := odoo.Dial(ctx, cfg)
	if err != nil {
		t.Fatalf("dial the real Odoo: %v", err)
	}
	r := newRealStack(t, cfg, oc)
	// The demo company's 15 % taxes, as an accountant would add them in Exact.
	for _, v := range []struct{ code, side string }{{"15", "S"}, {"P15", "P"}} {
		if err := r.ex.AddVATCode(r.div, v.code, "15% "+v.side, decimal.RequireFromString("0.15"), v.side, false); err != nil {
			t.Fatal(err)
		}
	}
	save := func(kind string, id int64, name, code string) {
		t.Helper()
		if err := r.st.SaveMapping(ctx, r.conn.ID, store.Mapping{Kind: kind, OdooID: id, OdooName: name, ExactCode: code}); err != nil {
			t.Fatal(err)
		}
	}
	journals, err := oc.Journals(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range journals {
		switch j.Type {
		case "sale":
			save(store.MapJournal, j.ID, j.Name, "70")
		case "purchase":
			save(store.MapJournal, j.ID, j.Name, "60")
		}
	}
	taxes, err := oc.Taxes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mappedTax := map[int64]bool{}
	for _, tax := range taxes {
		if tax.AmountType == "percent" && tax.Amount.Equal(decimal.NewFromInt(15)) && !tax.PriceInclude {
			mappedTax[tax.ID] = true
			save(store.MapTax, tax.ID, tax.Name, map[string]string{"sale": "15", "purchase": "P15"}[tax.TypeTaxUse])
		}
	}
	save(store.MapTax, 0, "no tax", "0")
	accounts, err := oc.Accounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range accounts {
		switch {
		case strings.HasPrefix(a.AccountType, "income"):
			save(store.MapAccount, a.ID, a.Name, "8000")
		case strings.HasPrefix(a.AccountType, "expense"):
			save(store.MapAccount, a.ID, a.Name, "7000")
		}
	}
	from := time.Now().AddDate(0, -1, 0)
	if err := r.st.SetInvoicesFrom(ctx, r.conn.ID, from); err != nil {
		t.Fatal(err)
	}
	conn, err := r.st.Connection(ctx, "real")
	if err != nil {
		t.Fatal(err)
	}
	startWorker(t, r.ts, r.dbURL, map[string]string{"EXACTSYNC_SECRET_KEY": r.key})

	detect := func() workflows.DetectResult { return detectOnce(t, r.ts.Client, conn) }
	res := detect()
	if len(res.MoveIDs) == 0 {
		t.Fatal("the detector found no invoice in the real Odoo")
	}
	type result struct {
		out workflows.InvoiceResult
		err error
	}
	results := map[int64]result{}
	for _, id := range res.MoveIDs {
		var out workflows.InvoiceResult
		err := workflows.AwaitSync(ctx, r.ts.Client, workflows.InvoiceWorkflowID(conn.Name, id), &out)
		results[id] = result{out, err}
	}
	batch, err := oc.Moves(ctx, res.MoveIDs)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int64]odoo.Move{}
	for _, mv := range batch.Moves {
		byID[mv.ID] = mv
	}
	entries := func() map[string]map[string]any {
		out := map[string]map[string]any{}
		for _, set := range []string{"salesentry/SalesEntries", "purchaseentry/PurchaseEntries"} {
			for _, e := range r.ex.Entities(r.div, set) {
				out[fmt.Sprint(e["EntryID"])] = e
			}
		}
		return out
	}
	kinds := map[string]int{}
	synced, failed := 0, 0
	for _, id := range res.MoveIDs {
		out, err := results[id].out, results[id].err
		mv := byID[id]
		switch {
		case err != nil:
			failed++
			msg := err.Error()
			if strings.Contains(msg, activities.ErrTypeConnector) || strings.Contains(msg, "bug in exactsync") || !strings.Contains(msg, "Oplossing") {
				t.Errorf("%s failed, not with a bilingual data error: %s", mv.Name, msg)
			}
			t.Logf("%s stopped with a data error: %.240s", mv.Name, msg)
		case out.State == workflows.StateSynced:
			synced++
			e := entries()[out.EntryID]
			want := mv.AmountTotal
			if mv.MoveType == odoo.MoveOutRefund || mv.MoveType == odoo.MoveInRefund {
				want = want.Neg()
			}
			if e == nil {
				t.Errorf("%s: entry %s not in Exact", mv.Name, out.EntryID)
				continue
			}
			if got := decimal.RequireFromString(fmt.Sprint(e["AmountFC"])); !got.Equal(want) {
				t.Errorf("%s: Exact total %s, Odoo's %s", mv.Name, got, want)
			}
			if mv.IsInvoice() && out.DocumentID == "" {
				t.Errorf("%s: no PDF in Exact (notes %v)", mv.Name, out.Notes)
			}
			if out.DocumentID != "" {
				kinds[mv.MoveType+" with PDF"]++
			}
			kinds[mv.MoveType]++
		}
	}
	t.Logf("invoices: %d synced %v, %d stopped by data errors", synced, kinds, failed)
	for _, k := range []string{odoo.MoveOutInvoice + " with PDF", odoo.MoveOutRefund + " with PDF", odoo.MoveInInvoice} {
		if kinds[k] == 0 {
			t.Errorf("no %s reached Exact", k)
		}
	}
	// The connector's own write-backs are no change: once Odoo's clock is past them, a detection starts nothing.
	eventually(t, 30*time.Second, "the detector stops finding the synced invoices", func() bool { return len(detect().MoveIDs) == 0 })
	t.Log("second detection: no invoice sync started")

	// A person fixes a stopped invoice in the real Odoo (back to draft, one tax left on the line, posted again):
	// the next detection wakes the run that waits, and that same run sends the invoice to Exact.
	// The one to fix: an invoice waiting on a line with two taxes, one of them mapped (the Odoo scenario posts
	// such invoices); keeping the mapped tax alone is the fix the reason asks for.
	var fixID int64
	var stop *workflows.StoppedError
	var fix []any
	for _, id := range res.MoveIDs {
		var st *workflows.StoppedError
		if !errors.As(results[id].err, &st) || !strings.Contains(st.Stop.Reason, "carries 2 taxes") {
			continue
		}
		var lines []any
		for _, l := range byID[id].InvoiceLines {
			if len(l.TaxIDs) < 2 {
				continue
			}
			keep := slices.DeleteFunc(slices.Clone(l.TaxIDs), func(id int64) bool { return !mappedTax[id] })
			if len(keep) != 1 {
				lines = nil
				break
			}
			lines = append(lines, []any{1, l.ID, map[string]any{"tax_ids": []any{[]any{6, 0, keep}}}})
		}
		if len(lines) > 0 {
			fixID, stop, fix = id, st, lines
			break
		}
	}
	if fixID == 0 {
		t.Fatal("no invoice of the real Odoo waits on a line with two taxes, one of them mapped (the Odoo scenario posts such invoices)")
	}
	if err := oc.ResetMovesToDraft(ctx, []int64{fixID}); err != nil {
		t.Fatal(err)
	}
	if err := oc.WriteFields(ctx, "account.move", fixID, map[string]any{"invoice_line_ids": fix}); err != nil {
		t.Fatal(err)
	}
	if err := oc.PostMoves(ctx, []int64{fixID}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, "the detector finds the fixed invoice", func() bool { return slices.Contains(detect().MoveIDs, fixID) })
	wid := workflows.InvoiceWorkflowID(conn.Name, fixID)
	var fixed workflows.InvoiceResult
	if err := workflows.AwaitSync(ctx, r.ts.Client, wid, &fixed); err != nil || fixed.State != workflows.StateSynced {
		t.Fatalf("%s after the fix in Odoo: %+v, %v; want it synced", byID[fixID].Name, fixed, err)
	}
	now, err := workflows.DescribeSync(ctx, r.ts.Client, wid)
	if err != nil {
		t.Fatal(err)
	}
	if now.RunID != stop.RunID {
		t.Errorf("the fixed invoice synced in run %s, want the run that waited (%s)", now.RunID, stop.RunID)
	}
	after, err := oc.Moves(ctx, []int64{fixID})
	if err != nil || len(after.Moves) != 1 {
		t.Fatalf("read the fixed invoice back: %v", err)
	}
	if e := entries()[fixed.EntryID]; e == nil {
		t.Errorf("%s: entry %s not in Exact", after.Moves[0].Name, fixed.EntryID)
	} else if got := decimal.RequireFromString(fmt.Sprint(e["AmountFC"])); !got.Equal(after.Moves[0].AmountTotal) {
		t.Errorf("%s: Exact total %s, Odoo's after the fix %s", after.Moves[0].Name, got, after.Moves[0].AmountTotal)
	}
	t.Logf("fix in Odoo: %s waited in run %s; reset to draft, one tax per line, posted again: the same run sent it (entry %s, %s)",
		after.Moves[0].Name, stop.RunID, fixed.EntryID, after.Moves[0].AmountTotal)

	// Payments the other way: in Exact one invoice paid in full, one in part, one paid and the match undone;
	// after one pull the real Odoo's residuals equal Exact's open amounts (in the invoices' currency, USD).
	var open []int64
	for _, id := range res.MoveIDs {
		if mv := byID[id]; mv.MoveType == odoo.MoveOutInvoice && mv.PaymentState == "not_paid" && results[id].err == nil && results[id].out.State == workflows.StateSynced {
			open = append(open, id)
		}
	}
	if len(open) < 3 {
		t.Fatalf("%d open synced invoices in the real Odoo, want 3 to pay", len(open))
	}
	for _, j := range journals {
		if j.Type == "bank" {
			save(store.MapBankJournal, j.ID, j.Name, "20")
			break
		}
	}
	watched := slices.Clone(open[:3]) // the invoices whose payment syncs must not fail
	pull := func() {
		t.Helper()
		run, err := r.ts.Client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: fmt.Sprintf("pull-conformance-%d", time.Now().UnixNano()),
			TaskQueue: workflows.TaskQueue}, workflows.PullPayments, workflows.PullInput{Connection: conn.Name, ConnectionID: conn.ID})
		if err != nil {
			t.Fatal(err)
		}
		var pr workflows.PullResult
		if err := run.Get(ctx, &pr); err != nil {
			t.Fatalf("PullPayments: %v", err)
		}
		for _, id := range pr.MoveIDs {
			var out workflows.PaymentResult
			if err := workflows.AwaitSync(ctx, r.ts.Client, workflows.PaymentWorkflowID(conn.Name, id), &out); err != nil && slices.Contains(watched, id) {
				t.Errorf("payment sync of %s: %v", byID[id].Name, err)
			}
		}
	}
	pull()
	full, part, undone := open[0], open[1], open[2]
	entryOf := func(id int64) string { return results[id].out.EntryID }
	half := byID[part].AmountTotal.Div(decimal.NewFromInt(2)).Round(2)
	for _, m := range []exacttest.Match{{EntryID: entryOf(full)}, {EntryID: entryOf(part), AmountFC: half}, {EntryID: entryOf(undone)}} {
		if _, err := r.ex.ProcessBankStatement(r.div, time.Now(), []exacttest.Match{m}); err != nil {
			t.Fatal(err)
		}
	}
	pull()
	if err := r.ex.UndoMatch(r.div, entryOf(undone)); err != nil {
		t.Fatal(err)
	}
	pull()
	mps, err := oc.InvoicePayments(ctx, []int64{full, part, undone})
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]decimal.Decimal{full: decimal.Zero, part: byID[part].AmountTotal.Sub(half), undone: byID[undone].AmountTotal}
	for _, mp := range mps {
		if !mp.AmountResidual.Equal(want[mp.Move.ID]) {
			t.Errorf("%s: residual in the real Odoo %s %s, Exact's open amount %s (payment state %s)", mp.Move.Name, mp.AmountResidual, mp.Currency.Name, want[mp.Move.ID], mp.PaymentState)
		}
	}
	t.Logf("payments: %s paid in full, %s in part (%s of %s), %s paid and undone: the real Odoo's residuals equal Exact's open amounts",
		byID[full].Name, byID[part].Name, half, byID[part].AmountTotal, byID[undone].Name)

	// Analytic accounting and a credit note: a new invoice with a line on an analytic account mapped to cost centre
	// 100 reaches Exact with it; its credit note matched in Exact is reconciled in the real Odoo, and taken back
	// when the match is undone.
	analytic, err := oc.AnalyticAccounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var centre odoo.AnalyticAccount
	for _, a := range analytic {
		if a.Active && centre.ID == 0 {
			centre = a
		}
	}
	if centre.ID == 0 {
		t.Fatal("the real Odoo has no active analytic account (Odoo's demo data has some)")
	}
	save(store.MapAnalytic, centre.ID, centre.Name, "100")
	var income, sale15 int64
	for _, a := range accounts {
		if a.AccountType == "income" && income == 0 {
			income = a.ID
		}
	}
	for _, tax := range taxes {
		if tax.TypeTaxUse == "sale" && tax.AmountType == "percent" && tax.Amount.Equal(decimal.NewFromInt(15)) && !tax.PriceInclude && sale15 == 0 {
			sale15 = tax.ID
		}
	}
	partner := byID[open[0]].CommercialPartner.ID
	post := func(moveType string, price float64, dist map[string]any) int64 {
		t.Helper()
		line := map[string]any{"name": "exactsync conformance " + moveType, "quantity": 1.0, "price_unit": price, "account_id": income,
			"tax_ids": []any{[]any{6, 0, []int64{sale15}}}}
		if dist != nil {
			line["analytic_distribution"] = dist
		}
		id, err := oc.Create(ctx, "account.move", map[string]any{"move_type": moveType, "partner_id": partner,
			"invoice_date": time.Now().Format(time.DateOnly), "invoice_line_ids": []any{[]any{0, 0, line}}})
		if err != nil {
			t.Fatal(err)
		}
		if err := oc.PostMoves(ctx, []int64{id}); err != nil {
			t.Fatal(err)
		}
		if err := workflows.StartInvoiceSync(ctx, r.ts.Client, conn, id); err != nil {
			t.Fatal(err)
		}
		var out workflows.InvoiceResult
		if err := workflows.AwaitSync(ctx, r.ts.Client, workflows.InvoiceWorkflowID(conn.Name, id), &out); err != nil || out.EntryID == "" {
			t.Fatalf("sync of the new %s: %+v, %v", moveType, out, err)
		}
		results[id] = result{out, nil}
		return id
	}
	inv := post(odoo.MoveOutInvoice, 100, map[string]any{fmt.Sprint(centre.ID): 100.0})
	refund := post(odoo.MoveOutRefund, 40, nil)
	centres := 0
	for _, l := range r.ex.Entities(r.div, "salesentry/SalesEntryLines") {
		if l["EntryID"] == entryOf(inv) {
			if l["CostCenter"] != "100" {
				t.Errorf("Exact line %v of the analytic invoice: cost centre %v, want 100", l["Description"], l["CostCenter"])
			}
			centres++
		}
	}
	if centres == 0 {
		t.Error("the analytic invoice has no line in Exact")
	}
	if _, err := r.ex.MatchCreditNote(r.div, entryOf(inv), entryOf(refund)); err != nil {
		t.Fatal(err)
	}
	watched = append(watched, inv, refund)
	pull()
	totals, err := oc.Moves(ctx, []int64{inv, refund})
	if err != nil {
		t.Fatal(err)
	}
	invTotal, refundTotal := totals.Moves[0].AmountTotal, totals.Moves[1].AmountTotal
	residuals := func(when string, wantInv, wantRefund decimal.Decimal) {
		t.Helper()
		mps, err := oc.InvoicePayments(ctx, []int64{inv, refund})
		if err != nil {
			t.Fatal(err)
		}
		if !mps[0].AmountResidual.Equal(wantInv) || !mps[1].AmountResidual.Equal(wantRefund) {
			t.Errorf("%s: residuals in the real Odoo %s and %s (%s, %s), want %s and %s", when, mps[0].AmountResidual, mps[1].AmountResidual,
				mps[0].PaymentState, mps[1].PaymentState, wantInv, wantRefund)
		}
	}
	residuals("credit note matched in Exact", invTotal.Sub(refundTotal), decimal.Zero)
	if err := r.ex.UndoMatch(r.div, entryOf(inv)); err != nil {
		t.Fatal(err)
	}
	pull()
	residuals("the match undone in Exact", invTotal, refundTotal)
	t.Logf("analytic: %s reached Exact on cost centre 100 (Odoo analytic account %q); its credit note reconciled and taken back in the real Odoo",
		totals.Moves[0].Name, centre.Name)
}
