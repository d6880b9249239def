package workflows

import (
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/exactsync/exactsync/activities"
)

// A sync stopped by an error a person must fix (a data error, a refused right, a dead Exact token, a call that ran
// out of retries) does not end: its run waits, SyncState "waiting" (or "paused" while the connection is paused),
// with the reason and the fix in SyncReason and in the run's current details, until a retry signal or the record's
// next change wakes it. Then the same run syncs again. So the queue's search attributes are always the record's
// state now: a record that failed and was fixed shows once, synced, and `SyncState = 'waiting'` lists exactly what
// waits for a fix. A retry comes from the Web UI ("Send signal", name retry), `starter retry`, `starter resume`
// or the next edit's change signal.

// SignalRetry wakes a sync waiting for a fix (its payload, if any, is ignored: the Web UI may send one).
const SignalRetry = "retry"

// SignalRetryForce wakes a contact sync waiting for a fix and makes it send even a payload Exact refused before,
// unchanged (`starter retry --force`).
const SignalRetryForce = "retry-force"

// QueryStop answers with the Stop a sync waits on (State "" while it is not stopped).
const QueryStop = "stop"

// versionWaitForFix is the change that made a sync stopped by an error wait in its run instead of failing.
const versionWaitForFix = "wait-for-fix"

// maxRetriesPerRun bounds the retries of one run; the next retry continues as new, so a record retried often does
// not grow one history without end.
const maxRetriesPerRun = 20

// maxReasonBytes keeps SyncReason under Temporal's default limit for one search attribute value (2 KB); the full
// reason stays in the run's current details and QueryStop's answer.
const maxReasonBytes = 1800

// Stop is why a sync waits for a fix.
type Stop struct {
	State   string              // StateWaiting or StatePaused; "" : not stopped
	Class   string              // the error type (DataError, AuthError, …)
	Reason  string              // the reason and the fix, in English and Dutch
	Problem *activities.Problem `json:",omitempty"`
	Since   time.Time
	// Retries counts the retries this run made so far.
	Retries int
}

// stopper makes a sync's run wait for a fix when a pass stops with an error.
type stopper struct {
	ctx          workflow.Context
	connection   string
	connectionID int64
	set          func(state, class, reason string) // the queue's search attributes and the metrics
	changed      workflow.ReceiveChannel
	retry, force workflow.ReceiveChannel
	stop         Stop
	retries      int
}

// newStopper registers QueryStop and the retry signals of a sync's run.
func newStopper(ctx workflow.Context, connection string, connectionID int64, changed workflow.ReceiveChannel,
	set func(state, class, reason string)) *stopper {
	s := &stopper{ctx: ctx, connection: connection, connectionID: connectionID, set: set, changed: changed,
		retry: workflow.GetSignalChannel(ctx, SignalRetry), force: workflow.GetSignalChannel(ctx, SignalRetryForce)}
	if err := workflow.SetQueryHandler(ctx, QueryStop, func() (Stop, error) { return s.stop, nil }); err != nil {
		workflow.GetLogger(ctx).Error("set query handler", "error", err)
	}
	return s
}

// wait records err as the run's stop and blocks until a retry signal or a change of the record. It reports
// whether the run goes on (false: the run must fail with err, as before this change: a cancelled run, or a worker
// replaying a run that failed before it), whether the retry was forced, and whether the run must continue as new
// first (maxRetriesPerRun).
func (s *stopper) wait(err error) (retried, force, continueAsNew bool) {
	ctx := s.ctx
	if temporal.IsCanceledError(err) {
		return false, false, false
	}
	if workflow.GetVersion(ctx, versionWaitForFix, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return false, false, false
	}
	state, class := stopState(ctx, s.connection, s.connectionID, err)
	s.stop = Stop{State: state, Class: class, Reason: stopReason(err), Problem: stopProblem(err), Since: workflow.Now(ctx), Retries: s.retries}
	s.set(state, class, clip(s.stop.Reason, maxReasonBytes))
	workflow.SetCurrentDetails(ctx, stopDetails(s.stop))

	// A change or retry that came while the failing pass ran wakes the run at once: the pass may have read the
	// data from before the fix. Whatever came before the wake is taken by the one pass that follows.
	sel := workflow.NewSelector(ctx)
	sel.AddReceive(s.retry, func(c workflow.ReceiveChannel, _ bool) { c.ReceiveAsync(nil) })
	sel.AddReceive(s.force, func(c workflow.ReceiveChannel, _ bool) { c.ReceiveAsync(nil); force = true })
	sel.AddReceive(s.changed, func(c workflow.ReceiveChannel, _ bool) { c.ReceiveAsync(nil) })
	sel.AddReceive(ctx.Done(), func(workflow.ReceiveChannel, bool) {})
	sel.Select(ctx)
	if ctx.Err() != nil {
		return false, false, false // cancelled while it waited (the Web UI's Cancel): the run ends cancelled
	}
	for s.retry.ReceiveAsync(nil) {
	}
	for s.force.ReceiveAsync(nil) {
		force = true
	}
	for s.changed.ReceiveAsync(nil) {
	}

	s.retries++
	s.stop = Stop{}
	workflow.SetCurrentDetails(ctx, "")
	s.set(StateRunning, "", "")
	return true, force, s.retries >= maxRetriesPerRun
}

// untilSynced runs a sync's passes until the run ends: synced (settle records the outcome), or with more
// changes than one run takes (next continues as new). An error a person must fix waits in the run (wait) and the
// passes run again after a retry (retried hears whether it was forced); an error it cannot wait on ends the run
// (failed).
func untilSynced[R any](s *stopper, pass func() (R, bool, error), settle func(R), failed func(error) error,
	next func() error, retried func(force bool)) (R, error) {
	for {
		res, more, err := pass()
		if err == nil {
			s.done()
			if more {
				return res, next()
			}
			settle(res)
			return res, nil
		}
		ok, force, again := s.wait(err)
		if !ok {
			return res, failed(err)
		}
		if retried != nil {
			retried(force)
		}
		if again {
			return res, next()
		}
	}
}

// done takes the retry signals that came while the run was not stopped (a retry sent as it synced): there is
// nothing to retry, and a run must not end with signals it never read.
func (s *stopper) done() {
	for s.retry.ReceiveAsync(nil) {
	}
	for s.force.ReceiveAsync(nil) {
	}
}

// stopState classifies the error a sync stopped with: paused for a dead Exact token (the connection and its
// schedules are paused here) or a paused connection, waiting for everything else.
func stopState(ctx workflow.Context, connection string, connectionID int64, err error) (state, class string) {
	class = activities.ErrorType(err)
	var app *temporal.ApplicationError
	if errors.As(err, &app) && class == "" {
		class = app.Type()
	}
	state = StateWaiting
	if class == activities.ErrTypeReconsent || class == activities.ErrTypePaused {
		state = StatePaused
	}
	if class == activities.ErrTypeReconsent {
		var c *activities.Connections
		reason := "Exact refused the connection's tokens: connect Exact again (starter connect exact)"
		if app != nil && app.Message() != "" {
			reason = app.Message() // a dead refresh token, or the app's client ID or secret refused
		}
		pause := activities.PauseInput{ConnectionID: connectionID, ScheduleIDs: []string{DetectScheduleID(connection), PullScheduleID(connection)},
			Reason: reason}
		if perr := workflow.ExecuteActivity(quick(ctx), c.PauseConnection, pause).Get(ctx, nil); perr != nil {
			workflow.GetLogger(ctx).Error("pause connection", "error", perr)
		}
	}
	if class == "" {
		class = "Unknown"
	}
	return state, class
}

// stopReason is the reason and the fix an error carries, without Temporal's wrapping ("activity error …").
func stopReason(err error) string {
	var app *temporal.ApplicationError
	if errors.As(err, &app) && app.Message() != "" {
		return app.Message()
	}
	var timeout *temporal.TimeoutError
	if errors.As(err, &timeout) {
		return "A call to Odoo or Exact kept failing until its retries ran out (" + err.Error() + "). Fix: check that both answer, then retry | " +
			"NL: een aanroep naar Odoo of Exact bleef mislukken tot de herhalingen op waren. Oplossing: controleer of beide antwoorden en probeer opnieuw"
	}
	return err.Error()
}

// stopProblem is the Problem behind a data error, if it carries one.
func stopProblem(err error) *activities.Problem {
	var app *temporal.ApplicationError
	var p activities.Problem
	if errors.As(err, &app) && app.HasDetails() && app.Details(&p) == nil && p.Code != "" {
		return &p
	}
	return nil
}

// stopDetails is the run's current details in the Web UI while it stops: first how to go on (the Web UI shows
// a few lines before it scrolls), then the reason and the fix, each language in its own paragraph.
func stopDetails(s Stop) string {
	var b strings.Builder
	if s.State == StatePaused {
		b.WriteString("**Paused with its connection** (" + s.Class + "): goes on after `starter resume` | " +
			"**Gepauzeerd met de koppeling**: gaat verder na `starter resume`\n\n")
	} else {
		b.WriteString("**Waiting for a fix** (" + s.Class + "): after the fix, *Send signal* `" + SignalRetry + "` or `starter retry` | " +
			"**Wacht op herstel**: na het herstel *Send signal* `" + SignalRetry + "` of `starter retry`\n\n")
	}
	en, nl, ok := strings.Cut(s.Reason, " | NL: ")
	b.WriteString(en)
	if ok {
		b.WriteString("\n\nNL: " + nl)
	}
	return b.String()
}

// clip shortens s to at most n bytes on a character boundary, marking the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
