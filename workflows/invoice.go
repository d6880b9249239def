package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/exactsync/exactsync/activities"
)

// SignalMoveChanged tells a running invoice sync that its move changed again; the run makes one more pass.
const SignalMoveChanged = "move-changed"

// maxInvoicePasses bounds the passes of one run; a move changed without pause continues as new.
const maxInvoicePasses = 10

// InvoiceInput names the move to sync.
type InvoiceInput struct {
	Connection   string
	ConnectionID int64
	Division     int
	MoveID       int64
}

// InvoiceResult is the outcome of an invoice sync.
type InvoiceResult struct {
	State       string // synced or skipped
	Reason      string `json:",omitempty"` // why it was skipped
	Action      string `json:",omitempty"` // created, found, updated or unchanged
	MoveName    string `json:",omitempty"`
	EntryID     string `json:",omitempty"`
	EntryNumber string `json:",omitempty"`
	DocumentID  string `json:",omitempty"`
	// AmountFC is the Exact entry's total, equal to Odoo's amount_total (negative for a credit note).
	AmountFC string `json:",omitempty"`
	Passes   int
	// Notes say, in English and Dutch, what the run did besides the usual (no PDF, an update after a repost).
	Notes []string `json:",omitempty"`
}

// SyncInvoice sends one posted Odoo invoice, bill or credit note to Exact: fetch → ensure the partner → map →
// upload the PDF → upsert the entry → write back. Changes signalled while it runs make it go once more.
func SyncInvoice(ctx workflow.Context, in InvoiceInput) (InvoiceResult, error) {
	changed := workflow.GetSignalChannel(ctx, SignalMoveChanged)
	stops := newStopper(ctx, in.Connection, in.ConnectionID, changed, func(state, class, reason string) {
		setInvoiceState(ctx, state, class, "", "", reason)
	})
	setInvoiceState(ctx, StateRunning, "", "", "", "")
	return untilSynced(stops, func() (res InvoiceResult, more bool, err error) {
		more, err = coalescedPasses(ctx, changed, true, func(n int) error {
			r, err := syncInvoiceOnce(ctx, in)
			res, res.Passes = r, n
			return err
		})
		return res, more, err
	}, func(res InvoiceResult) {
		setInvoiceState(ctx, res.State, "", res.MoveName, res.EntryNumber, "")
	}, func(err error) error {
		return syncFailed(ctx, in.Connection, in.ConnectionID, err, func(state, class string) { setInvoiceState(ctx, state, class, "", "", "") })
	}, func() error {
		return workflow.NewContinueAsNewError(ctx, SyncInvoice, in)
	}, nil)
}

// coalescedPasses runs pass, and again as long as a change was signalled on changed while it ran (after a quiet
// spell, when quiet: see awaitQuiet), so polls, webhooks and edits of one record coalesce into one run. It stops
// at the first error, and after maxInvoicePasses with changes still coming, reporting that the run must continue
// as new.
func coalescedPasses(ctx workflow.Context, changed workflow.ReceiveChannel, quiet bool, pass func(n int) error) (continueAsNew bool, err error) {
	drain := func() bool {
		got := false
		for changed.ReceiveAsync(nil) {
			got = true
		}
		return got
	}
	for n := 1; ; n++ {
		drain()
		if err := pass(n); err != nil {
			return false, err
		}
		if !drain() {
			return false, nil
		}
		if n >= maxInvoicePasses {
			return true, nil
		}
		if quiet {
			awaitQuiet(ctx, changed)
		}
	}
}

func syncInvoiceOnce(ctx workflow.Context, in InvoiceInput) (InvoiceResult, error) {
	var a *activities.Invoices
	var fetched activities.FetchedInvoice
	if err := workflow.ExecuteActivity(remote(ctx), a.FetchInvoice,
		activities.InvoiceRef{ConnectionID: in.ConnectionID, MoveID: in.MoveID}).Get(ctx, &fetched); err != nil {
		return InvoiceResult{}, err
	}
	mv := fetched.Move
	res := InvoiceResult{MoveName: mv.Name}
	if mv.Name != "" {
		setInvoiceState(ctx, StateRunning, "", mv.Name, "", "")
	}
	if fetched.Do == activities.InvoiceSkip {
		res.State, res.Reason = StateSkipped, fetched.Reason
		return res, nil
	}
	if fetched.Do == activities.InvoiceReverse {
		var rev activities.ReverseResult
		if err := workflow.ExecuteActivity(remote(ctx), a.ReverseEntry, activities.ReverseInput{
			ConnectionID: in.ConnectionID, MoveID: mv.ID, Cancelled: true}).Get(ctx, &rev); err != nil {
			return res, err
		}
		res.State, res.Action, res.EntryID, res.EntryNumber = StateSynced, activities.EntryReversed, rev.ReversalID, rev.ReversalNumber
		res.Notes = append(res.Notes, rev.Note)
		// The move's x_ fields no longer name an entry that stands for it.
		err := workflow.ExecuteActivity(remote(ctx), a.WriteBackInvoice, activities.InvoiceWriteBackInput{
			ConnectionID: in.ConnectionID, MoveID: mv.ID, WrittenEntryID: fetched.WrittenEntryID,
			WrittenEntryNumber: fetched.WrittenEntryNumber, WrittenDocumentID: fetched.WrittenDocumentID}).Get(ctx, nil)
		return res, err
	}

	var partner activities.PartnerAccount
	if err := workflow.ExecuteActivity(awaitPartner(ctx), a.EnsureInvoicePartner, activities.PartnerInput{
		ConnectionID: in.ConnectionID, PartnerID: fetched.PartnerID, MoveName: mv.Name, Purchase: mv.IsBill()}).Get(ctx, &partner); err != nil {
		return res, err
	}

	var mapped activities.MappedEntry
	if err := workflow.ExecuteActivity(remote(ctx), a.MapInvoiceActivity,
		activities.MapInvoiceInput{ConnectionID: in.ConnectionID, Move: mv}).Get(ctx, &mapped); err != nil {
		return res, err
	}
	res.Notes = append(res.Notes, mapped.Notes...)

	var doc activities.DocumentResult
	if err := workflow.ExecuteActivity(remote(ctx), a.UploadInvoiceDocument, activities.DocumentInput{
		ConnectionID: in.ConnectionID, MoveID: mv.ID, MoveName: mv.Name, Purchase: mapped.Purchase,
		PartnerExactID: partner.ExactID, InvoiceDate: mv.InvoiceDate}).Get(ctx, &doc); err != nil {
		return res, err
	}
	if doc.Note != "" {
		res.Notes = append(res.Notes, doc.Note)
	}

	var entry activities.EntryResult
	if err := workflow.ExecuteActivity(remote(ctx), a.UpsertEntry, activities.EntryInput{
		ConnectionID: in.ConnectionID, Mapped: mapped, PartnerExactID: partner.ExactID, DocumentID: doc.DocumentID}).Get(ctx, &entry); err != nil {
		return res, err
	}
	if entry.Note != "" {
		res.Notes = append(res.Notes, entry.Note)
	}
	res.State, res.Action, res.EntryID, res.EntryNumber, res.DocumentID, res.AmountFC =
		StateSynced, entry.Action, entry.EntryID, entry.EntryNumber, doc.DocumentID, entry.AmountFC
	setInvoiceState(ctx, StateRunning, "", mv.Name, entry.EntryNumber, "")

	err := workflow.ExecuteActivity(remote(ctx), a.WriteBackInvoice, activities.InvoiceWriteBackInput{
		ConnectionID: in.ConnectionID, MoveID: mv.ID, EntryID: entry.EntryID, EntryNumber: entry.EntryNumber, DocumentID: doc.DocumentID,
		WrittenEntryID: fetched.WrittenEntryID, WrittenEntryNumber: fetched.WrittenEntryNumber, WrittenDocumentID: fetched.WrittenDocumentID,
	}).Get(ctx, nil)
	return res, err
}

// setInvoiceState updates the queue's search attributes of an invoice sync (with the Odoo number and the Exact
// entry number once known, and the reason of a sync waiting for a fix) and counts its outcome.
func setInvoiceState(ctx workflow.Context, state, errorClass, moveName, entryNumber, reason string) {
	countState(ctx, "invoice", state, errorClass)
	updates := stateUpdates(state, errorClass, reason)
	if moveName != "" {
		updates = append(updates, AttrOdooName.ValueSet(moveName))
	}
	if entryNumber != "" {
		updates = append(updates, AttrExactEntryNumber.ValueSet(entryNumber))
	}
	upsertState(ctx, updates...)
}
