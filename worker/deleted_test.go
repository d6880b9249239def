package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/exactsync/exactsync/activities"
	"github.com/exactsync/exactsync/clients/exact"
	"github.com/exactsync/exactsync/store"
	"github.com/exactsync/exactsync/workflows"
)

// editAndSync changes a partner in Odoo and lets the detector find it once its second is over, then waits for
// the partner's sync.
func (s *stack) editAndSync(id int64, vals map[string]any) (workflows.ContactResult, error) {
	s.t.Helper()
	if err := s.odoo.Write("res.partner", []int64{id}, vals); err != nil {
		s.t.Fatal(err)
	}
	s.clock.Advance(3 * time.Second)
	started := s.detect().PartnerIDs
	found := false
	for _, p := range started {
		found = found || p == id
	}
	if !found {
		s.t.Fatalf("the detector started %v after an edit of partner %d", started, id)
	}
	return s.settled(id)
}

// expireMirror makes the next match refresh the account mirror, as it does once MirrorMaxAge has passed.
func (s *stack) expireMirror() {
	s.t.Helper()
	if _, err := s.st.Pool().Exec(context.Background(), `UPDATE cursors SET updated_at = '-infinity' WHERE connection_id = $1 AND name LIKE 'exact.%'`, s.conn.ID); err != nil {
		s.t.Fatal(err)
	}
}

func (s *stack) link(id int64) store.Link {
	s.t.Helper()
	l, err := s.st.Link(context.Background(), s.conn.ID, activities.ModelPartner, id)
	if err != nil {
		s.t.Fatalf("link of partner %d: %v", id, err)
	}
	return l
}

// An Exact account deleted after it was linked: the partner's next sync drops the stale link, relinks by VAT
// or KvK number or creates the account anew, writes the new ID back into Odoo, and says so in its result.
func TestDeletedExactAccountIsReplaced(t *testing.T) {
	s := newStack(t)
	ctx := context.Background()
	ec := s.exactClient()
	ids := s.createPartners("Weg", 4) // 0 and 3 have a VAT number, 0 and 2 a bank account
	s.settle(ids)
	s.clock.Advance(3 * time.Second)
	s.detect() // the write-backs' second is over: only the edits below are changes

	deleteAccount := func(t *testing.T, id int64) store.Link {
		t.Helper()
		old := s.link(id)
		if err := ec.Accounts.Delete(ctx, s.div, old.ExactID); err != nil {
			t.Fatal(err)
		}
		return old
	}
	check := func(t *testing.T, id int64, old store.Link, res workflows.ContactResult, action string) {
		t.Helper()
		s.t = t
		if res.State != workflows.StateSynced || res.Action != action || res.ExactID == old.ExactID {
			t.Errorf("result %+v, want synced, %s, an Exact ID other than the deleted %s", res, action, old.ExactID)
		}
		for _, want := range []string{"deleted in Exact", old.ExactID, res.ExactCode, "NL:", "verwijderd"} {
			if !strings.Contains(res.Note, want) {
				t.Errorf("note %q lacks %q", res.Note, want)
			}
		}
		if l := s.link(id); l.ExactID != res.ExactID {
			t.Errorf("link to %s, want %s", l.ExactID, res.ExactID)
		}
		s.assertOneAccountEach([]int64{id}) // one account, linked, ID written back into Odoo, bank accounts on it
	}

	t.Run("Exact answers the update with 404: created anew, with its bank account", func(t *testing.T) {
		old := deleteAccount(t, ids[0]) // the mirror is fresh and does not know yet
		s.exact.ResetCalls()
		res, err := s.editAndSync(ids[0], map[string]any{"city": "Zwolle"})
		if err != nil {
			t.Fatalf("sync after the deletion: %v", err)
		}
		check(t, ids[0], old, res, activities.ActionCreated)
		if got := s.exact.Calls().ByStatus[404]; got != 1 {
			t.Errorf("%d answers 404, want the one update of the deleted account", got)
		}
		if res.Banks.Created != 1 {
			t.Errorf("banks %+v, want the bank account created on the new account", res.Banks)
		}
	})

	t.Run("the mirror knows from sync/Deleted: no update of the deleted account is tried", func(t *testing.T) {
		old := deleteAccount(t, ids[1])
		s.expireMirror()
		s.exact.ResetCalls()
		res, err := s.editAndSync(ids[1], map[string]any{"city": "Deventer"})
		if err != nil {
			t.Fatalf("sync after the deletion: %v", err)
		}
		check(t, ids[1], old, res, activities.ActionCreated)
		if got := s.exact.Calls().ByEndpoint[fmt.Sprintf("PUT %d crm/Accounts", s.div)]; got != 0 {
			t.Errorf("%d updates of accounts, want none", got)
		}
		if deleted, err := s.st.MirrorDeleted(ctx, s.conn.ID, old.ExactID); err != nil || !deleted {
			t.Errorf("mirror: deleted = %t, %v; want the account known as deleted", deleted, err)
		}
	})

	t.Run("the accountant made a new relation with the same VAT number: relinked to it", func(t *testing.T) {
		old := deleteAccount(t, ids[3])
		rec, err := s.odoo.Read("res.partner", ids[3])
		if err != nil {
			t.Fatal(err)
		}
		vat := rec["vat"].(string)
		fresh, err := ec.Accounts.Create(ctx, s.div, &exact.Account{Name: rec["name"].(string), VATNumber: vat, Status: "C", Country: "NL"})
		if err != nil {
			t.Fatal(err)
		}
		res, err := s.editAndSync(ids[3], map[string]any{"city": "Almelo"})
		if err != nil {
			t.Fatalf("sync after the deletion: %v", err)
		}
		check(t, ids[3], old, res, activities.ActionLinked)
		if res.ExactID != fresh.ID || !strings.Contains(res.Note, "vat") {
			t.Errorf("relinked to %s (note %q), want the new relation %s matched by vat", res.ExactID, res.Note, fresh.ID)
		}
	})

	t.Run("a sync that failed before the account was deleted works on retry", func(t *testing.T) {
		id := ids[2]
		term, err := s.odoo.Create("account.payment.term", map[string]any{"name": "21 Days"})
		if err != nil {
			t.Fatal(err)
		}
		old := deleteAccount(t, id)
		_, err = s.editAndSync(id, map[string]any{"property_payment_term_id": term})
		dataError(t, err, "payment_term.unmapped")
		if err := s.st.SaveMapping(ctx, s.conn.ID, store.Mapping{Kind: store.MapPaymentTerm, OdooID: term, ExactCode: "14"}); err != nil {
			t.Fatal(err)
		}
		if err := workflows.StartContactSync(ctx, s.ts.Client, s.conn, id); err != nil { // what `starter retry` does
			t.Fatal(err)
		}
		res, err := s.settled(id)
		if err != nil {
			t.Fatalf("retry: %v", err)
		}
		check(t, id, old, res, activities.ActionCreated)
	})
}

// A partner archived in Odoo after it was synced: the connection's archive action block sets Blocked on its
// Exact account (once), restoring the partner unblocks it; with ignore the account stays active. Each run says
// what it did.
func TestArchivedPartnerBlocksItsAccount(t *testing.T) {
	s := newStack(t)
	ctx := context.Background()
	ec := s.exactClient()
	ids := s.createPartners("Archief", 3)
	s.settle(ids)
	s.clock.Advance(3 * time.Second)
	s.detect()
	blocked := func(t *testing.T, id int64) bool {
		t.Helper()
		acc, err := ec.Accounts.Get(ctx, s.div, s.link(id).ExactID)
		if err != nil {
			t.Fatal(err)
		}
		return acc.Blocked
	}
	puts := func() int { return s.exact.Calls().ByEndpoint[fmt.Sprintf("PUT %d crm/Accounts", s.div)] }

	t.Run("archived: blocked in Exact", func(t *testing.T) {
		s.t = t
		res, err := s.editAndSync(ids[0], map[string]any{"active": false})
		if err != nil {
			t.Fatal(err)
		}
		if res.State != workflows.StateSkipped || res.Action != activities.ActionBlocked || !strings.Contains(res.Reason, "archived") ||
			!strings.Contains(res.Note, "blocked") || !strings.Contains(res.Note, "geblokkeerd") {
			t.Errorf("result %+v, want skipped as archived, the account blocked, and a note saying so in English and Dutch", res)
		}
		if !blocked(t, ids[0]) {
			t.Error("the Exact account is not blocked")
		}
	})

	t.Run("edited while archived: no second block", func(t *testing.T) {
		s.t = t
		before := puts()
		res, err := s.editAndSync(ids[0], map[string]any{"phone": "+31 30 765 4321"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Action != activities.ActionUnchanged || !strings.Contains(res.Note, "already blocked") {
			t.Errorf("result %+v, want unchanged, already blocked", res)
		}
		if got := puts() - before; got != 0 {
			t.Errorf("%d account updates, want 0", got)
		}
	})

	t.Run("restored: unblocked, with the edit made meanwhile", func(t *testing.T) {
		s.t = t
		res, err := s.editAndSync(ids[0], map[string]any{"active": true})
		if err != nil {
			t.Fatal(err)
		}
		if res.State != workflows.StateSynced || res.Action != activities.ActionUpdated || !strings.Contains(res.Note, "unblocked") {
			t.Errorf("result %+v, want synced, updated, a note that the account was unblocked", res)
		}
		acc, err := ec.Accounts.Get(ctx, s.div, s.link(ids[0]).ExactID)
		if err != nil {
			t.Fatal(err)
		}
		if acc.Blocked || acc.Phone != "+31 30 765 4321" {
			t.Errorf("account blocked %t phone %q, want unblocked with the phone edited while archived", acc.Blocked, acc.Phone)
		}
	})

	t.Run("archive action ignore: the account stays active", func(t *testing.T) {
		s.t = t
		if err := s.st.SetArchiveAction(ctx, s.conn.ID, store.ArchiveIgnore); err != nil {
			t.Fatal(err)
		}
		before := puts()
		res, err := s.editAndSync(ids[1], map[string]any{"active": false})
		if err != nil {
			t.Fatal(err)
		}
		if res.State != workflows.StateSkipped || res.Action != "" || !strings.Contains(res.Reason, "stays active") {
			t.Errorf("result %+v, want skipped, nothing done, the reason saying the account stays active", res)
		}
		if blocked(t, ids[1]) || puts() != before {
			t.Error("the Exact account was changed")
		}
	})
}

// A partner deleted in Odoo while a sync of it is pending: the sync ends skipped with the reason, reads Odoo
// once (no retries), touches nothing in Exact, and the detector does not start it again.
func TestDeletedPartnerIsSkippedOnce(t *testing.T) {
	s := newStack(t)
	ctx := context.Background()
	ids := s.createPartners("Verwijderd", 2)
	s.settle(ids)
	s.clock.Advance(3 * time.Second)
	s.detect()
	id := ids[1] // no bank account: Odoo lets it go
	if _, err := s.odoo.Call("res.partner", "unlink", []any{[]any{id}}, nil); err != nil {
		t.Fatal(err)
	}
	s.odoo.ResetCalls()
	s.exact.ResetCalls()
	if err := workflows.StartContactSync(ctx, s.ts.Client, s.conn, id); err != nil { // a webhook, or `starter retry`
		t.Fatal(err)
	}
	res, err := s.settled(id)
	if err != nil {
		t.Fatalf("sync of a deleted partner: %v", err)
	}
	if res.State != workflows.StateSkipped || !strings.Contains(res.Reason, "no longer exists") {
		t.Errorf("result %+v, want skipped because the partner no longer exists", res)
	}
	if got := s.odoo.Calls().ByMethod["res.partner.read"]; got != 1 {
		t.Errorf("%d reads of the partner, want 1", got)
	}
	if got := s.exact.Calls().Total; got != 0 {
		t.Errorf("%d Exact calls, want 0", got)
	}
	s.clock.Advance(3 * time.Second)
	if again := s.detect(); len(again.PartnerIDs) != 0 {
		t.Errorf("the detector started %v after the deletion", again.PartnerIDs)
	}
}
