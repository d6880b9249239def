package workflows

import (
	"slices"
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
