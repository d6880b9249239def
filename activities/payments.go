package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"go.temporal.io/sdk/temporal"

	"github.com/exactsync/exactsync/clients/exact"
	"github.com/exactsync/exactsync/clients/odoo"
	"github.com/exactsync/exactsync/store"
)

// The payment pull's cursors: sync/Cashflow/PaymentTerms and sync/Deleted timestamps.
const (
	TermsCursor        = "exact.payment_terms"
	DeletedTermsCursor = "exact.deleted_terms"
	// DeletedReadAt is when sync/Deleted was last read (RFC 3339).
	DeletedReadAt = "exact.deleted_terms.read_at"
)

// DeletedReadEvery is how often a quiet payment pull reads sync/Deleted anyway.
const DeletedReadEvery = time.Hour

// PaymentStarter starts (or signals) the payment sync workflow of one invoice or bill.
type PaymentStarter interface {
	StartPaymentSync(ctx context.Context, conn store.Connection, moveID int64) error
}

// paymentStore is what the payment activities need of PostgreSQL besides the links.
type paymentStore interface {
	SaveTerms(ctx context.Context, connectionID int64, terms []store.Term) error
	DeleteTerms(ctx context.Context, connectionID int64, ids []string) ([]store.Term, error)
	TermsOfAccounts(ctx context.Context, connectionID int64, accountIDs []string) ([]store.Term, error)
	SaveOdooPayment(ctx context.Context, connectionID int64, p store.OdooPayment) error
	OdooPayments(ctx context.Context, connectionID, moveID int64) ([]store.OdooPayment, error)
	OdooPaymentOf(ctx context.Context, connectionID int64, kind, key string, moveID int64) (store.OdooPayment, error)
}

// Payments holds the activities of the payment pull, Exact → Odoo. It shares the contact sync's clients and store.
type Payments struct {
	Contacts *Contacts
	Store    paymentStore
	Starter  PaymentStarter
}

// PullInput names the connection whose payments are pulled.
type PullInput struct {
	ConnectionID int64
}

// PullResult is what one pull read: the invoices whose payments may have changed, and the cursors to store once
// their syncs were started.
type PullResult struct {
	MoveIDs        []int64
	Terms, Deleted int
	TermsCursor    string
	DeletedCursor  string
	DeletedReadAt  string `json:",omitempty"` // set when this pull read sync/Deleted
	Off            bool   // no invoice was sent yet: nothing to pull
}

// PullPaymentTerms reads what changed in Exact's payment terms since the stored cursors (sync/Cashflow/PaymentTerms
// and the terms in sync/Deleted, see below), keeps them in the mirror, and returns the invoices and bills the
// connector posted whose terms changed. A quiet interval costs one call; one with changes two (while fewer than
// 1,000 changed).
func (p *Payments) PullPaymentTerms(ctx context.Context, in PullInput) (PullResult, error) {
	res, err := p.pull(ctx, in)
	return res, Classify(err)
}

func (p *Payments) pull(ctx context.Context, in PullInput) (PullResult, error) {
	c := p.Contacts
	conn, err := c.Clients.Connection(ctx, in.ConnectionID)
	if err != nil {
		return PullResult{}, err
	}
	if conn.InvoicesFrom.IsZero() {
		return PullResult{Off: true}, nil
	}
	ec, err := c.Clients.Exact(ctx, conn)
	if err != nil {
		return PullResult{}, err
	}
	since := func(name string) (int64, error) {
		raw, err := c.Store.Cursor(ctx, conn.ID, name)
		if err != nil || raw == "" {
			return 1, err // "filter on timestamp greater than 1" the first time (EXACT-API D.12)
		}
		return strconv.ParseInt(raw, 10, 64)
	}
	termsSince, err := since(TermsCursor)
	if err != nil {
		return PullResult{}, err
	}
	deletedSince, err := since(DeletedTermsCursor)
	if err != nil {
		return PullResult{}, err
	}
	res := PullResult{TermsCursor: strconv.FormatInt(termsSince, 10), DeletedCursor: strconv.FormatInt(deletedSince, 10)}
	entries := map[string]bool{}
	var batch []store.Term
	for t, err := range ec.Cashflow.PaymentTermsSince(ctx, conn.ExactDivision, termsSince) {
		if err != nil {
			return PullResult{}, err
		}
		raw, err := json.Marshal(t)
		if err != nil {
			return PullResult{}, err
		}
		batch = append(batch, store.Term{ID: exactIDKey(t.ID), AccountID: exactIDKey(t.Account), EntryID: exactIDKey(t.TransactionEntryID),
			Timestamp: t.Timestamp, Data: raw})
		entries[exactIDKey(t.TransactionEntryID)] = true
		if t.Timestamp > termsSince {
			termsSince = t.Timestamp
		}
	}
	if err := p.Store.SaveTerms(ctx, conn.ID, batch); err != nil {
		return PullResult{}, err
	}
	res.Terms = len(batch)
	// sync/Deleted is read when terms changed (an undone match deletes terms and opens a new one, so the terms feed
	// names the entry and the deletions must be applied with it) and at least once an hour (a deletion alone, such
	// as an entry deleted in Exact): a quiet pull costs one call.
	lastRead, err := c.Store.Cursor(ctx, conn.ID, DeletedReadAt)
	if err != nil {
		return PullResult{}, err
	}
	readAt, _ := time.Parse(time.RFC3339, lastRead)
	if len(batch) == 0 && time.Since(readAt) < DeletedReadEvery {
		res.TermsCursor = strconv.FormatInt(termsSince, 10)
		return res, nil
	}
	res.DeletedReadAt = time.Now().UTC().Format(time.RFC3339)
	var gone []string
	for d, err := range ec.Deleted.Since(ctx, conn.ExactDivision, deletedSince) {
		if err != nil {
			return PullResult{}, err
		}
		if d.Timestamp > deletedSince {
			deletedSince = d.Timestamp
		}
		if d.EntityType == exact.DeletedPaymentTerm {
			gone = append(gone, exactIDKey(d.EntityKey))
		}
	}
	deleted, err := p.Store.DeleteTerms(ctx, conn.ID, gone)
	if err != nil {
		return PullResult{}, err
	}
	for _, t := range deleted {
		if t.EntryID != "" {
			entries[t.EntryID] = true
		}
	}
	res.Deleted = len(gone)
	res.TermsCursor, res.DeletedCursor = strconv.FormatInt(termsSince, 10), strconv.FormatInt(deletedSince, 10)
	// Only the entries the connector posted: an entry (or a credit note's) links back to its Odoo move.
	seen := map[int64]bool{}
	for entryID := range entries {
		if entryID == "" {
			continue
		}
		for _, entity := range []string{EntitySalesEntries, EntityPurchaseEntries} {
			l, err := c.Store.LinkByExact(ctx, conn.ID, entity, entryID)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return PullResult{}, err
			}
			if l.OdooModel == ModelMove && !seen[l.OdooID] && l.Role == RoleEntry {
				seen[l.OdooID] = true
				res.MoveIDs = append(res.MoveIDs, l.OdooID)
			}
		}
	}
	return res, nil
}

// EnqueuePaymentSyncs starts (or signals) one payment sync per invoice.
func (p *Payments) EnqueuePaymentSyncs(ctx context.Context, in EnqueueInvoicesInput) error {
	conn, err := p.Contacts.Clients.Connection(ctx, in.ConnectionID)
	if err != nil {
		return Classify(err)
	}
	for _, id := range in.MoveIDs {
		if err := p.Starter.StartPaymentSync(ctx, conn, id); err != nil {
			return fmt.Errorf("start the payment sync of move %d: %w", id, err)
		}
	}
	return nil
}

// SavePullCursors stores the pull's cursors after the syncs were started.
func (p *Payments) SavePullCursors(ctx context.Context, in PullCursors) error {
	st := p.Contacts.Store
	if err := st.SetCursor(ctx, in.ConnectionID, TermsCursor, in.Terms); err != nil {
		return err
	}
	if err := st.SetCursor(ctx, in.ConnectionID, DeletedTermsCursor, in.Deleted); err != nil {
		return err
	}
	if in.DeletedReadAt == "" {
		return nil
	}
	return st.SetCursor(ctx, in.ConnectionID, DeletedReadAt, in.DeletedReadAt)
}

// PullCursors are the pull's cursors to store.
type PullCursors struct {
	ConnectionID   int64
	Terms, Deleted string
	DeletedReadAt  string `json:",omitempty"`
}

// PaymentPlan is what Exact concludes about an invoice's entry and what Odoo must do to agree.
type PaymentPlan struct {
	MoveID   int64
	Name     string
	Status   PaymentStatus
	Open     string // Exact's open amount, in the invoice's currency
	Residual string // Odoo's amount_residual before the actions
	Actions  []PaymentAction
	Skip     string `json:",omitempty"` // why there is nothing to decide
}

// PlanPayments reads Exact's state of the invoice's entry from the mirror (no Exact call) and Odoo's residual
// and the connector's payments (one InvoicePayments read and one of the payments), and decides (DecidePayments).
func (p *Payments) PlanPayments(ctx context.Context, in InvoiceRef) (PaymentPlan, error) {
	plan, err := p.plan(ctx, in)
	return plan, Classify(err)
}

func (p *Payments) plan(ctx context.Context, in InvoiceRef) (PaymentPlan, error) {
	c := p.Contacts
	conn, err := c.Clients.Connection(ctx, in.ConnectionID)
	if err != nil {
		return PaymentPlan{}, err
	}
	plan := PaymentPlan{MoveID: in.MoveID}
	entry, err := c.Store.LinkRole(ctx, conn.ID, ModelMove, in.MoveID, RoleEntry)
	if errors.Is(err, store.ErrNotFound) || err == nil && entry.Pending {
		plan.Skip = "the invoice has no Exact entry"
		return plan, nil
	}
	if err != nil {
		return plan, err
	}
	var key entryIntent
	if err := json.Unmarshal(entry.Intent, &key); err != nil || key.Party == "" {
		return plan, fmt.Errorf("move %d: the entry's link has no relation (%s)", in.MoveID, entry.Intent)
	}
	rows, err := p.Store.TermsOfAccounts(ctx, conn.ID, []string{exactIDKey(key.Party)})
	if err != nil {
		return plan, err
	}
	var terms []exact.PaymentTerm
	deleted := map[string]bool{}
	for _, r := range rows {
		if r.Deleted {
			deleted[r.ID] = true
		}
		if len(r.Data) == 0 {
			continue
		}
		var t exact.PaymentTerm
		if err := json.Unmarshal(r.Data, &t); err != nil {
			return plan, fmt.Errorf("mirrored term %s: %w", r.ID, err)
		}
		terms = append(terms, t)
	}
	state := ExactEntryState(entry.ExactID, terms, deleted)
	plan.Status, plan.Open = state.Status, state.Open.String()

	oc, err := c.Clients.Odoo(ctx, conn)
	if err != nil {
		return plan, err
	}
	mps, err := oc.InvoicePayments(ctx, []int64{in.MoveID})
	if err != nil {
		return plan, err
	}
	if len(mps) != 1 {
		plan.Skip = "the invoice no longer exists in Odoo"
		return plan, nil
	}
	mp := mps[0]
	plan.Name, plan.Residual = mp.Move.Name, mp.AmountResidual.String()
	done, err := p.Store.OdooPayments(ctx, conn.ID, in.MoveID)
	if err != nil {
		return plan, err
	}
	o := OdooInvoiceState{MoveID: in.MoveID, Name: mp.Move.Name, Residual: mp.AmountResidual, Currency: mp.Currency.Name,
		Payments: map[string]ConnectorPayment{}}
	var paymentIDs []int64
	for _, d := range done {
		if d.Kind == store.PaymentKindPayment && d.State == store.PaymentDone && d.PaymentID > 0 {
			paymentIDs = append(paymentIDs, d.PaymentID)
		}
	}
	posted := map[int64]bool{}
	if len(paymentIDs) > 0 {
		ps, err := oc.Payments(ctx, paymentIDs)
		if err != nil {
			return plan, err
		}
		for _, pay := range ps {
			posted[pay.ID] = !pay.Cancelled()
		}
	}
	reconciledWith := map[int64]bool{} // the moves Odoo shows reconciled with this one
	for _, r := range mp.Reconciled {
		reconciledWith[r.CounterpartMove.ID] = true
	}
	for _, d := range done {
		switch {
		case d.Kind == store.PaymentKindPayment && d.State == store.PaymentDone && posted[d.PaymentID]:
			o.Payments[d.Key] = ConnectorPayment{PaymentID: d.PaymentID, Amount: d.Amount}
		case d.Kind == store.PaymentKindReconcile && d.State == store.PaymentPending:
			// The credit note's own sync is reconciling it (the invoice's and the credit note's syncs both ask for
			// it): decide once Odoo shows it, or that sync gave up.
			term, credit, _ := strings.Cut(d.Key, " ")
			other, err := p.moveOf(ctx, conn.ID, credit)
			if err != nil {
				return plan, err
			}
			if !reconciledWith[other] {
				return plan, temporal.NewApplicationErrorWithOptions(fmt.Sprintf("move %d: a reconciliation with move %d is in progress", in.MoveID, other),
					ErrTypeTransient, temporal.ApplicationErrorOptions{NextRetryDelay: 5 * time.Second})
			}
			o.Reconciled = append(o.Reconciled, ConnectorReconcile{TermID: term, InvoiceEntryID: entry.ExactID, CreditEntryID: credit, Amount: d.Amount})
		case d.Kind == store.PaymentKindReconcile && d.State == store.PaymentDone:
			term, credit, _ := strings.Cut(d.Key, " ")
			o.Reconciled = append(o.Reconciled, ConnectorReconcile{TermID: term, InvoiceEntryID: entry.ExactID, CreditEntryID: credit, Amount: d.Amount})
		}
	}
	if state.Status == PaymentUnknown || state.Status == PaymentIncomplete {
		plan.Skip = fmt.Sprintf("Exact's payment terms of entry %s are %s so far; the next pull sees the rest", entry.ExactCode, state.Status)
		return plan, nil
	}
	plan.Actions = DecidePayments(state, o)
	return plan, nil
}

// ApplyInput is one action of a plan.
type ApplyInput struct {
	ConnectionID int64
	MoveID       int64
	EntryNumber  string
	Action       PaymentAction
}

// ApplyPaymentAction does one action in Odoo, once: a registration is recorded as pending before the Odoo call
// and found again by its memo when the answer was lost; a cancellation or reconciliation already done is not
// done again. A mismatch stops the sync with its Problem.
func (p *Payments) ApplyPaymentAction(ctx context.Context, in ApplyInput) (string, error) {
	note, err := p.apply(ctx, in)
	return note, Classify(err)
}

func (p *Payments) apply(ctx context.Context, in ApplyInput) (string, error) {
	a := in.Action
	if a.Mismatch != nil {
		return "", dataError(a.Mismatch, nil)
	}
	c := p.Contacts
	conn, err := c.Clients.Connection(ctx, in.ConnectionID)
	if err != nil {
		return "", err
	}
	oc, err := c.Clients.Odoo(ctx, conn)
	if err != nil {
		return "", err
	}
	switch {
	case a.Register != nil:
		return p.register(ctx, conn, oc, in.MoveID, *a.Register)
	case a.Cancel != nil:
		rec, err := p.Store.OdooPaymentOf(ctx, conn.ID, store.PaymentKindPayment, a.Cancel.TermID, in.MoveID)
		if errors.Is(err, store.ErrNotFound) || err == nil && rec.PaymentID != a.Cancel.PaymentID {
			// Never cancel a payment the connector did not register: a bug to report, not to retry.
			return "", temporal.NewNonRetryableApplicationError(fmt.Sprintf("cancel payment %d: the connector registered payment %d for term %s, not it",
				a.Cancel.PaymentID, rec.PaymentID, a.Cancel.TermID), ErrTypeConnector, err)
		}
		if err != nil {
			return "", err
		}
		if _, err := oc.CancelPayment(ctx, rec.PaymentID); err != nil {
			return "", err
		}
		rec.State = store.PaymentCancelled
		if err := p.Store.SaveOdooPayment(ctx, conn.ID, rec); err != nil {
			return "", err
		}
		return fmt.Sprintf("the match was undone in Exact: payment %d of %s cancelled in Odoo | NL: de afletting is ongedaan gemaakt in Exact: betaling %d van %s geannuleerd in Odoo",
			rec.PaymentID, a.Cancel.Amount, rec.PaymentID, a.Cancel.Amount), nil
	case a.Reconcile != nil:
		r := *a.Reconcile
		key := r.TermID + " " + exactIDKey(r.CreditEntryID)
		if rec, err := p.Store.OdooPaymentOf(ctx, conn.ID, store.PaymentKindReconcile, key, in.MoveID); err == nil && rec.State == store.PaymentDone {
			return "", nil
		}
		invoice, err := p.moveOf(ctx, conn.ID, r.InvoiceEntryID)
		if err != nil {
			return "", err
		}
		credit, err := p.moveOf(ctx, conn.ID, r.CreditEntryID)
		if err != nil {
			return "", err
		}
		// Recorded on the invoice (its plan lists it) and on the credit note (its own plan asks for it too), pending
		// first: the other move's sync waits while it is, rather than take the reconciled amount for a hand-made one.
		save := func(state string) error {
			for _, move := range []int64{invoice, credit} {
				if err := p.Store.SaveOdooPayment(ctx, conn.ID, store.OdooPayment{Kind: store.PaymentKindReconcile, Key: key, MoveID: move,
					Amount: r.Amount, State: state}); err != nil {
					return err
				}
			}
			return nil
		}
		if err := save(store.PaymentPending); err != nil {
			return "", err
		}
		if err := oc.ReconcileCreditNote(ctx, invoice, credit); err != nil {
			// Reconciled already (by the other move's sync, or an attempt whose answer was lost)? Then it is done.
			mps, rerr := oc.InvoicePayments(ctx, []int64{invoice})
			if rerr != nil || len(mps) != 1 || !reconciledIn(mps[0], credit) {
				return "", err
			}
		}
		if err := save(store.PaymentDone); err != nil {
			return "", err
		}
		return fmt.Sprintf("matched with a credit note in Exact: reconciled in Odoo (%s) | NL: in Exact afgeletterd met een creditnota: in Odoo afgeletterd (%s)", r.Amount, r.Amount), nil
	case a.Unreconcile != nil:
		return p.unreconcile(ctx, conn, oc, in.MoveID, *a.Unreconcile)
	}
	return "", fmt.Errorf("an empty payment action for move %d", in.MoveID)
}

// unreconcile takes back a credit note's reconciliation with the invoice that the connector made and Exact no
// longer has (the accountant undid the match): only one the connector recorded as done, never one a person
// made. Taking it back twice finds nothing left to take back and records it all the same.
func (p *Payments) unreconcile(ctx context.Context, conn store.Connection, oc *odoo.Client, moveID int64, u UnreconcileCreditNote) (string, error) {
	key := u.TermID + " " + exactIDKey(u.CreditEntryID)
	rec, err := p.Store.OdooPaymentOf(ctx, conn.ID, store.PaymentKindReconcile, key, moveID)
	if errors.Is(err, store.ErrNotFound) || err == nil && rec.State != store.PaymentDone {
		// Never take back a reconciliation the connector did not make: a bug to report, not to retry.
		return "", temporal.NewNonRetryableApplicationError(fmt.Sprintf("take back the reconciliation %q of move %d: the connector has no such reconciliation done (state %q)",
			key, moveID, rec.State), ErrTypeConnector, err)
	}
	if err != nil {
		return "", err
	}
	invoice, err := p.moveOf(ctx, conn.ID, u.InvoiceEntryID)
	if err != nil {
		return "", err
	}
	credit, err := p.moveOf(ctx, conn.ID, u.CreditEntryID)
	if err != nil {
		return "", err
	}
	taken, err := oc.UnreconcileCreditNote(ctx, invoice, credit, u.Amount)
	if err != nil {
		return "", err
	}
	for _, move := range []int64{invoice, credit} {
		if err := p.Store.SaveOdooPayment(ctx, conn.ID, store.OdooPayment{Kind: store.PaymentKindReconcile, Key: key, MoveID: move,
			Amount: u.Amount, State: store.PaymentCancelled}); err != nil {
			return "", err
		}
	}
	return fmt.Sprintf("the credit note match of %s was undone in Exact: the reconciliation taken back in Odoo (%s) | NL: de afletting met de creditnota (%s) is in Exact ongedaan gemaakt: in Odoo teruggedraaid (%s)",
		u.Amount, taken, u.Amount, taken), nil
}

// register registers one Exact payment in Odoo, once (see ApplyPaymentAction).
func (p *Payments) register(ctx context.Context, conn store.Connection, oc *odoo.Client, moveID int64, r RegisterPayment) (string, error) {
	memo := paymentMemo(r.TermID)
	rec, err := p.Store.OdooPaymentOf(ctx, conn.ID, store.PaymentKindPayment, r.TermID, moveID)
	switch {
	case err == nil && rec.State == store.PaymentDone:
		return "", nil
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return "", err
	case err == nil && rec.State == store.PaymentPending:
		// An earlier attempt may have registered it and lost the answer: look for it by its memo.
		found, err := oc.FindPayments(ctx, odoo.PaymentQuery{Memo: memo})
		if err != nil {
			return "", err
		}
		for _, pay := range found {
			if !pay.Cancelled() {
				rec.PaymentID, rec.State = pay.ID, store.PaymentDone
				return fmt.Sprintf("payment %d found again in Odoo (the answer of its registration was lost)", pay.ID),
					p.Store.SaveOdooPayment(ctx, conn.ID, rec)
			}
		}
	}
	journal, err := p.bankJournal(ctx, conn, r.Journal)
	if err != nil {
		return "", err
	}
	var writeOff []odoo.WriteOff
	written, writtenNL := "", ""
	if !r.WriteOff.IsZero() {
		cos, err := oc.Companies(ctx)
		if err != nil {
			return "", err
		}
		var co odoo.Company
		for _, c := range cos {
			if c.ID == conn.OdooCompanyID || conn.OdooCompanyID == 0 && co.ID == 0 {
				co = c
			}
		}
		account, problem := writeOffAccount(co, r.WriteOff, r.Inbound)
		if problem != nil {
			return "", dataError(problem, nil)
		}
		writeOff = append(writeOff, odoo.WriteOff{Account: account.ID, Label: "exactsync: exchange rounding"})
		written, writtenNL = fmt.Sprintf("; %s written off on %s", r.WriteOff, account.Name), fmt.Sprintf("; %s afgeboekt op %s", r.WriteOff, account.Name)
	}
	rec = store.OdooPayment{Kind: store.PaymentKindPayment, Key: r.TermID, MoveID: moveID, Amount: r.Amount, Memo: memo, State: store.PaymentPending}
	if err := p.Store.SaveOdooPayment(ctx, conn.ID, rec); err != nil {
		return "", err
	}
	id, err := oc.RegisterPayment(ctx, moveID, r.Amount, r.Date, journal, memo, writeOff...)
	if err != nil {
		return "", err
	}
	if id == 0 {
		found, err := oc.FindPayments(ctx, odoo.PaymentQuery{Memo: memo})
		if err != nil {
			return "", err
		}
		for _, pay := range found {
			if !pay.Cancelled() {
				id = pay.ID
			}
		}
	}
	rec.PaymentID, rec.State = id, store.PaymentDone
	if err := p.Store.SaveOdooPayment(ctx, conn.ID, rec); err != nil {
		return "", err
	}
	return fmt.Sprintf("paid in Exact on %s: payment %d of %s registered in Odoo%s | NL: betaald in Exact op %s: betaling %d van %s geregistreerd in Odoo%s",
		r.Date.Format("2006-01-02"), id, r.Amount, written, r.Date.Format("2006-01-02"), id, r.Amount, writtenNL), nil
}

// writeOffAccount is the account a payment's rounding difference is written off on: the company's exchange loss
// account when the difference is to the company's cost (less received on an invoice or a supplier's credit note,
// more paid on a bill or a customer's credit note), else its exchange gain account. writeOff is Odoo's residual
// before the payment minus the payment; inbound: money received.
func writeOffAccount(co odoo.Company, writeOff decimal.Decimal, inbound bool) (odoo.Many2One, *Problem) {
	account, which, whichNL := co.ExchangeGain, "gain", "winst"
	if writeOff.IsPositive() == inbound {
		account, which, whichNL = co.ExchangeLoss, "loss", "verlies"
	}
	if account.ID != 0 {
		return account, nil
	}
	return account, &Problem{Code: "payment.exchange_account",
		EN: fmt.Sprintf("Exact's payment leaves a rounding difference of %s to write off, and Odoo company %d %q has no exchange %s account.",
			writeOff, co.ID, co.Name, which),
		NL: fmt.Sprintf("De betaling in Exact laat een afrondingsverschil van %s om af te boeken, en Odoo-bedrijf %d %q heeft geen rekening voor koers%s.",
			writeOff, co.ID, co.Name, whichNL),
		FixEN: "set the exchange gain and loss accounts in Odoo (Accounting → Configuration → Settings → Default Accounts), then `starter retry`",
		FixNL: "stel de rekeningen voor koerswinst en -verlies in Odoo in (Boekhouding → Configuratie → Instellingen → Standaardrekeningen), daarna `starter retry`"}
}

// paymentMemo is the communication of a payment the connector registers for an Exact term: found again by it.
func paymentMemo(termID string) string { return "exactsync " + exactIDKey(termID) }

// bankJournal is the Odoo bank or cash journal mapped to an Exact bank or cash journal code.
func (p *Payments) bankJournal(ctx context.Context, conn store.Connection, code string) (int64, error) {
	maps, err := p.Contacts.Store.Mappings(ctx, conn.ID, store.MapBankJournal)
	if err != nil {
		return 0, err
	}
	var candidates []int64
	for _, m := range maps {
		if strings.TrimSpace(m.ExactCode) == strings.TrimSpace(code) {
			candidates = append(candidates, m.OdooID)
		}
	}
	if len(candidates) == 1 {
		return candidates[0], nil
	}
	what := "no Odoo journal is mapped to it"
	if len(candidates) > 1 {
		what = fmt.Sprintf("%d Odoo journals are mapped to it", len(candidates))
	}
	return 0, dataError(&Problem{Code: "payment.bank_journal",
		EN:    fmt.Sprintf("A payment was booked in Exact bank journal %q, and %s, so exactsync does not know where to register it in Odoo.", code, what),
		NL:    fmt.Sprintf("Een betaling is geboekt in Exact-dagboek %q, en daaraan is %s gekoppeld, dus exactsync weet niet waar ze in Odoo te registreren.", code, map[bool]string{true: "meer dan één Odoo-dagboek", false: "geen Odoo-dagboek"}[len(candidates) > 1]),
		FixEN: fmt.Sprintf("map the Odoo bank journal: `starter mappings set --name %s --kind bank_journal --odoo-id <journal id> --exact-code %s`, then `starter retry`", conn.Name, code),
		FixNL: fmt.Sprintf("koppel het Odoo-bankdagboek: `starter mappings set --name %s --kind bank_journal --odoo-id <dagboek-id> --exact-code %s`, daarna `starter retry`", conn.Name, code)}, nil)
}

// moveOf is the Odoo move linked to an Exact entry.
func (p *Payments) moveOf(ctx context.Context, connID int64, entryID string) (int64, error) {
	for _, entity := range []string{EntitySalesEntries, EntityPurchaseEntries} {
		l, err := p.Contacts.Store.LinkByExact(ctx, connID, entity, exactIDKey(entryID))
		if err == nil && l.OdooModel == ModelMove {
			return l.OdooID, nil
		}
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return 0, err
		}
	}
	return 0, dataError(&Problem{Code: "payment.credit_not_synced",
		EN:    fmt.Sprintf("Exact matched the invoice with entry %s, which exactsync did not post from Odoo.", entryID),
		NL:    fmt.Sprintf("Exact letterde de factuur af met boeking %s, die exactsync niet vanuit Odoo heeft geboekt.", entryID),
		FixEN: "match the invoice with the credit note in Odoo by hand, or post the credit note from Odoo",
		FixNL: "letter de factuur in Odoo met de hand af met de creditnota, of boek de creditnota vanuit Odoo"}, nil)
}

// reconciledIn tells whether Odoo shows move reconciled with the invoice.
func reconciledIn(mp odoo.MovePayments, move int64) bool {
	for _, r := range mp.Reconciled {
		if r.CounterpartMove.ID == move {
			return true
		}
	}
	return false
}
