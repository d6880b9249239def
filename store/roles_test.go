package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/exactsync/exactsync/store"
)

// An invoice has one link per Exact object (entry, document, attachment); a pending link records the intent to
// create, and Forget turns done links with an intent back into pending ones, so nothing is created twice.
func TestLinkRolesPendingAndForget(t *testing.T) {
	s, _ := openStore(t)
	ctx := context.Background()
	id, err := s.SaveOdoo(ctx, store.Connection{Name: "roles"})
	if err != nil {
		t.Fatal(err)
	}
	intent := json.RawMessage(`{"Journal": "70", "YourRef": "INV/2026/00001"}`)
	pending := store.Link{ConnectionID: id, OdooModel: "account.move", OdooID: 5, Role: "entry", Pending: true, Intent: intent, ExactEntity: "salesentry/SalesEntries"}
	if err := s.SaveLink(ctx, pending); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveLink(ctx, store.Link{ConnectionID: id, OdooModel: "account.move", OdooID: 5, Role: "document", ExactEntity: "documents/Documents"}); err == nil {
		t.Error("a done link without an Exact id was accepted")
	}
	// Two pending links of other records share the empty Exact id: no conflict.
	other := pending
	other.OdooID = 6
	if err := s.SaveLink(ctx, other); err != nil {
		t.Fatalf("a second pending link: %v", err)
	}
	got, err := s.LinkRole(ctx, id, "account.move", 5, "entry")
	if err != nil || !got.Pending || got.ExactID != "" {
		t.Fatalf("LinkRole = %+v, %v; want pending", got, err)
	}
	var key map[string]string
	if err := json.Unmarshal(got.Intent, &key); err != nil || key["YourRef"] != "INV/2026/00001" {
		t.Errorf("intent = %s, %v", got.Intent, err)
	}
	done := store.Link{ConnectionID: id, OdooModel: "account.move", OdooID: 5, Role: "entry", Intent: intent, ExactEntity: "salesentry/SalesEntries", ExactID: "e-1", ExactCode: "26700001", PayloadHash: "h"}
	doc := store.Link{ConnectionID: id, OdooModel: "account.move", OdooID: 5, Role: "document", ExactEntity: "documents/Documents", ExactID: "d-1", Intent: json.RawMessage(`{"Subject": "x"}`)}
	partner := store.Link{ConnectionID: id, OdooModel: "res.partner", OdooID: 9, ExactEntity: "crm/Accounts", ExactID: "a-1", ExactCode: "9"}
	for _, l := range []store.Link{done, doc, partner} {
		if err := s.SaveLink(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	all, err := s.LinksOf(ctx, id, "account.move", 5)
	if err != nil || len(all) != 2 || all["entry"].ExactID != "e-1" || all["document"].ExactID != "d-1" {
		t.Errorf("LinksOf = %+v, %v; want entry e-1 and document d-1", all, err)
	}
	dup := doc
	dup.OdooID = 7
	if err := s.SaveLink(ctx, dup); err == nil {
		t.Error("one Exact document linked to two moves was accepted")
	}
	if back, err := s.LinkByExact(ctx, id, "salesentry/SalesEntries", "e-1"); err != nil || back.OdooID != 5 || back.Role != "entry" {
		t.Errorf("LinkByExact = %+v, %v", back, err)
	}

	if err := s.Forget(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Link(ctx, id, "res.partner", 9); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("partner link after Forget: %v, want gone", err)
	}
	after, err := s.LinkRole(ctx, id, "account.move", 5, "entry")
	if err != nil || !after.Pending || after.ExactID != "" || string(after.Intent) == "" {
		t.Errorf("entry link after Forget = %+v, %v; want pending with its intent", after, err)
	}
	if err := s.DeleteLink(ctx, id, "account.move", 5, "entry"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LinkRole(ctx, id, "account.move", 5, "entry"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("after DeleteLink: %v", err)
	}
}

func TestReferenceCache(t *testing.T) {
	s, _ := openStore(t)
	ctx := context.Background()
	id, err := s.SaveOdoo(ctx, store.Connection{Name: "ref"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Reference(ctx, id, store.RefVATCode); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("never refreshed: %v, want ErrNotFound", err)
	}
	first := map[string]json.RawMessage{"2": json.RawMessage(`{"Percentage": 0.21}`), "1": json.RawMessage(`{"Percentage": 0.09}`)}
	if err := s.ReplaceReference(ctx, id, store.RefVATCode, first); err != nil {
		t.Fatal(err)
	}
	if err := s.ReplaceReference(ctx, id, store.RefVATCode, map[string]json.RawMessage{"2": json.RawMessage(`{"Percentage": 0.21}`)}); err != nil {
		t.Fatal(err)
	}
	got, at, err := s.Reference(ctx, id, store.RefVATCode)
	if err != nil || len(got) != 1 || got["2"] == nil || at.IsZero() {
		t.Errorf("Reference = %v at %v, %v; want only code 2 (replaced as a whole)", got, at, err)
	}
	if err := s.SaveMapping(ctx, id, store.Mapping{Kind: store.MapAnalytic, OdooID: 3, ExactCode: "unit:P1"}); err != nil {
		t.Errorf("an analytic mapping: %v", err)
	}
	if err := s.SaveMapping(ctx, id, store.Mapping{Kind: store.MapBankJournal, OdooID: 4, ExactCode: "10"}); err != nil {
		t.Errorf("a bank journal mapping: %v", err)
	}
}

func TestInvoicesFrom(t *testing.T) {
	s, _ := openStore(t)
	ctx := context.Background()
	id, err := s.SaveOdoo(ctx, store.Connection{Name: "inv"})
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := s.ConnectionByID(ctx, id); !c.InvoicesFrom.IsZero() {
		t.Errorf("a new connection syncs invoices from %v, want none", c.InvoicesFrom)
	}
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := s.SetInvoicesFrom(ctx, id, from); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.ConnectionByID(ctx, id); !c.InvoicesFrom.Equal(from) {
		t.Errorf("InvoicesFrom = %v, want %v", c.InvoicesFrom, from)
	}
	if err := s.SetInvoicesFrom(ctx, id, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.ConnectionByID(ctx, id); !c.InvoicesFrom.IsZero() {
		t.Errorf("after stopping: %v", c.InvoicesFrom)
	}
}
