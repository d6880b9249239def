package workflows

import (
	"slices"
	"strings"
	"testing"

	"go.temporal.io/sdk/workflow"

	"github.com/exactsync/exactsync/activities"
)

// No preset retries forever, every one stops retrying data errors, and the preset of calls to Exact outlives the
// longest wait for Exact's budget (its daily reset), so a division over its daily cap makes syncs wait, not fail.
func TestActivityPresetsAreBounded(t *testing.T) {
	presets := map[string]workflow.ActivityOptions{"quick": quickOptions(), "remote": remoteOptions(), "paging": pagingOptions(),
		"awaitPartner": awaitPartnerOptions()}
	for name, o := range presets {
		if o.RetryPolicy == nil {
			t.Errorf("%s: no retry policy", name)
			continue
		}
		if o.RetryPolicy.MaximumAttempts <= 0 && o.ScheduleToCloseTimeout <= 0 {
			t.Errorf("%s retries forever: neither MaximumAttempts nor ScheduleToCloseTimeout", name)
		}
		if o.StartToCloseTimeout <= 0 {
			t.Errorf("%s: no StartToCloseTimeout", name)
		}
		for _, typ := range activities.NonRetryable {
			if !slices.Contains(o.RetryPolicy.NonRetryableErrorTypes, typ) {
				t.Errorf("%s retries %s errors", name, typ)
			}
		}
	}
	r := remoteOptions()
	if r.RetryPolicy.MaximumAttempts != 0 {
		t.Errorf("remote: MaximumAttempts %d would fail a sync that waits for several budget resets", r.RetryPolicy.MaximumAttempts)
	}
	if min := activities.MaxBudgetWait + r.StartToCloseTimeout; r.ScheduleToCloseTimeout <= min {
		t.Errorf("remote: ScheduleToCloseTimeout %s does not outlive the longest budget wait (%s)", r.ScheduleToCloseTimeout, min)
	}
}

// The Web UI shows a few lines of a run's current details before it scrolls: how to go on comes first, then
// the reason in each language as its own paragraph.
func TestStopDetailsPutHowToGoOnFirst(t *testing.T) {
	reason := "Tax 3 has no Exact mapping. Fix: map tax 3 | NL: Btw 3 is niet gekoppeld. Oplossing: koppel btw 3"
	waiting := stopDetails(Stop{State: StateWaiting, Class: "DataError", Reason: reason})
	first, rest, _ := strings.Cut(waiting, "\n\n")
	for _, want := range []string{"Waiting for a fix", "Send signal* `retry`", "starter retry", "Wacht op herstel"} {
		if !strings.Contains(first, want) {
			t.Errorf("first paragraph %q lacks %q", first, want)
		}
	}
	if want := "Tax 3 has no Exact mapping. Fix: map tax 3\n\nNL: Btw 3 is niet gekoppeld. Oplossing: koppel btw 3"; rest != want {
		t.Errorf("reason paragraphs %q, want %q", rest, want)
	}
	paused := stopDetails(Stop{State: StatePaused, Class: "ConnectionPaused", Reason: "paused"})
	if first, _, _ := strings.Cut(paused, "\n\n"); !strings.Contains(first, "starter resume") || strings.Contains(first, "retry") {
		t.Errorf("a paused run's first paragraph %q must say resume, not retry", first)
	}
}
