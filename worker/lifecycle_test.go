package main

import (
	"strings"

	"context"
	"errors"
	"github.com/exactsync/exactsync/clients/exact/exacttest"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/exactsync/exactsync/activities"
	"github.com/exactsync/exactsync/workflows"
)

// waitScheduleAction waits (bounded) until the schedule has started a workflow, and returns its ID. The
// schedule runs on the server's clock, so this waits for an event, not for a duration.
func waitScheduleAction(t *testing.T, h client.ScheduleHandle) string {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		desc, err := h.Describe(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n := len(desc.Info.RecentActions); n > 0 {
			return desc.Info.RecentActions[n-1].StartWorkflowResult.WorkflowID
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("the schedule started no workflow within a minute")
	return ""
}

func TestScheduleSyncsAndDeadTokenPausesTheConnection(t *testing.T) {
	s := newStack(t)
	ctx := context.Background()
	id, err := s.odoo.Create("res.partner", map[string]any{"name": "Planning BV", "is_company": true, "customer_rank": 1, "country_id": s.odoo.Seeded().Countries["NL"]})
	if err != nil {
		t.Fatal(err)
	}

	// The schedule fires at once on creation, then every hour; its detector starts the partner's sync.
	if err := workflows.EnsureDetectSchedule(ctx, s.ts.Client, s.conn, time.Hour); err != nil {
		t.Fatal(err)
	}
	h := s.ts.Client.ScheduleClient().GetHandle(ctx, workflows.DetectScheduleID(s.conn.Name))
	detectID := waitScheduleAction(t, h)
	var det workflows.DetectResult
	if err := s.ts.Client.GetWorkflow(ctx, detectID, "").Get(ctx, &det); err != nil {
		t.Fatalf("scheduled DetectContacts: %v", err)
	}
	if res, err := s.wait(id); err != nil || res.State != workflows.StateSynced {
		t.Fatalf("sync started by the schedule: %+v, %v", res, err)
	}
	if n := len(s.accountsNamed("Planning BV")); n != 1 {
		t.Fatalf("%d accounts, want 1", n)
	}
	// Ensuring again updates the interval and keeps one schedule.
	if err := workflows.EnsureDetectSchedule(ctx, s.ts.Client, s.conn, 2*time.Hour); err != nil {
		t.Fatalf("ensure again: %v", err)
	}
	desc, err := h.Describe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := desc.Schedule.Spec.Intervals[0].Every; got != 2*time.Hour {
		t.Errorf("interval = %s, want 2h", got)
	}

	// The user revokes consent in Exact: the next sync stops, pauses the connection and its schedule.
	s.exact.RevokeTokens()
	if err := s.odoo.Write("res.partner", []int64{id}, map[string]any{"city": "Delft"}); err != nil {
		t.Fatal(err)
	}
	if err := workflows.StartContactSync(ctx, s.ts.Client, s.conn, id); err != nil {
		t.Fatal(err)
	}
	// The run that meets the dead token stops with ReconsentNeeded; a run behind it (the schedule's) finds the
	// connection paused already. Either way it stops without retrying.
	_, err = s.wait(id)
	var app *temporal.ApplicationError
	if !errors.As(err, &app) || (app.Type() != activities.ErrTypeReconsent && app.Type() != activities.ErrTypePaused) {
		t.Fatalf("err = %v, want ReconsentNeeded or ConnectionPaused", err)
	}
	conn, err := s.st.ConnectionByID(ctx, s.conn.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !conn.Paused || conn.PausedReason == "" {
		t.Errorf("connection paused = %t (%q), want paused with a reason", conn.Paused, conn.PausedReason)
	}
	desc, err = h.Describe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !desc.Schedule.State.Paused || desc.Schedule.State.Note == "" {
		t.Errorf("schedule paused = %t (%q), want paused with a note", desc.Schedule.State.Paused, desc.Schedule.State.Note)
	}
	// While paused, the detector does nothing and says so instead of failing.
	if res := s.detect(); !res.Paused || res.Started != 0 {
		t.Errorf("detector on a paused connection = %+v, want paused and nothing started", res)
	}
}

// A division whose minutely budget runs out mid-sync: the syncs wait for the reset (Temporal's NextRetryDelay)
// and finish, each partner still exactly once.
func TestRateLimitedDivisionWaitsForTheReset(t *testing.T) {
	s := newStack(t, func(o *exacttest.Options) { o.MinutelyLimit = 8; o.MinuteWindow = 2 * time.Second })
	s.settle(nil)
	s.exact.ResetCalls()
	ids := s.createPartners("Budget", 16)
	s.settle(ids)
	s.assertOneAccountEach(ids)
	if !strings.Contains(s.logs.String(), activities.ErrTypeRateLimited) {
		t.Error("no sync waited for the budget; the test does not exercise the limit")
	}
	c := s.exact.Calls()
	t.Logf("answers by status: %v", c.ByStatus)
}
