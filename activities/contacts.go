package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"go.temporal.io/sdk/activity"

	"github.com/exactsync/exactsync/clients/exact"
	"github.com/exactsync/exactsync/clients/odoo"
	"github.com/exactsync/exactsync/store"
)

// Odoo models and Exact entity sets the contact sync links.
const (
	ModelPartner     = "res.partner"
	ModelPartnerBank = "res.partner.bank"
	EntityAccounts   = "crm/Accounts"
	EntityBanks      = "crm/BankAccounts"

	// Write-back fields the connector creates on res.partner.
	FieldExactID   = "x_exact_account_id"
	FieldExactCode = "x_exact_account_code"

	// PartnerCursor and BankCursor name the stored cursors of the partner and bank-account change feeds.
	PartnerCursor = "odoo.res.partner"
	BankCursor    = "odoo.res.partner.bank"
)

// SyncStarter starts (or signals, when it already runs) the sync workflow of one partner.
type SyncStarter interface {
	StartContactSync(ctx context.Context, conn store.Connection, partnerID int64) error
}

// SyncStarterFunc adapts a function to SyncStarter.
type SyncStarterFunc func(ctx context.Context, conn store.Connection, partnerID int64) error

// StartContactSync calls f.
func (f SyncStarterFunc) StartContactSync(ctx context.Context, conn store.Connection, partnerID int64) error {
	return f(ctx, conn, partnerID)
}

// Contacts holds the activities of the contact sync, Odoo → Exact.
type Contacts struct {
	Store   SyncStore
	Clients *Clients
	Starter SyncStarter
	// MirrorMaxAge is how old the local copy of Exact's accounts may be before a match refreshes it
	// (one sync/CRM/Accounts call serves every partner matched within this window). Default 60 s.
	MirrorMaxAge time.Duration

	fieldsReady sync.Map // connection id → whether its x_ fields are company dependent, once they exist
}

// ChangedPartnersInput asks for a page of partners changed since the stored cursors, or, for a sweep, since the
// given ones.
type ChangedPartnersInput struct {
	ConnectionID int64
	Limit        int
	// Sweeping reads from Cursors (missing ones: the beginning) instead of the stored cursors, and takes the
	// connector's own write-backs too: a sweep syncs every partner.
	Sweeping bool
	Cursors  []NamedCursor
}

// NamedCursor is the value of one stored cursor.
type NamedCursor struct {
	Name  string
	Value string
}

// ChangedPartners is a page of changes: the commercial partners to sync, and the cursors after the page.
type ChangedPartners struct {
	PartnerIDs []int64
	Cursors    []NamedCursor
	More       bool
	Skipped
	// Cursor is the partner cursor alone, as pages were before the bank-account feed; only a detector run
	// that was under way when the worker was upgraded still carries it.
	Cursor string `json:",omitempty"`
}

// ChangedPartners lists the customers and suppliers changed in Odoo since the stored cursor, and the partners
// whose bank accounts changed since theirs (a new res.partner.bank does not touch the partner's write_date).
// A child contact rolls up to its commercial partner; a change that is the connector's own write-back is dropped.
// A quiet Odoo costs one call per feed. The cursors are returned, not stored: the workflow stores them once the
// syncs were started.
func (c *Contacts) ChangedPartners(ctx context.Context, in ChangedPartnersInput) (ChangedPartners, error) {
	conn, err := c.Clients.Connection(ctx, in.ConnectionID)
	if err != nil {
		return ChangedPartners{}, Classify(err)
	}
	oc, err := c.Clients.Odoo(ctx, conn)
	if err != nil {
		return ChangedPartners{}, Classify(err)
	}
	limit := in.Limit
	if limit <= 0 {
		limit = 200
	}
	var out ChangedPartners
	seen := map[int64]bool{}
	add := func(id int64) {
		if id > 0 && !seen[id] {
			seen[id] = true
			out.PartnerIDs = append(out.PartnerIDs, id)
		}
	}

	cursor := func(name string) (odoo.Cursor, error) {
		if !in.Sweeping {
			return c.cursor(ctx, conn.ID, name)
		}
		for _, nc := range in.Cursors {
			if nc.Name == name {
				cur, err := odoo.ParseCursor(nc.Value)
				return cur, Classify(err)
			}
		}
		return odoo.Cursor{}, nil
	}
	cur, err := cursor(PartnerCursor)
	if err != nil {
		return ChangedPartners{}, err
	}
	changes, next, more, err := oc.PartnersChangedSince(ctx, cur, limit)
	if err != nil {
		return ChangedPartners{}, Classify(err)
	}
	out.More = more
	out.Cursors = append(out.Cursors, NamedCursor{PartnerCursor, next.String()})
	own, err := c.ownChanges(ctx, conn.ID, ModelPartner, changes)
	if err != nil {
		return ChangedPartners{}, err
	}
	for _, ch := range changes {
		if own[ch.ID] != 0 && !in.Sweeping {
			out.count(own[ch.ID])
			continue
		}
		id := odoo.NewDecoder(ch.Fields).Many2One("commercial_partner_id").ID
		if id == 0 {
			id = ch.ID
		}
		add(id)
	}

	bankCur, err := cursor(BankCursor)
	if err != nil {
		return ChangedPartners{}, err
	}
	banks, bankNext, bankMore, err := oc.BankAccountsChangedSince(ctx, bankCur, limit)
	if err != nil {
		return ChangedPartners{}, Classify(err)
	}
	out.More = out.More || bankMore
	out.Cursors = append(out.Cursors, NamedCursor{BankCursor, bankNext.String()})
	ownBanks, err := c.ownChanges(ctx, conn.ID, ModelPartnerBank, banks)
	if err != nil {
		return ChangedPartners{}, err
	}
	var holders []int64
	for _, ch := range banks {
		if ownBanks[ch.ID] != 0 && !in.Sweeping {
			out.count(ownBanks[ch.ID])
			continue
		}
		holders = append(holders, odoo.NewDecoder(ch.Fields).Many2One("partner_id").ID)
	}
	if holders = uniqueIDs(holders); len(holders) > 0 {
		recs, err := oc.SearchRead(ctx, ModelPartner, odoo.Domain{[]any{"id", "in", holders}},
			[]string{"id", "commercial_partner_id"}, odoo.SearchReadOptions{Context: map[string]any{"active_test": false}})
		if err != nil {
			return ChangedPartners{}, Classify(err)
		}
		for _, r := range recs {
			d := odoo.NewDecoder(r)
			id := d.Many2One("commercial_partner_id").ID
			if id == 0 {
				id = d.Int("id")
			}
			add(id)
		}
	}
	return out, nil
}

// cursor reads a stored cursor.
func (c *Contacts) cursor(ctx context.Context, connID int64, name string) (odoo.Cursor, error) {
	raw, err := c.Store.Cursor(ctx, connID, name)
	if err != nil {
		return odoo.Cursor{}, err
	}
	cur, err := odoo.ParseCursor(raw)
	if err != nil {
		return odoo.Cursor{}, Classify(err)
	}
	return cur, nil
}

// Skipped counts the changes of a page that need no sync.
type Skipped struct {
	Own    int // the connector's own write-backs
	Synced int `json:",omitempty"` // states a sync had already read (a webhook's run, found again by the poll)
}

func (s *Skipped) count(h handled) {
	switch h {
	case ownWriteBack:
		s.Own++
	case alreadySynced:
		s.Synced++
	}
}

// handled is why a change feed's record needs no sync.
type handled int

const (
	ownWriteBack  handled = iota + 1 // its write_date is the connector's own write-back
	alreadySynced                    // a sync of this connection already read it at this write_date, settled
)

// ownChanges tells which changes need no sync: a write-back by the connector, through this connection or another
// one on the same Odoo database (write_date is one for all companies): their write_date is the one Odoo gave the
// record right after that write. It is skipped only if this connection's sync has read the record as it was
// before the write-back (the basis, the last change nobody of the connector made), so an edit made just before
// another connection's write-back still reaches this one's division. And a record a sync of this connection
// already read at exactly this write_date, after that second was over (a webhook's run, found again by the next
// poll): one edit is one run.
func (c *Contacts) ownChanges(ctx context.Context, connID int64, model string, changes []odoo.Change) (map[int64]handled, error) {
	ids := make([]int64, len(changes))
	for i, ch := range changes {
		ids[i] = ch.ID
	}
	writes, err := c.Store.OwnWrites(ctx, connID, model, ids)
	if err != nil {
		return nil, err
	}
	settled, err := c.Store.SettledSeen(ctx, connID, model, ids)
	if err != nil {
		return nil, err
	}
	out := map[int64]handled{}
	for _, ch := range changes {
		at := ch.WriteDate.UTC()
		if w, ok := writes[ch.ID]; ok && w.WriteDate.Equal(at) && (w.Basis.IsZero() || !w.Seen.IsZero() && !w.Seen.Before(w.Basis)) {
			out[ch.ID] = ownWriteBack
		} else if seen, ok := settled[ch.ID]; ok && seen.Equal(at) {
			out[ch.ID] = alreadySynced
		}
	}
	return out, nil
}

// OwnWrite tells whether a record's current write_date needs no sync (the connector's own write-back through any
// connection on the same Odoo database, or a state a sync already read), by the rule the detectors apply; the
// webhook receiver uses it so a write-back's notification starts no sync.
func OwnWrite(ctx context.Context, st SyncStore, connID int64, model string, id int64, writeDate time.Time) (bool, error) {
	c := &Contacts{Store: st}
	own, err := c.ownChanges(ctx, connID, model, []odoo.Change{{ID: id, WriteDate: writeDate}})
	return own[id] != 0, err
}

// settledRead runs read, which returns what it read and the record's write_date. When Odoo answered while that
// write_date's second was still open (a webhook's run reads right after the edit), a later write in the same
// second would carry the same whole-second write_date; so it waits until the second is over by Odoo's clock and
// reads once more. It tells whether the read it returns is settled (SaveSeen).
func settledRead[T any](ctx context.Context, read func(ctx context.Context) (T, time.Time, error)) (T, bool, error) {
	for attempt := 0; ; attempt++ {
		rctx, clock := odoo.WithServerClock(ctx)
		v, writeDate, err := read(rctx)
		if err != nil || clock.Over(writeDate) || clock.Answered().IsZero() || attempt == 1 {
			return v, err == nil && clock.Over(writeDate), err
		}
		// Over needs Odoo's whole-second clock at writeDate + 2 s (one second of margin).
		wait := writeDate.Add(2*time.Second).Sub(clock.Answered()) + 50*time.Millisecond
		select {
		case <-ctx.Done():
			var zero T
			return zero, false, ctx.Err()
		case <-time.After(min(wait, 3*time.Second)):
		}
	}
}

// uniqueIDs returns the distinct positive ids in first-seen order.
func uniqueIDs(ids []int64) []int64 {
	seen := map[int64]bool{}
	var out []int64
	for _, id := range ids {
		if id > 0 && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// EnqueueInput names the partners whose sync must start.
type EnqueueInput struct {
	ConnectionID int64
	PartnerIDs   []int64
}

// EnqueueContactSyncs starts (or signals) one sync workflow per partner; a running one coalesces the change.
func (c *Contacts) EnqueueContactSyncs(ctx context.Context, in EnqueueInput) error {
	conn, err := c.Clients.Connection(ctx, in.ConnectionID)
	if err != nil {
		return Classify(err)
	}
	start := 0
	if activity.HasHeartbeatDetails(ctx) {
		if err := activity.GetHeartbeatDetails(ctx, &start); err != nil {
			start = 0
		}
	}
	for i := start; i < len(in.PartnerIDs); i++ {
		if err := c.Starter.StartContactSync(ctx, conn, in.PartnerIDs[i]); err != nil {
			return fmt.Errorf("start the sync of partner %d: %w", in.PartnerIDs[i], err)
		}
		activity.RecordHeartbeat(ctx, i+1)
	}
	return nil
}

// CursorInput stores cursors.
type CursorInput struct {
	ConnectionID int64
	Cursors      []NamedCursor
	// Value is the partner cursor of a page made before the bank-account feed (see ChangedPartners.Cursor).
	Value string `json:",omitempty"`
}

// SaveCursor stores the detector's cursors after the syncs were started.
func (c *Contacts) SaveCursor(ctx context.Context, in CursorInput) error {
	cursors := in.Cursors
	if len(cursors) == 0 && in.Value != "" {
		cursors = []NamedCursor{{PartnerCursor, in.Value}}
	}
	for _, cur := range cursors {
		if cur.Name == "" {
			return fmt.Errorf("save cursor: a cursor without a name")
		}
		if err := c.Store.SetCursor(ctx, in.ConnectionID, cur.Name, cur.Value); err != nil {
			return err
		}
	}
	return nil
}

// ContactRef names one partner of a connection.
type ContactRef struct {
	ConnectionID int64
	PartnerID    int64
}

// writeBackFields are the x_ fields the connector creates on res.partner.
var writeBackFields = []struct{ name, label string }{{FieldExactID, "Exact account ID"}, {FieldExactCode, "Exact account code"}}

// EnsureWriteBackFields creates the connector's x_ write-back fields in Odoo when they are missing. `starter
// connect odoo` and the worker's start call it once per connection, so parallel first syncs never race to
// create them (and a sync that finds them missing calls it too; a lost race is taken as "already there").
//
// The fields are made company dependent where Odoo can (18 and later): two connections on two companies of one
// database then each keep their own Exact ID on a shared partner. Odoo 17 cannot (ir.model.fields has no
// company_dependent), and fields made by an earlier version are left as they are (a shared column is not
// converted); then the fields are shared by all companies, and only the oldest connection on the database
// writes into them (see WriteBackPartner).
func EnsureWriteBackFields(ctx context.Context, oc *odoo.Client) error {
	for _, f := range writeBackFields {
		if _, err := oc.EnsureCustomField(ctx, ModelPartner, f.name, "char", f.label, odoo.CompanyDependent()); err != nil {
			return fmt.Errorf("create the write-back field %s.%s: %w", ModelPartner, f.name, err)
		}
	}
	return ensureMoveWriteBackFields(ctx, oc)
}

// writeBackPerCompany makes sure the write-back fields exist and tells whether they hold a value per company.
// The answer is kept per connection.
func (c *Contacts) writeBackPerCompany(ctx context.Context, connID int64, oc *odoo.Client) (bool, error) {
	if v, ok := c.fieldsReady.Load(connID); ok {
		return v.(bool), nil
	}
	if err := EnsureWriteBackFields(ctx, oc); err != nil {
		return false, err
	}
	perCompany := true
	for _, f := range writeBackFields {
		cd, err := oc.CustomFieldCompanyDependent(ctx, ModelPartner, f.name)
		if err != nil {
			return false, err
		}
		perCompany = perCompany && cd
	}
	c.fieldsReady.Store(connID, perCompany)
	return perCompany, nil
}

// FetchedPartner is the partner as read from Odoo, or why it is not synced.
type FetchedPartner struct {
	Skip   bool
	Reason string
	// Block asks the workflow to block the partner's Exact account (BlockAccount): the partner is archived in
	// Odoo, linked to an account, and the connection's archive action is block.
	Block        bool
	Partner      odoo.Partner
	WrittenID    string // the Exact ID already written back into Odoo
	WrittenCode  string
	CommercialID int64
}

// FetchPartner reads the partner with its bank accounts and payment terms (and the write-back fields,
// which it creates on first use).
func (c *Contacts) FetchPartner(ctx context.Context, in ContactRef) (FetchedPartner, error) {
	conn, err := c.Clients.Connection(ctx, in.ConnectionID)
	if err != nil {
		return FetchedPartner{}, Classify(err)
	}
	oc, err := c.Clients.Odoo(ctx, conn)
	if err != nil {
		return FetchedPartner{}, Classify(err)
	}
	if _, err := c.writeBackPerCompany(ctx, conn.ID, oc); err != nil {
		return FetchedPartner{}, Classify(err)
	}
	ps, settled, err := settledRead(ctx, func(ctx context.Context) ([]odoo.Partner, time.Time, error) {
		ps, err := oc.Partners(ctx, []int64{in.PartnerID}, FieldExactID, FieldExactCode)
		if err != nil {
			return nil, time.Time{}, err
		}
		last := ps[0].WriteDate // settled when the partner's and its bank accounts' last change are over
		for _, b := range ps[0].BankAccounts {
			if b.WriteDate.After(last) {
				last = b.WriteDate
			}
		}
		return ps, last, nil
	})
	if errors.Is(err, odoo.ErrNotFound) {
		return FetchedPartner{Skip: true, Reason: "the partner no longer exists in Odoo"}, nil
	}
	if err != nil {
		return FetchedPartner{}, Classify(err)
	}
	p := ps[0]
	// What this connection has seen of the partner: a write-back by another connection on top of this state
	// is not a change for this one (ownChanges).
	if err := c.Store.SaveSeen(ctx, conn.ID, ModelPartner, p.ID, p.WriteDate, settled); err != nil {
		return FetchedPartner{}, err
	}
	// And of its bank accounts: the bank feed finding this state again (a change still in its second when the
	// poll read it) is no new change.
	for _, b := range p.BankAccounts {
		if b.WriteDate.IsZero() {
			continue
		}
		if err := c.Store.SaveSeen(ctx, conn.ID, ModelPartnerBank, b.ID, b.WriteDate, settled); err != nil {
			return FetchedPartner{}, err
		}
	}
	d := odoo.NewDecoder(p.Record)
	out := FetchedPartner{Partner: p, WrittenID: d.String(FieldExactID), WrittenCode: d.String(FieldExactCode),
		CommercialID: p.CommercialPartner.ID}
	p.Record = nil // the typed fields are all the sync needs; keep the workflow history small
	out.Partner = p
	switch {
	case !p.Active:
		out.Skip, out.Reason = true, "the partner is archived in Odoo | NL: de relatie is gearchiveerd in Odoo"
		if _, err := c.Store.Link(ctx, conn.ID, ModelPartner, p.ID); err == nil {
			if conn.ArchiveAction == store.ArchiveIgnore {
				out.Reason = "the partner is archived in Odoo; its Exact account stays active (the connection's archive action is ignore) | " +
					"NL: de relatie is gearchiveerd in Odoo; de Exact-relatie blijft actief (de koppeling staat op negeren)"
			} else {
				out.Block = true
			}
		} else if !errors.Is(err, store.ErrNotFound) {
			return FetchedPartner{}, Classify(err)
		}
	case p.CommercialPartner.ID != 0 && p.CommercialPartner.ID != p.ID:
		out.Skip, out.Reason = true, fmt.Sprintf("a contact of %q: synced as part of its company", p.CommercialPartner.Name)
	case p.CustomerRank <= 0 && p.SupplierRank <= 0:
		out.Skip, out.Reason = true, "neither a customer nor a supplier"
	}
	return out, nil
}

// MapInput is a fetched partner to map.
type MapInput struct {
	ConnectionID int64
	Partner      odoo.Partner
}

// MapContact maps the partner to Exact's account fields through the connection's payment-term mappings.
func (c *Contacts) MapContact(ctx context.Context, in MapInput) (MappedContact, error) {
	ms, err := c.Store.Mappings(ctx, in.ConnectionID, store.MapPaymentTerm)
	if err != nil {
		return MappedContact{}, err
	}
	terms := PaymentConditions{}
	for _, m := range ms {
		terms[m.OdooID] = m.ExactCode
	}
	m, err := MapPartner(in.Partner, terms)
	return m, Classify(err)
}

// UpsertInput is a mapped partner to create or update in Exact.
type UpsertInput struct {
	ConnectionID int64
	Mapped       MappedContact
	// Force sends a payload Exact refused before, unchanged (`starter retry --force`).
	Force bool
}

// Upsert actions.
const (
	ActionCreated   = "created"
	ActionUpdated   = "updated"
	ActionLinked    = "linked"
	ActionUnchanged = "unchanged"
)

// UpsertResult says what happened in Exact.
type UpsertResult struct {
	ExactID   string
	ExactCode string
	Action    string
	MatchedBy string // vat, chamber_of_commerce or code when an existing relation was linked
	// DroppedExactID is the account the partner was linked to until this run found it deleted in Exact.
	DroppedExactID string `json:",omitempty"`
	// Note tells a person what the run did besides the usual (a link dropped, an account unblocked), in English
	// and Dutch.
	Note string `json:",omitempty"`
}

// UpsertAccount finds the partner's Exact account (link, else an existing relation with the same VAT number,
// Chamber of Commerce number or code) and creates or updates it. An unchanged payload costs no call; an update
// sends only the changed fields. A retried attempt looks the account up in Exact first, so a create whose
// answer was lost is found instead of made twice.
//
// A payload Exact refused is not sent again while it is the same (Exact blocks an app after 10 refused calls
// per endpoint per hour): the sync stops with the refusal, until the partner or its mapping changes the payload,
// or `starter retry --force`.
func (c *Contacts) UpsertAccount(ctx context.Context, in UpsertInput) (UpsertResult, error) {
	m := in.Mapped
	if !in.Force {
		r, err := c.Store.Refusal(ctx, in.ConnectionID, ModelPartner, m.PartnerID)
		switch {
		case err == nil && r.PayloadHash == m.AccountHash:
			return UpsertResult{}, Classify(refusedBefore(m, r))
		case err != nil && !errors.Is(err, store.ErrNotFound):
			return UpsertResult{}, Classify(err)
		}
	}
	res, err := c.upsertAccount(ctx, in)
	var ee *exact.Error
	switch {
	case errors.As(err, &ee) && ee.Class() == exact.ClassValidation:
		if serr := c.Store.SaveRefusal(ctx, in.ConnectionID, ModelPartner, m.PartnerID, m.AccountHash, ee.Message); serr != nil {
			return res, Classify(errors.Join(err, serr))
		}
	case err == nil:
		if serr := c.Store.ClearRefusal(ctx, in.ConnectionID, ModelPartner, m.PartnerID); serr != nil {
			return res, Classify(serr)
		}
	}
	return res, Classify(err)
}

// refusedBefore is the data error of a payload Exact already refused: nothing is sent.
func refusedBefore(m MappedContact, r store.Refusal) *Problem {
	at := r.RefusedAt.UTC().Format("2006-01-02 15:04 MST")
	return &Problem{Code: "exact.refused_before",
		EN:    fmt.Sprintf("Exact refused this same data of partner %d on %s: %q. It was not sent again (Exact blocks the app after 10 refusals an hour).", m.PartnerID, at, r.Message),
		NL:    fmt.Sprintf("Exact weigerde deze zelfde gegevens van relatie %d op %s: %q. Ze zijn niet opnieuw verstuurd (Exact blokkeert de app na 10 weigeringen per uur).", m.PartnerID, at, r.Message),
		FixEN: "correct the partner in Odoo (or its mapping) so Exact accepts it; the change is synced by itself. To send it unchanged anyway: `starter retry --force`",
		FixNL: "corrigeer de relatie in Odoo (of de koppeling) zodat Exact ze accepteert; de wijziging wordt vanzelf gesynchroniseerd. Om ze toch ongewijzigd te sturen: `starter retry --force`"}
}

func (c *Contacts) upsertAccount(ctx context.Context, in UpsertInput) (UpsertResult, error) {
	conn, err := c.Clients.Connection(ctx, in.ConnectionID)
	if err != nil {
		return UpsertResult{}, err
	}
	ec, err := c.Clients.Exact(ctx, conn)
	if err != nil {
		return UpsertResult{}, err
	}
	m := in.Mapped.clean() // a sync recorded before MapPartner cleaned its output still carries control characters
	var stale *store.Link  // the link to an account Exact deleted, dropped below
	link, err := c.Store.Link(ctx, conn.ID, ModelPartner, m.PartnerID)
	switch {
	case err == nil:
		res, gone, err := c.updateLinked(ctx, conn, ec, m, link)
		if err != nil || !gone {
			return res, err
		}
		if err := c.dropStaleLink(ctx, conn.ID, m, link); err != nil {
			return UpsertResult{}, err
		}
		// The mirror did not know of the deletion, or just learned of it: read what else changed (an account
		// the accountant made in its place) before matching.
		if err := c.refreshMirror(ctx, conn, ec, true); err != nil {
			return UpsertResult{}, err
		}
		stale = &link
	case !errors.Is(err, store.ErrNotFound):
		return UpsertResult{}, err
	}
	res, err := c.linkOrCreate(ctx, conn, ec, m)
	if err != nil || stale == nil {
		return res, err
	}
	res.DroppedExactID = stale.ExactID
	res.Note = staleLinkNote(*stale, res)
	return res, nil
}

// updateLinked brings the partner's linked account up to date. gone tells that Exact deleted the account: the
// mirror has it as deleted (sync/Deleted), or Exact answers the update with 404.
func (c *Contacts) updateLinked(ctx context.Context, conn store.Connection, ec *exact.Client, m MappedContact, link store.Link) (res UpsertResult, gone bool, err error) {
	if err := c.refreshMirror(ctx, conn, ec, false); err != nil {
		return UpsertResult{}, false, err
	}
	if gone, err := c.Store.MirrorDeleted(ctx, conn.ID, link.ExactID); err != nil || gone {
		return UpsertResult{}, gone, err
	}
	res = UpsertResult{ExactID: link.ExactID, ExactCode: link.ExactCode, Action: ActionUnchanged}
	if link.PayloadHash == m.AccountHash {
		return res, false, nil
	}
	var last AccountFields
	if len(link.Payload) > 0 {
		if err := json.Unmarshal(link.Payload, &last); err != nil {
			return res, false, fmt.Errorf("stored payload of partner %d: %w", m.PartnerID, err)
		}
	}
	fields := ChangedFields(withoutBlocked(last), m.Account)
	unblock := blocked(last)
	if unblock {
		fields["Blocked"] = false // restored in Odoo: the account is in use again
	}
	if len(fields) > 0 {
		err := ec.Accounts.Update(ctx, conn.ExactDivision, link.ExactID, exact.Fields(fields))
		if exactNotFound(err) {
			return UpsertResult{}, true, c.Store.MarkMirrorDeleted(ctx, conn.ID, link.ExactID)
		}
		if err != nil {
			return res, false, err
		}
	}
	res.Action = ActionUpdated
	if unblock {
		res.Note = fmt.Sprintf("The partner is active in Odoo again: Exact account %s was unblocked. | "+
			"NL: De relatie is weer actief in Odoo: Exact-relatie %s is gedeblokkeerd.", link.ExactCode, link.ExactCode)
	}
	return res, false, c.saveAccountLink(ctx, conn.ID, m, link.ExactID, link.ExactCode)
}

// linkOrCreate links the partner to the Exact relation that matches it (VAT number, Chamber of Commerce number,
// or a code this sync created), else creates its account.
func (c *Contacts) linkOrCreate(ctx context.Context, conn store.Connection, ec *exact.Client, m MappedContact) (UpsertResult, error) {
	res, err := c.matchOrCreate(ctx, conn, ec, m)
	if !errors.Is(err, exact.ErrValidation) {
		return res, err
	}
	// Exact refused the new account. If an account with its code exists after all (made in Exact since the
	// mirror's last refresh), refresh the mirror and match again, so the usual rules apply to that account.
	taken, lerr := exact.Collect(ec.Accounts.List(ctx, conn.ExactDivision, &exact.ListOptions{Filter: exact.Eq("Code", exact.AccountCode(m.CreateCode)), Top: 1}))
	if lerr != nil || len(taken) == 0 {
		return res, err
	}
	if rerr := c.refreshMirror(ctx, conn, ec, true); rerr != nil {
		return res, rerr
	}
	return c.matchOrCreate(ctx, conn, ec, m)
}

func (c *Contacts) matchOrCreate(ctx context.Context, conn store.Connection, ec *exact.Client, m MappedContact) (UpsertResult, error) {
	div := conn.ExactDivision
	for round := 1; ; round++ {
		found, by, err := c.findAccount(ctx, conn, ec, m)
		if err != nil {
			return UpsertResult{}, err
		}
		if found.ID == "" {
			break
		}
		code := found.Code
		if other, err := c.Store.LinkByExact(ctx, conn.ID, EntityAccounts, found.ID); err == nil && other.OdooModel == ModelPartner && other.OdooID != m.PartnerID {
			return UpsertResult{}, &Problem{Code: "partner.duplicate",
				EN:    fmt.Sprintf("Exact account %s (matched by %s) is already linked to Odoo partner %d.", code, by, other.OdooID),
				NL:    fmt.Sprintf("Exact-relatie %s (gevonden op %s) is al gekoppeld aan Odoo-relatie %d.", code, by, other.OdooID),
				FixEN: fmt.Sprintf("merge the duplicate partners in Odoo, or correct the %s of one of them", by),
				FixNL: fmt.Sprintf("voeg de dubbele relaties in Odoo samen, of corrigeer de %s van een van beide", by)}
		}
		if by == "code" && !createdHere(ctx, code) {
			return UpsertResult{}, codeOnlyMatch(conn.Name, m, found)
		}
		err = ec.Accounts.Update(ctx, div, found.ID, exact.Fields(m.Account))
		if exactNotFound(err) && round < 3 {
			// Deleted in Exact since the mirror's last refresh: never offered again, match once more.
			if err := c.Store.MarkMirrorDeleted(ctx, conn.ID, found.ID); err != nil {
				return UpsertResult{}, err
			}
			continue
		}
		if err != nil {
			return UpsertResult{}, err
		}
		return UpsertResult{ExactID: found.ID, ExactCode: code, Action: ActionLinked, MatchedBy: by},
			c.saveAccountLink(ctx, conn.ID, m, found.ID, code)
	}

	var acc exact.Account
	body := AccountFields{"Code": m.CreateCode}
	for k, v := range m.Account {
		body[k] = v
	}
	raw, _ := json.Marshal(body)
	if err := json.Unmarshal(raw, &acc); err != nil {
		return UpsertResult{}, fmt.Errorf("build the Exact account: %w", err)
	}
	// Remember, across this activity's attempts, the code about to be created: if Exact's answer is lost, the
	// next attempt finds the account by that code alone and may take it, because this sync made it.
	activity.RecordHeartbeat(ctx, createIntent{Code: m.CreateCode})
	created, err := ec.Accounts.Create(ctx, div, &acc)
	if err != nil {
		return UpsertResult{}, err
	}
	mirrored := store.MirrorAccount{ID: created.ID, Code: created.Code, Name: created.Name, VATNumber: m.VAT, ChamberOfCommerce: m.Chamber}.Clean()
	if err := c.Store.SaveMirrorAccount(ctx, conn.ID, mirrored); err != nil {
		return UpsertResult{}, err
	}
	return UpsertResult{ExactID: mirrored.ID, ExactCode: mirrored.Code, Action: ActionCreated}, c.saveAccountLink(ctx, conn.ID, m, mirrored.ID, mirrored.Code)
}

// exactNotFound tells whether Exact answered 404: the record is not there (any more).
func exactNotFound(err error) bool {
	var ee *exact.Error
	return errors.As(err, &ee) && ee.Class() == exact.ClassNotFound
}

// blocked tells whether a stored account payload says the account was blocked (BlockAccount).
func blocked(payload AccountFields) bool {
	b, _ := payload["Blocked"].(bool)
	return b
}

// withoutBlocked is payload without the Blocked flag BlockAccount adds, so ChangedFields compares mapped fields.
func withoutBlocked(payload AccountFields) AccountFields {
	if _, ok := payload["Blocked"]; !ok {
		return payload
	}
	out := make(AccountFields, len(payload))
	for k, v := range payload {
		if k != "Blocked" {
			out[k] = v
		}
	}
	return out
}

// dropStaleLink forgets the link of a partner to an account Exact deleted, and the links of its bank accounts
// (Exact deletes an account's bank accounts with it), so they are matched or created again.
func (c *Contacts) dropStaleLink(ctx context.Context, connID int64, m MappedContact, link store.Link) error {
	banks := make([]int64, len(m.Banks))
	for i, b := range m.Banks {
		banks[i] = b.OdooID
	}
	if err := c.Store.DeleteLinks(ctx, connID, ModelPartnerBank, banks); err != nil {
		return err
	}
	return c.Store.DeleteLinks(ctx, connID, ModelPartner, []int64{link.OdooID})
}

// staleLinkNote says, in English and Dutch, that the linked account was gone and what took its place.
func staleLinkNote(stale store.Link, res UpsertResult) string {
	en := fmt.Sprintf("created anew as Exact account %s", res.ExactCode)
	nl := fmt.Sprintf("opnieuw aangemaakt als Exact-relatie %s", res.ExactCode)
	if res.Action == ActionLinked {
		en = fmt.Sprintf("linked to Exact account %s (matched by %s)", res.ExactCode, res.MatchedBy)
		nl = fmt.Sprintf("gekoppeld aan Exact-relatie %s (gevonden op %s)", res.ExactCode, res.MatchedBy)
	}
	return fmt.Sprintf("Exact account %s (ID %s), linked to this partner, was deleted in Exact: the link was dropped and the partner %s. | "+
		"NL: Exact-relatie %s (ID %s), gekoppeld aan deze relatie, is in Exact verwijderd: de koppeling is vervallen en de relatie is %s.",
		stale.ExactCode, stale.ExactID, en, stale.ExactCode, stale.ExactID, nl)
}

// BlockInput names an archived partner whose Exact account is to be blocked.
type BlockInput struct {
	ConnectionID int64
	PartnerID    int64
}

// ActionBlocked is BlockResult.Action when the account was blocked now.
const ActionBlocked = "blocked"

// BlockResult says what BlockAccount did: Action blocked or unchanged (or empty when there was nothing to
// block), and a Note in English and Dutch.
type BlockResult struct {
	ExactID   string
	ExactCode string
	Action    string
	Note      string
}

// BlockAccount sets Blocked on the Exact account of a partner archived in Odoo, unless the connection's
// archive action is ignore; the stored payload remembers it, so the account is unblocked when the partner is
// restored (see UpsertAccount) and blocking twice costs no call. An account Exact deleted meanwhile is left
// alone and its link dropped.
func (c *Contacts) BlockAccount(ctx context.Context, in BlockInput) (BlockResult, error) {
	res, err := c.blockAccount(ctx, in)
	return res, Classify(err)
}

func (c *Contacts) blockAccount(ctx context.Context, in BlockInput) (BlockResult, error) {
	conn, err := c.Clients.Connection(ctx, in.ConnectionID)
	if err != nil {
		return BlockResult{}, err
	}
	link, err := c.Store.Link(ctx, conn.ID, ModelPartner, in.PartnerID)
	if errors.Is(err, store.ErrNotFound) {
		return BlockResult{Note: "The partner is not linked to an Exact account: nothing to block. | " +
			"NL: De relatie is niet gekoppeld aan een Exact-relatie: er is niets te blokkeren."}, nil
	}
	if err != nil {
		return BlockResult{}, err
	}
	res := BlockResult{ExactID: link.ExactID, ExactCode: link.ExactCode, Action: ActionUnchanged}
	if conn.ArchiveAction == store.ArchiveIgnore {
		res.Note = fmt.Sprintf("Exact account %s stays active: the connection's archive action is ignore. | "+
			"NL: Exact-relatie %s blijft actief: de koppeling staat op negeren.", link.ExactCode, link.ExactCode)
		return res, nil
	}
	var last AccountFields
	if len(link.Payload) > 0 {
		if err := json.Unmarshal(link.Payload, &last); err != nil {
			return res, fmt.Errorf("stored payload of partner %d: %w", in.PartnerID, err)
		}
	}
	if blocked(last) {
		res.Note = fmt.Sprintf("The partner is archived in Odoo; Exact account %s was already blocked. | "+
			"NL: De relatie is gearchiveerd in Odoo; Exact-relatie %s was al geblokkeerd.", link.ExactCode, link.ExactCode)
		return res, nil
	}
	ec, err := c.Clients.Exact(ctx, conn)
	if err != nil {
		return res, err
	}
	err = ec.Accounts.Update(ctx, conn.ExactDivision, link.ExactID, exact.Fields{"Blocked": true})
	if exactNotFound(err) {
		if err := c.Store.MarkMirrorDeleted(ctx, conn.ID, link.ExactID); err != nil {
			return res, err
		}
		if err := c.Store.DeleteLinks(ctx, conn.ID, ModelPartner, []int64{in.PartnerID}); err != nil {
			return res, err
		}
		return BlockResult{Note: fmt.Sprintf("The partner is archived in Odoo, and its Exact account %s (ID %s) was deleted in Exact: "+
			"nothing to block, the link was dropped. | NL: De relatie is gearchiveerd in Odoo en Exact-relatie %s (ID %s) is in Exact "+
			"verwijderd: er is niets te blokkeren, de koppeling is vervallen.", link.ExactCode, link.ExactID, link.ExactCode, link.ExactID)}, nil
	}
	if err != nil {
		return res, err
	}
	if last == nil {
		last = AccountFields{}
	}
	last["Blocked"] = true
	payload, err := json.Marshal(last)
	if err != nil {
		return res, err
	}
	// A hash no mapping gives: the partner's next sync once restored sends its fields and Blocked false.
	link.PayloadHash, link.Payload = "blocked:"+link.PayloadHash, payload
	if err := c.Store.SaveLink(ctx, link); err != nil {
		return res, err
	}
	res.Action = ActionBlocked
	res.Note = fmt.Sprintf("The partner is archived in Odoo: Exact account %s was blocked. | "+
		"NL: De relatie is gearchiveerd in Odoo: Exact-relatie %s is geblokkeerd.", link.ExactCode, link.ExactCode)
	return res, nil
}

// createIntent is the heartbeat of UpsertAccount before it creates an account: the code it sends.
type createIntent struct{ Code string }

// createdHere tells whether an earlier attempt of this activity was creating the account with this code (and so
// the account found by the code is the one whose answer was lost).
func createdHere(ctx context.Context, code string) bool {
	if !activity.HasHeartbeatDetails(ctx) {
		return false
	}
	var intent createIntent
	if err := activity.GetHeartbeatDetails(ctx, &intent); err != nil {
		return false
	}
	return intent.Code != "" && strings.EqualFold(strings.TrimSpace(intent.Code), strings.TrimSpace(code))
}

// codeOnlyMatch refuses to take over an Exact relation that only the code ties to the partner: nothing but the
// partner's reference says they are the same, and updating it would overwrite another relation's name and address.
func codeOnlyMatch(connection string, m MappedContact, found store.MirrorAccount) *Problem {
	name, _ := m.Account["Name"].(string)
	refFix := fmt.Sprintf("change the partner's reference in Odoo (now %q) so it is not Exact's code %s", shown(m.MatchCode), found.Code)
	refFixNL := fmt.Sprintf("wijzig dan de referentie van de relatie in Odoo (nu %q) zodat die niet gelijk is aan Exact-code %s", shown(m.MatchCode), found.Code)
	if m.MatchCode == "" {
		refFix = fmt.Sprintf("give the partner a reference in Odoo; it becomes its Exact code instead of %s", found.Code)
		refFixNL = fmt.Sprintf("geef de relatie een referentie in Odoo; die wordt de Exact-code in plaats van %s", found.Code)
	}
	return &Problem{Code: "partner.code_only_match",
		EN: fmt.Sprintf("Odoo partner %d %q and Exact account %s %q share only the code %q: no VAT or KvK number ties them, "+
			"and exactsync did not create that account. It is left untouched, so an unrelated relation is not overwritten.",
			m.PartnerID, shown(name), found.Code, shown(found.Name), found.Code),
		NL: fmt.Sprintf("Odoo-relatie %d %q en Exact-relatie %s %q hebben alleen de code %q gemeen: geen btw- of KvK-nummer verbindt ze, "+
			"en exactsync heeft die relatie niet aangemaakt. Ze blijft onaangeroerd, zodat een andere relatie niet wordt overschreven.",
			m.PartnerID, shown(name), found.Code, shown(found.Name), found.Code),
		FixEN: fmt.Sprintf("if they are the same relation, link them on purpose with `%s` (the partner's data then replaces the relation's in Exact), "+
			"or give the partner in Odoo the VAT or KvK number that Exact account %s has; if not, %s", LinkCommand(connection, m.PartnerID, found.Code), found.Code, refFix),
		FixNL: fmt.Sprintf("is het dezelfde relatie, koppel ze dan bewust met `%s` (de gegevens van de relatie in Odoo vervangen dan die in Exact), "+
			"of geef de relatie in Odoo het btw- of KvK-nummer van Exact-relatie %s; zo niet, %s", LinkCommand(connection, m.PartnerID, found.Code), found.Code, refFixNL)}
}

func (c *Contacts) saveAccountLink(ctx context.Context, connID int64, m MappedContact, id, code string) error {
	payload, err := json.Marshal(m.Account)
	if err != nil {
		return err
	}
	return c.Store.SaveLink(ctx, store.Link{ConnectionID: connID, OdooModel: ModelPartner, OdooID: m.PartnerID,
		ExactEntity: EntityAccounts, ExactID: id, ExactCode: code, PayloadHash: m.AccountHash, Payload: payload})
}

// findAccount matches an existing Exact relation. The first attempt reads the local mirror (refreshed through
// sync/CRM/Accounts at most once per MirrorMaxAge); a retry asks Exact itself, because the previous attempt may
// have created the account and lost the answer.
func (c *Contacts) findAccount(ctx context.Context, conn store.Connection, ec *exact.Client, m MappedContact) (store.MirrorAccount, string, error) {
	div := conn.ExactDivision
	if activity.GetInfo(ctx).Attempt > 1 {
		var ors []exact.Filter
		if m.VAT != "" {
			ors = append(ors, exact.Eq("VATNumber", exact.String(m.VAT)))
		}
		if m.Chamber != "" {
			ors = append(ors, exact.Eq("ChamberOfCommerce", exact.String(m.Chamber)))
		}
		ors = append(ors, exact.Eq("Code", exact.AccountCode(m.CreateCode)))
		accs, err := exact.Collect(ec.Accounts.List(ctx, div, &exact.ListOptions{Filter: exact.Or(ors...), Top: 10}))
		if err != nil {
			return store.MirrorAccount{}, "", err
		}
		for _, by := range []string{"vat", "chamber_of_commerce", "code"} {
			for _, a := range accs {
				mirrored := store.MirrorAccount{ID: a.ID, Code: a.Code, Name: a.Name, VATNumber: a.VATNumber, ChamberOfCommerce: a.ChamberOfCommerce}.Clean()
				hit := by == "vat" && m.VAT != "" && mirrored.VATNumber == m.VAT ||
					by == "chamber_of_commerce" && m.Chamber != "" && mirrored.ChamberOfCommerce == m.Chamber ||
					by == "code" && strings.EqualFold(mirrored.Code, m.CreateCode)
				if hit {
					return mirrored, by, c.Store.SaveMirrorAccount(ctx, conn.ID, mirrored)
				}
			}
		}
		return store.MirrorAccount{}, "", nil
	}
	if err := c.refreshMirror(ctx, conn, ec, false); err != nil {
		return store.MirrorAccount{}, "", err
	}
	a, by, err := c.Store.MatchAccount(ctx, conn.ID, m.VAT, m.Chamber, m.CreateCode)
	if errors.Is(err, store.ErrNotFound) {
		return store.MirrorAccount{}, "", nil
	}
	return a, by, err
}

// refreshMirror brings the local copy of Exact's accounts up to date (sync/CRM/Accounts, then the accounts in
// sync/Deleted) unless it is younger than MirrorMaxAge; force refreshes it whatever its age.
func (c *Contacts) refreshMirror(ctx context.Context, conn store.Connection, ec *exact.Client, force bool) error {
	maxAge := c.MirrorMaxAge
	if maxAge <= 0 {
		maxAge = time.Minute
	}
	if force {
		maxAge = 0
	}
	div := conn.ExactDivision
	_, err := c.Store.RefreshMirror(ctx, conn.ID, maxAge, store.MirrorFeed{
		Accounts: func(since int64) ([]store.MirrorAccount, error) {
			keys, err := exact.Collect(ec.Accounts.SyncSince(ctx, div, since))
			if err != nil {
				return nil, err
			}
			out := make([]store.MirrorAccount, len(keys))
			for i, k := range keys {
				out[i] = store.MirrorAccount{ID: k.ID, Code: k.Code, Name: k.Name, VATNumber: k.VATNumber, ChamberOfCommerce: k.ChamberOfCommerce, Timestamp: k.Timestamp}
			}
			return out, nil
		},
		Deleted: func(since int64) ([]store.DeletedAccount, int64, error) {
			// sync/Deleted takes no filter but the Timestamp: every entity's deletions come, the accounts are kept.
			recs, err := exact.Collect(ec.Deleted.Since(ctx, div, since))
			if err != nil {
				return nil, since, err
			}
			var out []store.DeletedAccount
			next := since
			for _, r := range recs {
				next = max(next, r.Timestamp)
				if r.EntityType == exact.DeletedAccount {
					out = append(out, store.DeletedAccount{ID: r.EntityKey, Timestamp: r.Timestamp})
				}
			}
			return out, next, nil
		},
	})
	return err
}

// BanksInput are a partner's bank accounts to bring into Exact.
type BanksInput struct {
	ConnectionID int64
	PartnerID    int64
	ExactID      string // the Exact account
	NewAccount   bool   // created just now: it cannot have bank accounts yet
	Banks        []BankPayload
}

// BanksResult counts what changed.
type BanksResult struct {
	Created, Updated, Linked, Unchanged int
}

// SyncBankAccounts creates the partner's missing bank accounts in Exact and updates changed ones; an IBAN Exact
// already has for the account is linked, never created twice. Unchanged bank accounts cost no call.
func (c *Contacts) SyncBankAccounts(ctx context.Context, in BanksInput) (BanksResult, error) {
	res, err := c.syncBankAccounts(ctx, in)
	return res, Classify(err)
}

func (c *Contacts) syncBankAccounts(ctx context.Context, in BanksInput) (BanksResult, error) {
	var res BanksResult
	conn, err := c.Clients.Connection(ctx, in.ConnectionID)
	if err != nil {
		return res, err
	}
	type pending struct {
		bank BankPayload
		link *store.Link
	}
	var todo []pending
	for _, b := range in.Banks {
		l, err := c.Store.Link(ctx, conn.ID, ModelPartnerBank, b.OdooID)
		switch {
		case err == nil && l.PayloadHash == b.Hash():
			res.Unchanged++
		case err == nil:
			todo = append(todo, pending{bank: b, link: &l})
		case errors.Is(err, store.ErrNotFound):
			todo = append(todo, pending{bank: b})
		default:
			return res, err
		}
	}
	if len(todo) == 0 {
		return res, nil
	}
	ec, err := c.Clients.Exact(ctx, conn)
	if err != nil {
		return res, err
	}
	div := conn.ExactDivision
	existing := map[string]string{} // IBAN → Exact bank account ID
	if !in.NewAccount || activity.GetInfo(ctx).Attempt > 1 {
		banks, err := exact.Collect(ec.BankAccounts.List(ctx, div, &exact.ListOptions{Filter: exact.Eq("Account", exact.Guid(in.ExactID))}))
		if err != nil {
			return res, err
		}
		for _, b := range banks {
			existing[strings.ToUpper(strings.ReplaceAll(b.BankAccount, " ", ""))] = b.ID
		}
	}
	for _, p := range todo {
		b := p.bank
		id := ""
		switch {
		case p.link != nil && existing[b.IBAN] == "":
			fields := b.Fields(in.ExactID)
			delete(fields, "Account")
			if err := ec.BankAccounts.Update(ctx, div, p.link.ExactID, exact.Fields(fields)); err != nil {
				return res, err
			}
			id = p.link.ExactID
			res.Updated++
		case existing[b.IBAN] != "":
			id = existing[b.IBAN]
			res.Linked++
		default:
			created, err := ec.BankAccounts.Create(ctx, div, &exact.BankAccount{Account: in.ExactID, BankAccount: b.IBAN,
				BICCode: b.BIC, BankAccountHolderName: b.Holder})
			if err != nil {
				return res, err
			}
			id = created.ID
			existing[b.IBAN] = id
			res.Created++
		}
		if err := c.Store.SaveLink(ctx, store.Link{ConnectionID: conn.ID, OdooModel: ModelPartnerBank, OdooID: b.OdooID,
			ExactEntity: EntityBanks, ExactID: id, ExactCode: b.IBAN, PayloadHash: b.Hash()}); err != nil {
			return res, err
		}
	}
	return res, nil
}

// WriteBackInput carries the Exact identity to write into Odoo.
type WriteBackInput struct {
	ConnectionID int64
	PartnerID    int64
	ExactID      string
	ExactCode    string
	WrittenID    string // what Odoo holds now
	WrittenCode  string
}

// WriteBackPartner writes the Exact account ID and code into the partner's x_ fields, when they differ. Where
// the fields are company dependent it writes this connection's company's values; where all companies share them
// (Odoo 17), only the database's oldest connection writes, and the Exact IDs of the others live in their links
// alone, so two connections never overwrite each other. The write is recorded for every connection on the Odoo
// database, so no detector takes it for a change.
func (c *Contacts) WriteBackPartner(ctx context.Context, in WriteBackInput) (bool, error) {
	if in.WrittenID == in.ExactID && in.WrittenCode == in.ExactCode {
		return false, nil
	}
	conn, err := c.Clients.Connection(ctx, in.ConnectionID)
	if err != nil {
		return false, Classify(err)
	}
	oc, err := c.Clients.Odoo(ctx, conn)
	if err != nil {
		return false, Classify(err)
	}
	perCompany, err := c.writeBackPerCompany(ctx, conn.ID, oc)
	if err != nil {
		return false, Classify(err)
	}
	if !perCompany {
		owner, err := c.Store.WriteBackOwner(ctx, conn.ID)
		if err != nil {
			return false, err
		}
		if owner != conn.ID {
			return false, nil
		}
	}
	before, err := c.writeDate(ctx, oc, ModelPartner, in.PartnerID)
	if err != nil {
		return false, err
	}
	if err := oc.WriteFields(ctx, ModelPartner, in.PartnerID, map[string]any{FieldExactID: in.ExactID, FieldExactCode: in.ExactCode}); err != nil {
		return false, Classify(err)
	}
	if err := c.recordOwnWrite(ctx, oc, conn.ID, ModelPartner, in.PartnerID, before); err != nil {
		return true, err
	}
	return true, nil
}

// recordOwnWrite reads the write_date the connector's write gave the record and keeps it, with the one the
// record had before, so no change detector on the Odoo database takes the connector's own write for a change.
func (c *Contacts) recordOwnWrite(ctx context.Context, oc *odoo.Client, connID int64, model string, id int64, before time.Time) error {
	at, err := c.writeDate(ctx, oc, model, id)
	if err != nil {
		return err
	}
	return c.Store.SaveOwnWrite(ctx, connID, model, id, at, before)
}

// writeDate reads a record's write_date.
func (c *Contacts) writeDate(ctx context.Context, oc *odoo.Client, model string, id int64) (time.Time, error) {
	recs, err := oc.Read(ctx, model, []int64{id}, []string{"write_date"})
	if err != nil {
		return time.Time{}, Classify(err)
	}
	if len(recs) != 1 {
		return time.Time{}, Classify(fmt.Errorf("read the write_date of %s %d: got %d records", model, id, len(recs)))
	}
	d := odoo.NewDecoder(recs[0])
	at := d.Datetime("write_date")
	if d.Err() != nil {
		return time.Time{}, Classify(fmt.Errorf("read the write_date of %s %d: %w", model, id, d.Err()))
	}
	return at, nil
}
