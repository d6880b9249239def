package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/exactsync/exactsync/clients/exact"
	"github.com/exactsync/exactsync/clients/odoo"
	"github.com/exactsync/exactsync/store"
)

// The invoice sync's names: the Odoo model, its cursor, the roles of the Exact objects an invoice has, their
// endpoints, and the x_ fields written back on the move.
const (
	ModelMove     = "account.move"
	InvoiceCursor = "odoo.account.move"

	RoleEntry      = "entry"
	RoleDocument   = "document"
	RoleAttachment = "attachment"

	EntitySalesEntries    = "salesentry/SalesEntries"
	EntityPurchaseEntries = "purchaseentry/PurchaseEntries"
	EntityDocuments       = "documents/Documents"
	EntityAttachments     = "documents/DocumentAttachments"

	FieldEntryID     = "x_exact_entry_id"
	FieldEntryNumber = "x_exact_entry_number"
	FieldDocumentID  = "x_exact_document_id"
)

// InvoiceMoveTypes are the moves the invoice sync sends: invoices, bills and their credit notes.
var InvoiceMoveTypes = []string{odoo.MoveOutInvoice, odoo.MoveOutRefund, odoo.MoveInInvoice, odoo.MoveInRefund}

// moveWriteBackFields are the x_ fields the connector creates on account.move (a move has one company: not
// company dependent).
var moveWriteBackFields = []struct{ name, label string }{
	{FieldEntryID, "Exact entry ID"}, {FieldEntryNumber, "Exact entry number"}, {FieldDocumentID, "Exact document ID"}}

// InvoiceStarter starts (or signals, when it already runs) the sync workflow of one move.
type InvoiceStarter interface {
	StartInvoiceSync(ctx context.Context, conn store.Connection, moveID int64) error
}

// ContactSyncs lets an invoice wait for its partner: the partner's contact sync is started when none runs, and
// its outcome read.
type ContactSyncs interface {
	// EnsureContactSync starts the partner's contact sync unless one is running (a running one is not signalled).
	EnsureContactSync(ctx context.Context, conn store.Connection, partnerID int64) error
	// ContactSyncOutcome says how the partner's latest contact sync stands: "running", "completed", "failed"
	// (ended failed, or waiting for a fix) or "none", with the failure's reason.
	ContactSyncOutcome(ctx context.Context, conn store.Connection, partnerID int64) (state, message string, err error)
}

// Invoices holds the activities of the invoice sync, Odoo → Exact. It shares the contact sync's store, clients
// and own-write records.
type Invoices struct {
	Contacts *Contacts
	Starter  InvoiceStarter
	Partners ContactSyncs
	// ReferenceMaxAge is how old cached Exact reference data (journals, GL accounts, VAT codes, payment
	// conditions, currencies) may be before a mapping reads it again. Default 1 h; an unknown code refreshes it.
	ReferenceMaxAge time.Duration
}

// ErrTypePartnerPending: the invoice's partner is not in Exact yet; its contact sync runs. Retried.
const ErrTypePartnerPending = "PartnerPending"

// ---- detect -----------------------------------------------------------------------------------------------

// ChangedInvoicesInput asks for a page of moves changed since the stored cursor, or, for a sweep, since Cursor.
type ChangedInvoicesInput struct {
	ConnectionID int64
	Limit        int
	Sweeping     bool
	Cursor       string
}

// ChangedInvoices is a page of changed moves.
type ChangedInvoices struct {
	MoveIDs []int64
	Cursor  string // where the next page starts
	More    bool
	Skipped
	// Off says the connection syncs no invoices (no from-date or no mapped journal).
	Off bool
}

// ChangedInvoices asks Odoo for invoices, bills and credit notes in the mapped journals, dated on or after the
// connection's from-date, posted, cancelled or reset to draft, changed since the cursor.
func (v *Invoices) ChangedInvoices(ctx context.Context, in ChangedInvoicesInput) (ChangedInvoices, error) {
	c := v.Contacts
	conn, err := c.Clients.Connection(ctx, in.ConnectionID)
	if err != nil {
		return ChangedInvoices{}, Classify(err)
	}
	if conn.InvoicesFrom.IsZero() {
		return ChangedInvoices{Off: true}, nil
	}
	journals, err := c.Store.Mappings(ctx, conn.ID, store.MapJournal)
	if err != nil {
		return ChangedInvoices{}, err
	}
	if len(journals) == 0 {
		return ChangedInvoices{Off: true}, nil
	}
	oc, err := c.Clients.Odoo(ctx, conn)
	if err != nil {
		return ChangedInvoices{}, Classify(err)
	}
	raw := in.Cursor
	if !in.Sweeping {
		if raw, err = c.Store.Cursor(ctx, conn.ID, InvoiceCursor); err != nil {
			return ChangedInvoices{}, err
		}
	}
	cur, err := odoo.ParseCursor(raw)
	if err != nil {
		return ChangedInvoices{}, Classify(err)
	}
	f := odoo.MoveFilter{Types: InvoiceMoveTypes, FromDate: conn.InvoicesFrom, Cursor: cur,
		States: []string{odoo.StatePosted, odoo.StateCancel, odoo.StateDraft}}
	for _, j := range journals {
		f.JournalIDs = append(f.JournalIDs, j.OdooID)
	}
	limit := in.Limit
	if limit <= 0 {
		limit = 200
	}
	changes, next, more, err := oc.MovesChangedSince(ctx, f, limit)
	if err != nil {
		return ChangedInvoices{}, Classify(err)
	}
	out := ChangedInvoices{Cursor: next.String(), More: more}
	own, err := c.ownChanges(ctx, conn.ID, ModelMove, changes)
	if err != nil {
		return ChangedInvoices{}, err
	}
	var drafts []int64
	for _, ch := range changes {
		if own[ch.ID] != 0 && !in.Sweeping {
			out.count(own[ch.ID])
			continue
		}
		if odoo.NewDecoder(ch.Fields).String("state") == odoo.StateDraft {
			drafts = append(drafts, ch.ID)
			continue
		}
		out.MoveIDs = append(out.MoveIDs, ch.ID)
	}
	// A draft matters only when it was synced (reset to draft after posting): its sync notes that it waits.
	for _, id := range drafts {
		if _, err := c.Store.LinkRole(ctx, conn.ID, ModelMove, id, RoleEntry); err == nil {
			out.MoveIDs = append(out.MoveIDs, id)
		} else if !errors.Is(err, store.ErrNotFound) {
			return ChangedInvoices{}, err
		}
	}
	return out, nil
}

// EnqueueInvoicesInput names the moves whose sync must start.
type EnqueueInvoicesInput struct {
	ConnectionID int64
	MoveIDs      []int64
}

// EnqueueInvoiceSyncs starts (or signals) one sync workflow per move.
func (v *Invoices) EnqueueInvoiceSyncs(ctx context.Context, in EnqueueInvoicesInput) error {
	conn, err := v.Contacts.Clients.Connection(ctx, in.ConnectionID)
	if err != nil {
		return Classify(err)
	}
	for _, id := range in.MoveIDs {
		if err := v.Starter.StartInvoiceSync(ctx, conn, id); err != nil {
			return fmt.Errorf("start the sync of move %d: %w", id, err)
		}
	}
	return nil
}

// SaveInvoiceCursor stores the invoice detector's cursor after the syncs were started.
func (v *Invoices) SaveInvoiceCursor(ctx context.Context, in CursorInput) error {
	return v.Contacts.Store.SetCursor(ctx, in.ConnectionID, InvoiceCursor, in.Value)
}

// ---- fetch --------------------------------------------------------------------------------------------------

// InvoiceRef names one move of a connection.
type InvoiceRef struct {
	ConnectionID int64
	MoveID       int64
}

// What a sync does with a fetched move.
const (
	InvoicePost    = "post"    // posted: create or update the entry
	InvoiceReverse = "reverse" // cancelled after it was sent: reverse the entry
	InvoiceSkip    = "skip"
)

// FetchedInvoice is a move as Odoo has it now, and what to do with it.
type FetchedInvoice struct {
	Do     string
	Reason string // why it is skipped
	Move   odoo.Move
	// PartnerID is the commercial partner: the relation the entry is booked on.
	PartnerID int64
	// Written are the x_ fields Odoo holds now (entry ID, entry number, document ID).
	WrittenEntryID, WrittenEntryNumber, WrittenDocumentID string
}

// FetchInvoice reads a move with its lines (one call for the move, one for its lines, cached reference reads) and
// decides what its sync does.
func (v *Invoices) FetchInvoice(ctx context.Context, in InvoiceRef) (FetchedInvoice, error) {
	c := v.Contacts
	conn, err := c.Clients.Connection(ctx, in.ConnectionID)
	if err != nil {
		return FetchedInvoice{}, Classify(err)
	}
	oc, err := c.Clients.Odoo(ctx, conn)
	if err != nil {
		return FetchedInvoice{}, Classify(err)
	}
	batch, settled, err := settledRead(ctx, func(ctx context.Context) (*odoo.MoveBatch, time.Time, error) {
		b, err := oc.MovesOnly(ctx, []int64{in.MoveID}, FieldEntryID, FieldEntryNumber, FieldDocumentID)
		if err != nil || b == nil || len(b.Moves) == 0 {
			return b, time.Time{}, err
		}
		return b, b.Moves[0].WriteDate, nil
	})
	if err != nil {
		return FetchedInvoice{}, Classify(err)
	}
	linked := false
	if l, err := c.Store.LinkRole(ctx, conn.ID, ModelMove, in.MoveID, RoleEntry); err == nil && !l.Pending {
		linked = true
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		return FetchedInvoice{}, err
	}
	if len(batch.Moves) == 0 {
		reason := "the move no longer exists in Odoo"
		if linked {
			reason += "; its Exact entry stays (Odoo deletes only draft moves, so it was reset to draft first): check it in Exact | " +
				"NL: de boeking bestaat niet meer in Odoo; de Exact-boeking blijft staan: controleer die in Exact"
		}
		return FetchedInvoice{Do: InvoiceSkip, Reason: reason}, nil
	}
	mv := batch.Moves[0]
	d := odoo.NewDecoder(mv.Record)
	out := FetchedInvoice{Move: mv, PartnerID: mv.CommercialPartner.ID,
		WrittenEntryID: d.String(FieldEntryID), WrittenEntryNumber: d.String(FieldEntryNumber), WrittenDocumentID: d.String(FieldDocumentID)}
	out.Move.Record = nil // the typed fields are what the sync needs; keep the workflow's history small
	if out.PartnerID == 0 {
		out.PartnerID = mv.Partner.ID
	}
	if err := c.Store.SaveSeen(ctx, conn.ID, ModelMove, mv.ID, mv.WriteDate, settled); err != nil {
		return FetchedInvoice{}, err
	}
	skip := func(reason string) (FetchedInvoice, error) {
		out.Do, out.Reason = InvoiceSkip, reason
		return out, nil
	}
	isInvoice := false
	for _, t := range InvoiceMoveTypes {
		isInvoice = isInvoice || mv.MoveType == t
	}
	switch {
	case !isInvoice:
		return skip(fmt.Sprintf("move type %s is not an invoice, bill or credit note", mv.MoveType))
	case conn.InvoicesFrom.IsZero():
		return skip("the connection syncs no invoices (starter invoices --from DATE starts it)")
	case mv.InvoiceDate.Before(conn.InvoicesFrom) && mv.Date.Before(conn.InvoicesFrom):
		return skip(fmt.Sprintf("dated before the connection's from-date %s", conn.InvoicesFrom.Format(time.DateOnly)))
	}
	if _, err := c.Store.Mapping(ctx, conn.ID, store.MapJournal, mv.Journal.ID); errors.Is(err, store.ErrNotFound) {
		return skip(fmt.Sprintf("journal %q is not mapped, so its moves are not synced", mv.Journal.Name))
	} else if err != nil {
		return FetchedInvoice{}, err
	}
	switch mv.State {
	case odoo.StatePosted:
		out.Do = InvoicePost
	case odoo.StateCancel:
		if !linked {
			links, err := c.Store.LinksOf(ctx, conn.ID, ModelMove, mv.ID)
			if err != nil {
				return FetchedInvoice{}, err
			}
			for role, l := range links {
				if strings.HasPrefix(role, roleReversal+"@") {
					return skip(fmt.Sprintf("cancelled in Odoo; its Exact entry %s was reversed by entry %s", strings.TrimPrefix(role, roleReversal+"@"), l.ExactCode))
				}
			}
			return skip("cancelled before it was sent to Exact")
		}
		out.Do = InvoiceReverse
	default:
		if linked {
			return skip("reset to draft in Odoo: its Exact entry is updated when it is posted again | " +
				"NL: teruggezet naar concept in Odoo: de Exact-boeking wordt bijgewerkt zodra hij opnieuw is geboekt")
		}
		return skip("a draft: it is sent once posted")
	}
	return out, nil
}

// ---- partner ------------------------------------------------------------------------------------------------

// PartnerInput names the commercial partner an invoice is booked on.
type PartnerInput struct {
	ConnectionID int64
	PartnerID    int64
	MoveName     string
	// Purchase: the move is a bill (the account must be a supplier); else a customer.
	Purchase bool `json:",omitempty"`
}

// PartnerAccount is the partner's Exact account.
type PartnerAccount struct {
	ExactID   string
	ExactCode string
	// Synced says the partner reached Exact during this wait (its contact sync ran for the invoice).
	Synced bool
}

// EnsureInvoicePartner returns the Exact account of the invoice's partner. When the partner is not linked yet, it
// starts the partner's contact sync (the contact workflow, once: two invoices of one new partner share that run
// and make one account) and is retried until the account is there; when that sync failed, the invoice stops with
// the partner's reason.
func (v *Invoices) EnsureInvoicePartner(ctx context.Context, in PartnerInput) (PartnerAccount, error) {
	c := v.Contacts
	conn, err := c.Clients.Connection(ctx, in.ConnectionID)
	if err != nil {
		return PartnerAccount{}, Classify(err)
	}
	link, err := c.Store.Link(ctx, conn.ID, ModelPartner, in.PartnerID)
	if err == nil && link.ExactID != "" {
		return PartnerAccount{ExactID: link.ExactID, ExactCode: link.ExactCode}, v.ensureRole(ctx, conn, link, in.Purchase)
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return PartnerAccount{}, err
	}
	pending := temporal.NewApplicationErrorWithOptions(
		fmt.Sprintf("waiting for Odoo partner %d to reach Exact (its contact sync runs)", in.PartnerID), ErrTypePartnerPending,
		temporal.ApplicationErrorOptions{NextRetryDelay: 3 * time.Second})
	if activity.GetInfo(ctx).Attempt == 1 {
		// A run of the partner's sync that ended before this invoice (skipped or failed then) says nothing about
		// now: start a new one unless one runs, and wait for it.
		if err := v.Partners.EnsureContactSync(ctx, conn, in.PartnerID); err != nil {
			return PartnerAccount{}, err
		}
		return PartnerAccount{}, pending
	}
	state, message, err := v.Partners.ContactSyncOutcome(ctx, conn, in.PartnerID)
	if err != nil {
		return PartnerAccount{}, err
	}
	switch state {
	case "failed":
		p := &Problem{Code: "invoice.partner_failed",
			EN: fmt.Sprintf("%s cannot go to Exact before its partner (Odoo partner %d), and the partner's sync stopped: %s",
				shown(in.MoveName), in.PartnerID, message),
			NL: fmt.Sprintf("%s kan pas naar Exact als de relatie (Odoo-relatie %d) er is, en de synchronisatie van de relatie is gestopt.",
				shown(in.MoveName), in.PartnerID),
			FixEN: fmt.Sprintf("fix the partner as its sync says, then `starter retry --name %s` sends the partner and this invoice", conn.Name),
			FixNL: fmt.Sprintf("herstel de relatie zoals de synchronisatie ervan zegt; daarna stuurt `starter retry --name %s` de relatie en deze factuur", conn.Name)}
		return PartnerAccount{}, dataError(p, nil)
	case "completed":
		// It may have linked the partner after the read above.
		if link, err := c.Store.Link(ctx, conn.ID, ModelPartner, in.PartnerID); err == nil && link.ExactID != "" {
			return PartnerAccount{ExactID: link.ExactID, ExactCode: link.ExactCode, Synced: true}, v.ensureRole(ctx, conn, link, in.Purchase)
		} else if err != nil && !errors.Is(err, store.ErrNotFound) {
			return PartnerAccount{}, err
		}
		p := &Problem{Code: "invoice.partner_skipped",
			EN:    fmt.Sprintf("%s cannot go to Exact: its partner (Odoo partner %d) was not sent to Exact (its sync skipped it).", shown(in.MoveName), in.PartnerID),
			NL:    fmt.Sprintf("%s kan niet naar Exact: de relatie (Odoo-relatie %d) is niet naar Exact gestuurd (overgeslagen).", shown(in.MoveName), in.PartnerID),
			FixEN: "see why in the partner's contact sync (archived? no name?), fix it in Odoo, then retry",
			FixNL: "zie in de synchronisatie van de relatie waarom (gearchiveerd? geen naam?), herstel het in Odoo en probeer opnieuw"}
		return PartnerAccount{}, dataError(p, nil)
	case "none":
		if err := v.Partners.EnsureContactSync(ctx, conn, in.PartnerID); err != nil {
			return PartnerAccount{}, err
		}
	}
	return PartnerAccount{}, pending
}

// ensureRole makes the partner's Exact account a customer (Status C) for a sales entry, or a supplier for a purchase
// entry, when what the connector last sent it says it is not: Exact refuses an entry of a relation in another role
// ("Relatie … is geen klant"), and Odoo gives a partner its role (customer_rank, supplier_rank) only when its first
// invoice is posted, which its contact sync may not have sent yet. One PUT, only then; the link remembers it.
func (v *Invoices) ensureRole(ctx context.Context, conn store.Connection, link store.Link, purchase bool) error {
	var sent map[string]any
	if len(link.Payload) > 0 {
		if err := json.Unmarshal(link.Payload, &sent); err != nil {
			return fmt.Errorf("the account link of partner %d: %w", link.OdooID, err)
		}
	}
	field, value := "Status", any("C")
	if purchase {
		field, value = "IsSupplier", any(true)
	}
	if sent != nil && sent[field] == value {
		return nil
	}
	ec, err := v.Contacts.Clients.Exact(ctx, conn)
	if err != nil {
		return err
	}
	if err := ec.Accounts.Update(ctx, conn.ExactDivision, link.ExactID, exact.Fields{field: value}); err != nil {
		return fmt.Errorf("make Exact account %s a %s: %w", link.ExactCode, map[bool]string{true: "supplier", false: "customer"}[purchase], err)
	}
	if sent == nil {
		sent = map[string]any{}
	}
	sent[field] = value
	raw, err := json.Marshal(sent)
	if err != nil {
		return err
	}
	link.Payload = raw
	return v.Contacts.Store.SaveLink(ctx, link)
}

// ---- map ----------------------------------------------------------------------------------------------------

// MapInvoiceInput is a fetched move to map.
type MapInvoiceInput struct {
	ConnectionID int64
	Move         odoo.Move
}

// MapInvoiceActivity maps a move to an Exact entry with the connection's mappings and the cached reference data:
// no reference read from Exact per invoice, one refresh when a mapped code is unknown or inactive (it may be new,
// or made active again, in Exact).
func (v *Invoices) MapInvoiceActivity(ctx context.Context, in MapInvoiceInput) (MappedEntry, error) {
	c := v.Contacts
	conn, err := c.Clients.Connection(ctx, in.ConnectionID)
	if err != nil {
		return MappedEntry{}, Classify(err)
	}
	refs, err := v.invoiceRefs(ctx, conn, false)
	if err != nil {
		return MappedEntry{}, Classify(err)
	}
	m, p := MapInvoice(in.Move, refs)
	if p != nil && (p.Code == "invoice.unknown_code" || p.Code == "invoice.inactive_code") {
		if refs, err = v.invoiceRefs(ctx, conn, true); err != nil {
			return MappedEntry{}, Classify(err)
		}
		m, p = MapInvoice(in.Move, refs)
	}
	if p != nil {
		return MappedEntry{}, dataError(p, nil)
	}
	return m, nil
}

// invoiceRefs loads the mappings and the division's reference data (from the cache unless older than
// ReferenceMaxAge or force).
func (v *Invoices) invoiceRefs(ctx context.Context, conn store.Connection, force bool) (InvoiceRefs, error) {
	st := v.Contacts.Store
	refs := InvoiceRefs{Connection: conn.Name, Mapped: map[string]map[int64]string{}}
	maps, err := st.Mappings(ctx, conn.ID, "")
	if err != nil {
		return refs, err
	}
	for _, m := range maps {
		if refs.Mapped[m.Kind] == nil {
			refs.Mapped[m.Kind] = map[int64]string{}
		}
		refs.Mapped[m.Kind][m.OdooID] = m.ExactCode
	}
	refs.ZeroVATCode = strings.TrimSpace(refs.Mapped[store.MapTax][0])
	data, err := v.reference(ctx, conn, force, len(refs.Mapped[store.MapAnalytic]) > 0)
	if err != nil {
		return refs, err
	}
	refs.Journals, refs.GLAccounts, refs.VATCodes = map[string]ExactJournal{}, map[string]ExactGL{}, map[string]ExactVAT{}
	refs.PaymentConditions, refs.Currencies = map[string]bool{}, map[string]bool{}
	for code, raw := range data[store.RefJournal] {
		var j exact.Journal
		if err := json.Unmarshal(raw, &j); err != nil {
			return refs, fmt.Errorf("cached journal %s: %w", code, err)
		}
		refs.Journals[code] = ExactJournal{Code: j.Code, Type: j.Type}
	}
	for code, raw := range data[store.RefGLAccount] {
		var g exact.GLAccount
		if err := json.Unmarshal(raw, &g); err != nil {
			return refs, fmt.Errorf("cached GL account %s: %w", code, err)
		}
		refs.GLAccounts[code] = ExactGL{ID: g.ID, Code: g.Code, Blocked: g.IsBlocked}
	}
	for code, raw := range data[store.RefVATCode] {
		var vc exact.VATCode
		if err := json.Unmarshal(raw, &vc); err != nil {
			return refs, fmt.Errorf("cached VAT code %s: %w", code, err)
		}
		refs.VATCodes[code] = ExactVAT{Code: vc.Code, Percentage: vc.Percentage, Charged: vc.Charged,
			TransactionType: vc.VATTransactionType, Blocked: vc.IsBlocked}
	}
	for code := range data[store.RefPaymentCondition] {
		refs.PaymentConditions[code] = true
	}
	for code := range data[store.RefCurrency] {
		refs.Currencies[code] = true
	}
	for code := range data[refDivision] {
		refs.DivisionCurrency = code
	}
	refs.CostCenters, refs.CostUnits = map[string]bool{}, map[string]bool{}
	for code, raw := range data[store.RefCostCenter] {
		var cc exact.CostCenter
		if err := json.Unmarshal(raw, &cc); err != nil {
			return refs, fmt.Errorf("cached cost centre %s: %w", code, err)
		}
		refs.CostCenters[code] = cc.Active
	}
	for code := range data[store.RefCostUnit] {
		refs.CostUnits[code] = true
	}
	return refs, nil
}

// refDivision caches the division's own currency (its one code).
const refDivision = "division_currency"

// reference returns the cached reference data by kind, reading from Exact the kinds that are missing or older
// than ReferenceMaxAge (every kind when force). Cost centres and cost units are read only for a connection that
// maps analytic accounts (analytic): the others spend no Exact call on them.
func (v *Invoices) reference(ctx context.Context, conn store.Connection, force, analytic bool) (map[string]map[string]json.RawMessage, error) {
	st := v.Contacts.Store
	maxAge := v.ReferenceMaxAge
	if maxAge <= 0 {
		maxAge = time.Hour
	}
	out := map[string]map[string]json.RawMessage{}
	var ec *exact.Client
	kinds := []string{store.RefJournal, store.RefGLAccount, store.RefVATCode, store.RefPaymentCondition, store.RefCurrency, refDivision}
	if analytic {
		kinds = append(kinds, store.RefCostCenter, store.RefCostUnit)
	}
	for _, kind := range kinds {
		rows, at, err := st.Reference(ctx, conn.ID, kind)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		if err == nil && !force && time.Since(at) < maxAge {
			out[kind] = rows
			continue
		}
		if ec == nil {
			if ec, err = v.Contacts.Clients.Exact(ctx, conn); err != nil {
				return nil, err
			}
		}
		if rows, err = readReference(ctx, ec, conn.ExactDivision, kind); err != nil {
			return nil, err
		}
		if err := st.ReplaceReference(ctx, conn.ID, kind, rows); err != nil {
			return nil, err
		}
		out[kind] = rows
	}
	return out, nil
}

// readReference reads one kind of reference data from Exact, keyed by trimmed code.
func readReference(ctx context.Context, ec *exact.Client, div int, kind string) (map[string]json.RawMessage, error) {
	rows := map[string]json.RawMessage{}
	add := func(code string, v any) error {
		raw, err := json.Marshal(v)
		if err != nil {
			return err
		}
		rows[strings.TrimSpace(code)] = raw
		return nil
	}
	var err error
	switch kind {
	case store.RefJournal:
		var js []exact.Journal
		if js, err = exact.Collect(ec.Journals.List(ctx, div, nil)); err == nil {
			for _, j := range js {
				err = errors.Join(err, add(j.Code, j))
			}
		}
	case store.RefGLAccount:
		var gs []exact.GLAccount
		if gs, err = exact.Collect(ec.GLAccounts.List(ctx, div, nil)); err == nil {
			for _, g := range gs {
				err = errors.Join(err, add(g.Code, g))
			}
		}
	case store.RefVATCode:
		var vs []exact.VATCode
		if vs, err = exact.Collect(ec.VATCodes.List(ctx, div, nil)); err == nil {
			for _, vc := range vs {
				err = errors.Join(err, add(vc.Code, vc))
			}
		}
	case store.RefPaymentCondition:
		var ps []exact.PaymentCondition
		if ps, err = exact.Collect(ec.PaymentConditions.List(ctx, div, nil)); err == nil {
			for _, p := range ps {
				err = errors.Join(err, add(p.Code, p))
			}
		}
	case store.RefCurrency:
		var cs []exact.Currency
		if cs, err = ec.Currencies(ctx, div); err == nil {
			for _, cur := range cs {
				err = errors.Join(err, add(cur.Code, cur))
			}
		}
	case store.RefCostCenter:
		var cs []exact.CostCenter
		if cs, err = exact.Collect(ec.CostCenters.List(ctx, div, nil)); err == nil {
			for _, cc := range cs {
				err = errors.Join(err, add(cc.Code, cc))
			}
		}
	case store.RefCostUnit:
		var us []exact.CostUnit
		if us, err = exact.Collect(ec.CostUnits.List(ctx, div, nil)); err == nil {
			for _, cu := range us {
				err = errors.Join(err, add(cu.Code, cu))
			}
		}
	case refDivision:
		var ds []exact.Division
		if ds, err = ec.Divisions(ctx, div); err == nil {
			for _, d := range ds {
				if d.Code == div {
					err = errors.Join(err, add(d.Currency, d.Currency))
				}
			}
		}
	default:
		return nil, fmt.Errorf("unknown reference kind %q", kind)
	}
	if err != nil {
		return nil, fmt.Errorf("read Exact %s: %w", kind, err)
	}
	return rows, nil
}

// ---- document -----------------------------------------------------------------------------------------------

// DocumentInput is the invoice whose PDF goes to Exact.
type DocumentInput struct {
	ConnectionID   int64
	MoveID         int64
	MoveName       string
	Purchase       bool
	PartnerExactID string
	InvoiceDate    time.Time
}

// DocumentResult is the Exact document holding the invoice's PDF ("" when there is none), and a note when the
// invoice goes without one.
type DocumentResult struct {
	DocumentID string
	Note       string `json:",omitempty"`
}

// Exact document types (documents/DocumentTypes) of invoice copies.
const (
	docTypeSalesInvoice    = 10
	docTypePurchaseInvoice = 20
)

// UploadInvoiceDocument puts the invoice's PDF in Exact: a documents/Documents record and its attachment, each
// made once (see ensureObject). Sales documents are Odoo's own rendered invoice; bills the supplier's document
// (the bill's main attachment). An invoice without a PDF still posts: the result says so.
func (v *Invoices) UploadInvoiceDocument(ctx context.Context, in DocumentInput) (DocumentResult, error) {
	res, err := v.uploadInvoiceDocument(ctx, in)
	return res, Classify(err)
}

func (v *Invoices) uploadInvoiceDocument(ctx context.Context, in DocumentInput) (DocumentResult, error) {
	c := v.Contacts
	conn, err := c.Clients.Connection(ctx, in.ConnectionID)
	if err != nil {
		return DocumentResult{}, err
	}
	links, err := c.Store.LinksOf(ctx, conn.ID, ModelMove, in.MoveID)
	if err != nil {
		return DocumentResult{}, err
	}
	if doc, ok := links[RoleDocument]; ok && !doc.Pending {
		if att, ok := links[RoleAttachment]; ok && !att.Pending {
			return DocumentResult{DocumentID: doc.ExactID}, nil
		}
	}
	if e, ok := links[RoleEntry]; ok && !e.Pending {
		if _, ok := links[RoleDocument]; !ok {
			// The entry went without a document; a repost does not add one afterwards.
			return DocumentResult{}, nil
		}
	}
	oc, err := c.Clients.Odoo(ctx, conn)
	if err != nil {
		return DocumentResult{}, err
	}
	var pdf *odoo.Document
	if in.Purchase {
		pdf, err = oc.BillDocument(ctx, in.MoveID)
	} else {
		pdf, err = oc.InvoicePDF(ctx, in.MoveID)
	}
	var fault *odoo.Fault
	if errors.As(err, &fault) && fault.Class() == odoo.Validation {
		return DocumentResult{Note: fmt.Sprintf("Odoo gave no PDF (%s): the entry is posted without one | NL: Odoo gaf geen pdf: de boeking gaat zonder", fault.Message)}, nil
	}
	if err != nil {
		return DocumentResult{}, err
	}
	if !in.Purchase {
		// Rendering the PDF may write the move (the attachment, is_move_sent): that write is the connector's own,
		// and the detector must not take it for a change of the invoice.
		at, err := c.writeDate(ctx, oc, ModelMove, in.MoveID)
		if err != nil {
			return DocumentResult{}, err
		}
		if err := c.Store.SaveSeen(ctx, conn.ID, ModelMove, in.MoveID, at, false); err != nil {
			return DocumentResult{}, err
		}
	}
	if pdf == nil || len(pdf.Content) == 0 {
		return DocumentResult{Note: "the bill has no attached document: the entry is posted without one | NL: de inkoopfactuur heeft geen bijlage: de boeking gaat zonder"}, nil
	}
	ec, err := c.Clients.Exact(ctx, conn)
	if err != nil {
		return DocumentResult{}, err
	}
	div := conn.ExactDivision
	docType := docTypeSalesInvoice
	if in.Purchase {
		docType = docTypePurchaseInvoice
	}
	subject := documentSubject(in.MoveName, in.MoveID)
	doc, _, err := ensureObject(ctx, c.Store, objectSpec{ConnectionID: conn.ID, OdooModel: ModelMove, OdooID: in.MoveID,
		Role: RoleDocument, Entity: EntityDocuments, Intent: map[string]string{"Subject": subject, "Account": in.PartnerExactID},
		Find: func(ctx context.Context) (exactObject, bool, error) {
			docs, err := exact.Collect(ec.Documents.List(ctx, div, &exact.ListOptions{
				Filter: exact.And(exact.Eq("Subject", exact.String(subject)), exact.Eq("Account", exact.Guid(in.PartnerExactID))), Top: 1}))
			if err != nil || len(docs) == 0 {
				return exactObject{}, false, err
			}
			return exactObject{ID: docs[0].ID}, true, nil
		},
		Create: func(ctx context.Context) (exactObject, error) {
			d, err := ec.Documents.Create(ctx, div, &exact.Document{Subject: subject, Type: docType, Account: in.PartnerExactID,
				DocumentDate: exact.Date{Time: in.InvoiceDate}})
			if err != nil {
				return exactObject{}, err
			}
			return exactObject{ID: d.ID}, nil
		}})
	if err != nil {
		return DocumentResult{}, err
	}
	name := pdf.Filename
	if name == "" {
		name = strings.NewReplacer("/", "_", " ", "_").Replace(in.MoveName) + ".pdf"
	}
	_, _, err = ensureObject(ctx, c.Store, objectSpec{ConnectionID: conn.ID, OdooModel: ModelMove, OdooID: in.MoveID,
		Role: RoleAttachment, Entity: EntityAttachments, Intent: map[string]string{"Document": doc.ExactID, "FileName": name},
		Find: func(ctx context.Context) (exactObject, bool, error) {
			atts, err := exact.Collect(ec.DocumentAttachments.List(ctx, div, &exact.ListOptions{Filter: exact.Eq("Document", exact.Guid(doc.ExactID)), Top: 1}))
			if err != nil || len(atts) == 0 {
				return exactObject{}, false, err
			}
			return exactObject{ID: atts[0].ID}, true, nil
		},
		Create: func(ctx context.Context) (exactObject, error) {
			a, err := ec.DocumentAttachments.Create(ctx, div, &exact.DocumentAttachment{Document: doc.ExactID, FileName: name, Attachment: pdf.Content})
			if err != nil {
				return exactObject{}, err
			}
			return exactObject{ID: a.ID}, nil
		}})
	if err != nil {
		return DocumentResult{}, err
	}
	return DocumentResult{DocumentID: doc.ExactID}, nil
}

// documentSubject is the subject of an invoice's Exact document: the Odoo number, and the move's id, which makes
// it the document's natural key (two moves may share a supplier's number).
func documentSubject(name string, id int64) string {
	return fmt.Sprintf("%s (Odoo %d)", name, id)
}

// ---- entry --------------------------------------------------------------------------------------------------

// EntryInput is a mapped invoice to post.
type EntryInput struct {
	ConnectionID   int64
	Mapped         MappedEntry
	PartnerExactID string
	DocumentID     string
}

// Entry actions in EntryResult.Action.
const (
	EntryCreated   = "created"
	EntryFound     = "found" // made by an attempt that lost Exact's answer
	EntryUnchanged = "unchanged"
	EntryUpdated   = "updated"
	EntryReposted  = "reposted" // reversed and booked anew: Exact refused to change the entry
	EntryReversed  = "reversed" // the invoice was cancelled: its entry reversed
)

// EntryResult is the Exact entry of an invoice.
type EntryResult struct {
	Action      string
	EntryID     string
	EntryNumber string
	// AmountFC is the entry's total as sent (Odoo's amount_total in the document's sign).
	AmountFC string
	Note     string `json:",omitempty"`
}

// entryIntent is an entry's natural key: its journal, YourRef and relation.
type entryIntent struct {
	Journal, YourRef, Party string
}

// UpsertEntry posts the invoice's entry once (see ensureObject: the entry is found again by journal, YourRef and
// relation after a lost answer), or updates it when the invoice changed since it was sent.
func (v *Invoices) UpsertEntry(ctx context.Context, in EntryInput) (EntryResult, error) {
	res, err := v.upsertEntry(ctx, in)
	return res, Classify(err)
}

func (v *Invoices) upsertEntry(ctx context.Context, in EntryInput) (EntryResult, error) {
	c := v.Contacts
	conn, err := c.Clients.Connection(ctx, in.ConnectionID)
	if err != nil {
		return EntryResult{}, err
	}
	ec, err := c.Clients.Exact(ctx, conn)
	if err != nil {
		return EntryResult{}, err
	}
	m := in.Mapped
	div := conn.ExactDivision
	entity := EntitySalesEntries
	if m.Purchase {
		entity = EntityPurchaseEntries
	}
	hash := m.Hash()
	intent := entryIntent{Journal: strings.TrimSpace(m.Header.Journal), YourRef: m.Header.YourRef, Party: in.PartnerExactID}
	payload, err := json.Marshal(struct {
		AmountFC, VATAmountFC string
		Lines                 int
	}{m.AmountFC.String(), m.VATAmountFC.String(), len(m.Lines)})
	if err != nil {
		return EntryResult{}, err
	}
	link, outcome, err := ensureObject(ctx, c.Store, objectSpec{ConnectionID: conn.ID, OdooModel: ModelMove, OdooID: m.MoveID,
		Role: RoleEntry, Entity: entity, Intent: intent, PayloadHash: hash, Payload: payload,
		Find: func(ctx context.Context) (exactObject, bool, error) {
			retired, err := v.retiredEntries(ctx, conn.ID, m.MoveID)
			if err != nil {
				return exactObject{}, false, err
			}
			return findEntry(ctx, ec, div, m.Purchase, intent, retired)
		},
		Create: func(ctx context.Context) (exactObject, error) {
			if m.Purchase {
				e, err := ec.PurchaseEntries.Create(ctx, div, m.PurchaseEntry(in.PartnerExactID, in.DocumentID))
				if err != nil {
					return exactObject{}, err
				}
				return exactObject{ID: e.EntryID, Code: fmt.Sprint(e.EntryNumber)}, nil
			}
			e, err := ec.SalesEntries.Create(ctx, div, m.SalesEntry(in.PartnerExactID, in.DocumentID))
			if err != nil {
				return exactObject{}, err
			}
			return exactObject{ID: e.EntryID, Code: fmt.Sprint(e.EntryNumber)}, nil
		}})
	if err != nil {
		return EntryResult{}, err
	}
	res := EntryResult{EntryID: link.ExactID, EntryNumber: link.ExactCode, AmountFC: m.AmountFC.String()}
	switch outcome {
	case outcomeCreated:
		res.Action = EntryCreated
		return res, nil
	case outcomeFound:
		res.Action = EntryFound
		return res, nil
	}
	if link.PayloadHash == hash {
		res.Action = EntryUnchanged
		return res, nil
	}
	note, err := v.updateEntry(ctx, ec, div, link, in)
	if errors.Is(err, exact.ErrValidation) {
		// Exact refuses to change the entry (processed, period closed, matched): reverse it and book anew.
		rev, rerr := v.reverseEntry(ctx, ReverseInput{ConnectionID: in.ConnectionID, MoveID: m.MoveID, Why: exactMessage(err)})
		if rerr != nil {
			return res, rerr
		}
		again := in
		again.DocumentID = "" // the document stays with the reversed entry (Exact links a document to one entry)
		res, err := v.upsertEntry(ctx, again)
		if err != nil {
			return res, err
		}
		res.Action, res.Note = EntryReposted, rev.Note
		return res, nil
	}
	if err != nil {
		return res, err
	}
	link.PayloadHash, link.Payload = hash, payload
	if err := c.Store.SaveLink(ctx, link); err != nil {
		return res, err
	}
	res.Action, res.Note = EntryUpdated, note
	return res, nil
}

// retiredEntries are the Exact entries an invoice had before (reversed entries and their reversals), which share
// its natural key.
func (v *Invoices) retiredEntries(ctx context.Context, connID, moveID int64) (map[string]bool, error) {
	links, err := v.Contacts.Store.LinksOf(ctx, connID, ModelMove, moveID)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for role, l := range links {
		if strings.HasPrefix(role, RoleEntry+"@") || strings.HasPrefix(role, roleReversal) {
			out[l.ExactID] = true
		}
	}
	return out, nil
}

// findEntry looks an entry up by its natural key (journal, YourRef and relation), other than the retired ones.
func findEntry(ctx context.Context, ec *exact.Client, div int, purchase bool, key entryIntent, retired map[string]bool) (exactObject, bool, error) {
	filter := exact.And(exact.Eq("Journal", exact.String(key.Journal)), exact.Eq("YourRef", exact.String(key.YourRef)))
	var found []exactObject
	if purchase {
		es, err := exact.Collect(ec.PurchaseEntries.List(ctx, div, &exact.ListOptions{Filter: exact.And(filter, exact.Eq("Supplier", exact.Guid(key.Party))), Top: 10}))
		if err != nil {
			return exactObject{}, false, err
		}
		for _, e := range es {
			found = append(found, exactObject{ID: e.EntryID, Code: fmt.Sprint(e.EntryNumber)})
		}
	} else {
		es, err := exact.Collect(ec.SalesEntries.List(ctx, div, &exact.ListOptions{Filter: exact.And(filter, exact.Eq("Customer", exact.Guid(key.Party))), Top: 10}))
		if err != nil {
			return exactObject{}, false, err
		}
		for _, e := range es {
			found = append(found, exactObject{ID: e.EntryID, Code: fmt.Sprint(e.EntryNumber)})
		}
	}
	for _, o := range found {
		if !retired[o.ID] {
			return o, true, nil
		}
	}
	return exactObject{}, false, nil
}

// exactMessage is Exact's own message in an error, for a run's note.
func exactMessage(err error) string {
	var ee *exact.Error
	if errors.As(err, &ee) && ee.Message != "" {
		return ee.Message
	}
	return err.Error()
}

// updateEntry brings a sent entry in line with the reposted invoice: the header by PUT, the lines through the
// lines endpoint (a PUT cannot add lines): changed lines updated, new ones posted, surplus ones deleted.
func (v *Invoices) updateEntry(ctx context.Context, ec *exact.Client, div int, link store.Link, in EntryInput) (string, error) {
	m := in.Mapped
	h := m.Header
	header := exact.Fields{"EntryDate": h.EntryDate, "DueDate": h.DueDate, "YourRef": h.YourRef, "Description": h.Description,
		"PaymentReference": h.PaymentReference, "PaymentCondition": h.PaymentCondition}
	var lines []exact.EntryLine
	var err error
	if m.Purchase {
		if err = ec.PurchaseEntries.Update(ctx, div, link.ExactID, header); err == nil {
			lines, err = exact.Collect(ec.PurchaseEntries.Lines(ctx, div, link.ExactID))
		}
	} else {
		if err = ec.SalesEntries.Update(ctx, div, link.ExactID, header); err == nil {
			lines, err = exact.Collect(ec.SalesEntries.Lines(ctx, div, link.ExactID))
		}
	}
	if err != nil {
		return "", err
	}
	svcUpdate, svcCreate, svcDelete := ec.SalesEntries.UpdateLine, ec.SalesEntries.CreateLine, ec.SalesEntries.DeleteLine
	if m.Purchase {
		svcUpdate, svcCreate, svcDelete = ec.PurchaseEntries.UpdateLine, ec.PurchaseEntries.CreateLine, ec.PurchaseEntries.DeleteLine
	}
	changed := 0
	for i, want := range m.Lines {
		if i < len(lines) {
			have := lines[i]
			if sameLine(have, want) {
				continue
			}
			f := exact.Fields{"GLAccount": want.GLAccount, "Description": want.Description, "AmountFC": want.AmountFC,
				"VATCode": want.VATCode, "Quantity": want.Quantity, "CostCenter": want.CostCenter, "CostUnit": want.CostUnit}
			if amountSent(want.VATAmountFC) != nil {
				f["VATAmountFC"] = want.VATAmountFC
			}
			if err := svcUpdate(ctx, div, have.ID, f); err != nil {
				return "", err
			}
			changed++
			continue
		}
		l := want
		l.EntryID = link.ExactID
		if _, err := svcCreate(ctx, div, &l); err != nil {
			return "", err
		}
		changed++
	}
	for _, extra := range lines[min(len(lines), len(m.Lines)):] {
		if err := svcDelete(ctx, div, extra.ID); err != nil {
			return "", err
		}
		changed++
	}
	return fmt.Sprintf("the invoice changed in Odoo after it was sent: entry %s updated (header and %d lines) | "+
		"NL: de factuur is in Odoo gewijzigd na verzending: boeking %s bijgewerkt (kop en %d regels)", link.ExactCode, changed, link.ExactCode, changed), nil
}

// ---- reverse ------------------------------------------------------------------------------------------------

// ReverseInput names the invoice whose Exact entry is reversed, and why.
type ReverseInput struct {
	ConnectionID int64
	MoveID       int64
	// Cancelled: the invoice was cancelled in Odoo; otherwise Exact refused to update the entry of a reposted
	// invoice (processed, period closed, matched) and a new entry follows the reversal.
	Cancelled bool
	Why       string
}

// ReverseResult is the reversal made.
type ReverseResult struct {
	Reversed       string // the reversed entry's number
	ReversalID     string
	ReversalNumber string
	Note           string
}

// roleReversal is the link role of the entry that reverses an invoice's entry.
const roleReversal = "reversal"

// ReverseEntry reverses the Exact entry of an invoice with an entry of the opposite sign in the same journal, for
// the same relation and YourRef, dated today; it is made once (see ensureObject). A booked entry is reversed rather
// than deleted: Exact's entry numbers stay without gaps and the books show what happened, as an accountant
// credits a cancelled invoice. The invoice's links to the entry, its document and the reversal are then retired
// (role@number), so a reposted invoice gets a new entry and a new document.
func (v *Invoices) ReverseEntry(ctx context.Context, in ReverseInput) (ReverseResult, error) {
	res, err := v.reverseEntry(ctx, in)
	return res, Classify(err)
}

func (v *Invoices) reverseEntry(ctx context.Context, in ReverseInput) (ReverseResult, error) {
	c := v.Contacts
	conn, err := c.Clients.Connection(ctx, in.ConnectionID)
	if err != nil {
		return ReverseResult{}, err
	}
	links, err := c.Store.LinksOf(ctx, conn.ID, ModelMove, in.MoveID)
	if err != nil {
		return ReverseResult{}, err
	}
	entry, ok := links[RoleEntry]
	if !ok || entry.Pending {
		return ReverseResult{}, fmt.Errorf("move %d has no Exact entry to reverse", in.MoveID)
	}
	ec, err := c.Clients.Exact(ctx, conn)
	if err != nil {
		return ReverseResult{}, err
	}
	div := conn.ExactDivision
	purchase := entry.ExactEntity == EntityPurchaseEntries
	var head exact.EntryHeader
	var party string
	var lines []exact.EntryLine
	if purchase {
		e, err := ec.PurchaseEntries.Get(ctx, div, entry.ExactID)
		if err == nil {
			head, party = e.EntryHeader, e.Supplier
			lines, err = exact.Collect(ec.PurchaseEntries.Lines(ctx, div, entry.ExactID))
		}
		if err != nil {
			return ReverseResult{}, err
		}
	} else {
		e, err := ec.SalesEntries.Get(ctx, div, entry.ExactID)
		if err == nil {
			head, party = e.EntryHeader, e.Customer
			lines, err = exact.Collect(ec.SalesEntries.Lines(ctx, div, entry.ExactID))
		}
		if err != nil {
			return ReverseResult{}, err
		}
	}
	rev := exact.EntryHeader{Journal: head.Journal, EntryDate: exact.Date{Time: time.Now()}, YourRef: head.YourRef,
		Description: cut(fmt.Sprintf("Reversal of %d %s", head.EntryNumber, head.Description), 60), Currency: head.Currency, Rate: head.Rate,
		PaymentReference: head.PaymentReference}
	var revLines []exact.EntryLine
	for _, l := range lines {
		revLines = append(revLines, exact.EntryLine{GLAccount: l.GLAccount, Description: l.Description, AmountFC: l.AmountFC.Neg(),
			VATCode: l.VATCode, VATAmountFC: l.VATAmountFC.Neg(), Quantity: l.Quantity.Neg(), CostCenter: l.CostCenter, CostUnit: l.CostUnit})
	}
	key := entryIntent{Journal: strings.TrimSpace(head.Journal), YourRef: head.YourRef, Party: party}
	link, _, err := ensureObject(ctx, c.Store, objectSpec{ConnectionID: conn.ID, OdooModel: ModelMove, OdooID: in.MoveID, Role: roleReversal,
		Entity: entry.ExactEntity, Intent: key,
		Find: func(ctx context.Context) (exactObject, bool, error) {
			return findOtherEntry(ctx, ec, div, purchase, key, entry.ExactID)
		},
		Create: func(ctx context.Context) (exactObject, error) {
			if purchase {
				e, err := ec.PurchaseEntries.Create(ctx, div, &exact.PurchaseEntry{EntryHeader: rev, Supplier: party, PurchaseEntryLines: revLines})
				if err != nil {
					return exactObject{}, err
				}
				return exactObject{ID: e.EntryID, Code: fmt.Sprint(e.EntryNumber)}, nil
			}
			e, err := ec.SalesEntries.Create(ctx, div, &exact.SalesEntry{EntryHeader: rev, Customer: party, SalesEntryLines: revLines})
			if err != nil {
				return exactObject{}, err
			}
			return exactObject{ID: e.EntryID, Code: fmt.Sprint(e.EntryNumber)}, nil
		}})
	if err != nil {
		return ReverseResult{}, err
	}
	out := ReverseResult{Reversed: entry.ExactCode, ReversalID: link.ExactID, ReversalNumber: link.ExactCode}
	if in.Cancelled {
		out.Note = fmt.Sprintf("cancelled in Odoo: Exact entry %s reversed by entry %s | NL: geannuleerd in Odoo: Exact-boeking %s tegengeboekt met boeking %s",
			entry.ExactCode, link.ExactCode, entry.ExactCode, link.ExactCode)
	} else {
		out.Note = fmt.Sprintf("changed in Odoo after it was sent, and Exact refused to change entry %s (%s): it was reversed by entry %s and the invoice booked anew | "+
			"NL: gewijzigd in Odoo na verzending, en Exact weigerde boeking %s te wijzigen: die is tegengeboekt met boeking %s en de factuur opnieuw geboekt",
			entry.ExactCode, in.Why, link.ExactCode, entry.ExactCode, link.ExactCode)
	}
	return out, c.Store.RetireLinks(ctx, conn.ID, ModelMove, in.MoveID, []string{RoleEntry, roleReversal, RoleDocument, RoleAttachment}, entry.ExactCode)
}

// findOtherEntry looks up an entry by its natural key other than the one it reverses.
func findOtherEntry(ctx context.Context, ec *exact.Client, div int, purchase bool, key entryIntent, except string) (exactObject, bool, error) {
	return findEntry(ctx, ec, div, purchase, key, map[string]bool{except: true})
}

// ---- write back ---------------------------------------------------------------------------------------------

// InvoiceWriteBackInput is what to write on the move.
type InvoiceWriteBackInput struct {
	ConnectionID                       int64
	MoveID                             int64
	EntryID, EntryNumber, DocumentID   string
	WrittenEntryID, WrittenEntryNumber string
	WrittenDocumentID                  string
}

// WriteBackInvoice writes the Exact entry's ID and number and the document's ID into the move's x_ fields, when they
// differ, and records the write so no detector takes it for a change.
func (v *Invoices) WriteBackInvoice(ctx context.Context, in InvoiceWriteBackInput) (bool, error) {
	if in.WrittenEntryID == in.EntryID && in.WrittenEntryNumber == in.EntryNumber && in.WrittenDocumentID == in.DocumentID {
		return false, nil
	}
	c := v.Contacts
	conn, err := c.Clients.Connection(ctx, in.ConnectionID)
	if err != nil {
		return false, Classify(err)
	}
	oc, err := c.Clients.Odoo(ctx, conn)
	if err != nil {
		return false, Classify(err)
	}
	before, err := c.writeDate(ctx, oc, ModelMove, in.MoveID)
	if err != nil {
		return false, err
	}
	if err := oc.WriteFields(ctx, ModelMove, in.MoveID, map[string]any{FieldEntryID: in.EntryID, FieldEntryNumber: in.EntryNumber,
		FieldDocumentID: in.DocumentID}); err != nil {
		return false, Classify(err)
	}
	return true, c.recordOwnWrite(ctx, oc, conn.ID, ModelMove, in.MoveID, before)
}

// ensureMoveWriteBackFields creates the x_ fields on account.move when they are missing.
func ensureMoveWriteBackFields(ctx context.Context, oc *odoo.Client) error {
	for _, f := range moveWriteBackFields {
		if _, err := oc.EnsureCustomField(ctx, ModelMove, f.name, "char", f.label); err != nil {
			return fmt.Errorf("create the Odoo field %s.%s: %w", ModelMove, f.name, err)
		}
	}
	return nil
}

// sameLine tells whether an Exact line already is what the mapping sends.
func sameLine(have, want exact.EntryLine) bool {
	same := strings.TrimSpace(have.GLAccount) == strings.TrimSpace(want.GLAccount) && have.Description == want.Description &&
		have.AmountFC.Equal(want.AmountFC) && strings.TrimSpace(have.VATCode) == strings.TrimSpace(want.VATCode) &&
		strings.TrimSpace(have.CostCenter) == strings.TrimSpace(want.CostCenter) && strings.TrimSpace(have.CostUnit) == strings.TrimSpace(want.CostUnit)
	if amountSent(want.Quantity) != nil {
		same = same && have.Quantity.Equal(want.Quantity)
	}
	if amountSent(want.VATAmountFC) != nil {
		same = same && have.VATAmountFC.Equal(want.VATAmountFC)
	}
	return same
}
