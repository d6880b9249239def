package workflows

import (
	"github.com/exactsync/exactsync/activities"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

var nonRetryable = activities.NonRetryable

// Every preset is bounded (attempts or schedule-to-close): nothing retries forever.

// quick is for a local database step: a few attempts over about a quarter of an hour.
func quick(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, quickOptions())
}

func quickOptions() workflow.ActivityOptions {
	return workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:        time.Second,
			BackoffCoefficient:     2,
			MaximumInterval:        time.Minute,
			MaximumAttempts:        20,
			NonRetryableErrorTypes: nonRetryable,
		},
	}
}

// remote is for a call to Odoo or Exact: transient errors back off up to 10 minutes; a 429 or a used-up budget
// sets its own next delay (the reset instant) through NextRetryDelay. The schedule-to-close outlives the longest
// budget wait (Exact's daily reset), so a division over its daily cap makes syncs wait, not fail.
func remote(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, remoteOptions())
}

func remoteOptions() workflow.ActivityOptions {
	return workflow.ActivityOptions{
		StartToCloseTimeout:    2 * time.Minute,
		ScheduleToCloseTimeout: activities.MaxBudgetWait + 3*time.Hour,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:        2 * time.Second,
			BackoffCoefficient:     2,
			MaximumInterval:        10 * time.Minute,
			NonRetryableErrorTypes: nonRetryable,
		},
	}
}

// paging is for an activity that pages through many records and heartbeats its progress.
func paging(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, pagingOptions())
}

func pagingOptions() workflow.ActivityOptions {
	return workflow.ActivityOptions{
		StartToCloseTimeout: 10 * time.Minute,
		HeartbeatTimeout:    time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:        2 * time.Second,
			BackoffCoefficient:     2,
			MaximumInterval:        5 * time.Minute,
			MaximumAttempts:        20,
			NonRetryableErrorTypes: nonRetryable,
		},
	}
}

// awaitPartner is for an invoice waiting for its partner's contact sync: retried every few seconds (the activity
// sets its next delay) as long as a contact sync may take, Exact's budget waits included.
func awaitPartner(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, awaitPartnerOptions())
}

func awaitPartnerOptions() workflow.ActivityOptions {
	return workflow.ActivityOptions{
		StartToCloseTimeout:    time.Minute,
		ScheduleToCloseTimeout: activities.MaxBudgetWait + 4*time.Hour,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:        3 * time.Second,
			BackoffCoefficient:     1.5,
			MaximumInterval:        5 * time.Minute,
			NonRetryableErrorTypes: nonRetryable,
		},
	}
}
