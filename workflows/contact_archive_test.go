package workflows

import (
	"testing"

	"github.com/stretchr/testify/mock"

	"github.com/exactsync/exactsync/activities"
)

// An archived partner linked to an Exact account: the run blocks the account and says so, still skipped.
func TestSyncContactBlocksTheAccountOfAnArchivedPartner(t *testing.T) {
	env := newEnv(t)
	var a *activities.Contacts
	env.OnActivity(a.FetchPartner, mock.Anything, mock.Anything).
		Return(activities.FetchedPartner{Skip: true, Block: true, Reason: "the partner is archived in Odoo"}, nil)
	env.OnActivity(a.BlockAccount, mock.Anything, activities.BlockInput{ConnectionID: 1, PartnerID: 42}).
		Return(activities.BlockResult{ExactID: "guid-1", ExactCode: "ODOO42", Action: activities.ActionBlocked, Note: "blocked | NL: geblokkeerd"}, nil).Once()
	env.ExecuteWorkflow(SyncContact, in)
	var got ContactResult
	if err := env.GetWorkflowResult(&got); err != nil {
		t.Fatal(err)
	}
	want := ContactResult{State: StateSkipped, Reason: "the partner is archived in Odoo", Action: activities.ActionBlocked,
		ExactID: "guid-1", ExactCode: "ODOO42", Note: "blocked | NL: geblokkeerd", Passes: 1}
	if got != want {
		t.Errorf("result = %+v, want %+v", got, want)
	}
	env.AssertExpectations(t)
	env.AssertNotCalled(t, "UpsertAccount", mock.Anything, mock.Anything)
}

// The note of the upsert (a link to a deleted account replaced) is the run's note.
func TestSyncContactReturnsTheUpsertNote(t *testing.T) {
	env := newEnv(t)
	var a *activities.Contacts
	env.OnActivity(a.FetchPartner, mock.Anything, mock.Anything).Return(activities.FetchedPartner{}, nil)
	env.OnActivity(a.MapContact, mock.Anything, mock.Anything).Return(activities.MappedContact{PartnerID: 42}, nil)
	env.OnActivity(a.UpsertAccount, mock.Anything, mock.Anything).Return(activities.UpsertResult{ExactID: "guid-2", ExactCode: "ODOO42",
		Action: activities.ActionCreated, DroppedExactID: "guid-1", Note: "deleted in Exact | NL: verwijderd"}, nil)
	env.OnActivity(a.WriteBackPartner, mock.Anything, mock.Anything).Return(true, nil)
	env.ExecuteWorkflow(SyncContact, in)
	var got ContactResult
	if err := env.GetWorkflowResult(&got); err != nil {
		t.Fatal(err)
	}
	if got.State != StateSynced || got.ExactID != "guid-2" || got.Note != "deleted in Exact | NL: verwijderd" {
		t.Errorf("result = %+v, want synced to guid-2 with the upsert's note", got)
	}
}
