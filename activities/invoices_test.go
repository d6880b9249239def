package activities

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"
	"go.uber.org/zap"

	"github.com/exactsync/exactsync/store"
)

// fakeSyncStore answers the partner links EnsureInvoicePartner reads; any other store call panics (the embedded
// nil interface), which fails the test: the decision must need nothing else.
type fakeSyncStore struct {
	SyncStore
	mu    sync.Mutex
	links map[int64]store.Link
}

func (f *fakeSyncStore) Link(_ context.Context, _ int64, model string, id int64) (store.Link, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if l, ok := f.links[id]; ok && model == ModelPartner {
		return l, nil
	}
	return store.Link{}, store.ErrNotFound
}

// fakeConnections is the one connection.
type fakeConnections struct{ connectionStore }

func (fakeConnections) ConnectionByID(context.Context, int64) (store.Connection, error) {
	return store.Connection{ID: 1, Name: "demo", ExactDivision: 7}, nil
}

// fakeContactSyncs plays the partner's contact sync: started once, it runs for `runs` outcome reads, then ends as
// `ends` (linking the partner when it completes).
type fakeContactSyncs struct {
	mu      sync.Mutex
	store   *fakeSyncStore
	started int
	reads   int
	runs    int
	ends    string
	message string
}

func (f *fakeContactSyncs) EnsureContactSync(context.Context, store.Connection, int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.started++
	return nil
}

func (f *fakeContactSyncs) ContactSyncOutcome(_ context.Context, _ store.Connection, partnerID int64) (string, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.started == 0 {
		return "none", "", nil
	}
	f.reads++
	if f.reads <= f.runs {
		return "running", "", nil
	}
	if f.ends == "completed" {
		f.store.mu.Lock()
		f.store.links[partnerID] = store.Link{ExactID: "acc-1", ExactCode: "C1", Payload: []byte(`{"Status": "C"}`)}
		f.store.mu.Unlock()
	}
	return f.ends, f.message, nil
}

// An invoice waits for its partner's contact sync, started once, through Temporal's retries of the activity; it
// goes on with the account once the partner is linked, and stops with the partner's reason when that sync failed.
// Tested in Temporal's test environment without PostgreSQL.
func TestEnsureInvoicePartnerWaitsForTheContactSync(t *testing.T) {
	tests := []struct {
		name      string
		linked    bool
		runs      int
		ends      string
		wantID    string
		wantType  string
		wantText  string
		wantStart int
	}{
		{name: "linked already: no contact sync", linked: true, wantID: "acc-1", wantStart: 0},
		{name: "new partner: its sync runs, then the invoice goes on", runs: 3, ends: "completed", wantID: "acc-1", wantStart: 1},
		{name: "the partner's sync failed: the invoice stops with its reason", runs: 1, ends: "failed",
			wantType: ErrTypeData, wantText: "no VAT number", wantStart: 1},
		{name: "the partner was skipped", ends: "completed-unlinked", wantType: ErrTypeData, wantText: "was not sent to Exact", wantStart: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &fakeSyncStore{links: map[int64]store.Link{}}
			if tt.linked {
				st.links[42] = store.Link{ExactID: "acc-1", ExactCode: "C1", Payload: []byte(`{"Status": "C"}`)}
			}
			ends := tt.ends
			if ends == "completed-unlinked" {
				ends = "completed"
			}
			syncs := &fakeContactSyncs{store: st, runs: tt.runs, ends: ends, message: "partner 42: no VAT number"}
			if tt.ends == "completed-unlinked" {
				syncs.store = &fakeSyncStore{links: map[int64]store.Link{}} // completes without linking this store
			}
			inv := &Invoices{Contacts: &Contacts{Store: st, Clients: NewClients(fakeConnections{}, zap.NewNop())}, Partners: syncs}

			var s testsuite.WorkflowTestSuite
			env := s.NewTestWorkflowEnvironment()
			env.RegisterActivity(inv)
			wait := func(ctx workflow.Context) (PartnerAccount, error) {
				ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute, ScheduleToCloseTimeout: time.Hour,
					RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Second, NonRetryableErrorTypes: NonRetryable}})
				var acc PartnerAccount
				err := workflow.ExecuteActivity(ctx, inv.EnsureInvoicePartner, PartnerInput{ConnectionID: 1, PartnerID: 42, MoveName: "INV/2026/00007"}).Get(ctx, &acc)
				return acc, err
			}
			env.RegisterWorkflow(wait)
			env.ExecuteWorkflow(wait)
			if !env.IsWorkflowCompleted() {
				t.Fatal("the workflow did not complete")
			}
			var acc PartnerAccount
			err := env.GetWorkflowResult(&acc)
			if syncs.started != tt.wantStart {
				t.Errorf("contact sync started %d times, want %d", syncs.started, tt.wantStart)
			}
			if tt.wantType == "" {
				if err != nil || acc.ExactID != tt.wantID {
					t.Fatalf("account %+v, %v; want %s", acc, err, tt.wantID)
				}
				return
			}
			var app *temporal.ApplicationError
			if !errors.As(err, &app) || app.Type() != tt.wantType || !strings.Contains(err.Error(), tt.wantText) || !app.NonRetryable() {
				t.Errorf("err = %v; want a non-retryable %s saying %q", err, tt.wantType, tt.wantText)
			}
		})
	}
}
