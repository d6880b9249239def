package activities

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"go.temporal.io/sdk/testsuite"

	"github.com/exactsync/exactsync/clients/exact"
	"github.com/exactsync/exactsync/store"
)

// memLinks is the links table in memory: the upsert's decisions are tested without PostgreSQL (the end-to-end
// tests run them on the real store).
type memLinks struct {
	mu    sync.Mutex
	links map[string]store.Link
	saves int
}

func linkKey(conn int64, model string, id int64, role string) string {
	return fmt.Sprint(conn, model, id, role)
}

func (m *memLinks) LinkRole(_ context.Context, conn int64, model string, id int64, role string) (store.Link, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	l, ok := m.links[linkKey(conn, model, id, role)]
	if !ok {
		return store.Link{ConnectionID: conn, OdooModel: model, OdooID: id, Role: role}, store.ErrNotFound
	}
	return l, nil
}

func (m *memLinks) SaveLink(_ context.Context, l store.Link) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if l.Pending != (l.ExactID == "") {
		return errors.New("pending link with an id, or done link without")
	}
	if m.links == nil {
		m.links = map[string]store.Link{}
	}
	m.links[linkKey(l.ConnectionID, l.OdooModel, l.OdooID, l.Role)] = l
	m.saves++
	return nil
}

func (m *memLinks) DeleteLink(_ context.Context, conn int64, model string, id int64, role string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.links, linkKey(conn, model, id, role))
	return nil
}

// fakeExact holds the objects "in Exact"; failCreate makes the next create fail, after (lost answer) or before
// (refused) Exact made the object.
type fakeExact struct {
	objects     map[string]exactObject // by natural key
	creates     int
	finds       int
	loseAnswer  bool
	refuse      bool
	crashBefore bool
	nextID      int
}

var errLostAnswer = errors.New("connection reset by peer")

func (f *fakeExact) spec(key string) objectSpec {
	return objectSpec{ConnectionID: 1, OdooModel: "account.move", OdooID: 42, Role: "entry", Entity: "salesentry/SalesEntries",
		Intent: map[string]string{"YourRef": key},
		Find: func(context.Context) (exactObject, bool, error) {
			f.finds++
			obj, ok := f.objects[key]
			return obj, ok, nil
		},
		Create: func(context.Context) (exactObject, error) {
			f.creates++
			switch {
			case f.refuse:
				f.refuse = false
				return exactObject{}, fmt.Errorf("post: %w", exact.ErrValidation)
			case f.crashBefore:
				f.crashBefore = false
				return exactObject{}, errLostAnswer
			}
			f.nextID++
			obj := exactObject{ID: fmt.Sprint("guid-", f.nextID), Code: fmt.Sprint(26700000 + f.nextID)}
			if f.objects == nil {
				f.objects = map[string]exactObject{}
			}
			f.objects[key] = obj
			if f.loseAnswer {
				f.loseAnswer = false
				return exactObject{}, errLostAnswer
			}
			return obj, nil
		}}
}

func TestEnsureObjectCreatesOnce(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		// prepare sets the failure of the first attempt
		prepare func(f *fakeExact)
		// wantFirstErr: the first attempt fails; the second must then give the object
		wantFirstErr        bool
		wantCreates         int
		wantFinds           int
		wantOutcome         upsertOutcome
		wantObjectsInExact  int
		wantPendingAfterErr bool
	}{
		{name: "a new object: one create, no lookup", prepare: func(*fakeExact) {},
			wantCreates: 1, wantFinds: 0, wantOutcome: outcomeCreated, wantObjectsInExact: 1},
		{name: "Exact made it and the answer was lost: found by its key, not made twice", prepare: func(f *fakeExact) { f.loseAnswer = true },
			wantFirstErr: true, wantCreates: 1, wantFinds: 1, wantOutcome: outcomeFound, wantObjectsInExact: 1, wantPendingAfterErr: true},
		{name: "the request never reached Exact: looked up, then created", prepare: func(f *fakeExact) { f.crashBefore = true },
			wantFirstErr: true, wantCreates: 2, wantFinds: 1, wantOutcome: outcomeCreated, wantObjectsInExact: 1, wantPendingAfterErr: true},
		{name: "Exact refused it: nothing pending, the retry after the fix creates without a lookup", prepare: func(f *fakeExact) { f.refuse = true },
			wantFirstErr: true, wantCreates: 2, wantFinds: 0, wantOutcome: outcomeCreated, wantObjectsInExact: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			links := &memLinks{}
			f := &fakeExact{}
			tt.prepare(f)
			_, _, err := ensureObject(ctx, links, f.spec("INV/2026/00042"))
			if (err != nil) != tt.wantFirstErr {
				t.Fatalf("first attempt: err %v, want error %v", err, tt.wantFirstErr)
			}
			if tt.wantFirstErr {
				l, lerr := links.LinkRole(ctx, 1, "account.move", 42, "entry")
				if pending := lerr == nil && l.Pending; pending != tt.wantPendingAfterErr {
					t.Errorf("after the failed attempt: pending %v, want %v", pending, tt.wantPendingAfterErr)
				}
				if _, _, err = ensureObject(ctx, links, f.spec("INV/2026/00042")); err != nil {
					t.Fatalf("second attempt: %v", err)
				}
			}
			l, err := links.LinkRole(ctx, 1, "account.move", 42, "entry")
			if err != nil || l.Pending || l.ExactID != "guid-1" && l.ExactID != "guid-2" {
				t.Errorf("link = %+v, %v; want done with the object's id", l, err)
			}
			if f.creates != tt.wantCreates || f.finds != tt.wantFinds || len(f.objects) != tt.wantObjectsInExact {
				t.Errorf("creates %d, finds %d, objects in Exact %d; want %d, %d, %d", f.creates, f.finds, len(f.objects),
					tt.wantCreates, tt.wantFinds, tt.wantObjectsInExact)
			}
			// Once linked, every later call costs nothing in Exact.
			creates, finds := f.creates, f.finds
			_, outcome, err := ensureObject(ctx, links, f.spec("INV/2026/00042"))
			if err != nil || outcome != outcomeLinked || f.creates != creates || f.finds != finds {
				t.Errorf("linked call: %s, %v, %d creates, %d finds; want linked and no Exact call", outcome, err, f.creates-creates, f.finds-finds)
			}
		})
	}
}

// The upsert inside an activity run by Temporal's activity test environment, retried as Temporal retries it: the
// attempt after a lost answer finds the object, without PostgreSQL.
func TestEnsureObjectInAnActivity(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestActivityEnvironment()
	links := &memLinks{}
	f := &fakeExact{loseAnswer: true}
	upsert := func(ctx context.Context, key string) (string, error) {
		l, outcome, err := ensureObject(ctx, links, f.spec(key))
		if err != nil {
			return "", err
		}
		return fmt.Sprint(outcome, " ", l.ExactID), nil
	}
	env.RegisterActivity(upsert)
	if _, err := env.ExecuteActivity(upsert, "BILL-7"); !errors.Is(err, errLostAnswer) && err == nil {
		t.Fatalf("first attempt: %v, want the lost answer", err)
	}
	v, err := env.ExecuteActivity(upsert, "BILL-7")
	if err != nil {
		t.Fatal(err)
	}
	var got string
	if err := v.Get(&got); err != nil || got != "found guid-1" {
		t.Errorf("retry = %q, %v; want found guid-1", got, err)
	}
	if f.creates != 1 || len(f.objects) != 1 {
		t.Errorf("%d creates, %d objects; want 1 and 1", f.creates, len(f.objects))
	}
}
