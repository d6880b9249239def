package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/exactsync/exactsync/activities"
)

// SelfCheck proves the whole path works: Temporal schedules an activity on a worker, which writes to and reads
// from PostgreSQL. `starter doctor` runs it.
func SelfCheck(ctx workflow.Context, in activities.SelfCheckInput) (activities.SelfCheckResult, error) {
	var h *activities.Health
	var out activities.SelfCheckResult
	err := workflow.ExecuteActivity(quick(ctx), h.CheckDatabase, in).Get(ctx, &out)
	return out, err
}
