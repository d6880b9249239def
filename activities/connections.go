package activities

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/exactsync/exactsync/store"
)

// Connections holds the activities that act on a connection as a whole.
type Connections struct {
	Store    *store.Store
	Temporal client.Client
}

// PauseInput pauses a connection and its schedules.
type PauseInput struct {
	ConnectionID int64
	Reason       string
	ScheduleIDs  []string
}

// PauseConnection marks the connection paused (syncs refuse to run) and pauses its schedules, so a dead Exact
// token stops the polling instead of burning retries and API budget.
func (c *Connections) PauseConnection(ctx context.Context, in PauseInput) error {
	if err := c.Store.SetPaused(ctx, in.ConnectionID, true, in.Reason); err != nil {
		return err
	}
	for _, id := range in.ScheduleIDs {
		err := c.Temporal.ScheduleClient().GetHandle(ctx, id).Pause(ctx, client.SchedulePauseOptions{Note: in.Reason})
		var nf *serviceerror.NotFound
		if err != nil && !errors.As(err, &nf) { // a connection made before the payment pull has no pull schedule
			return fmt.Errorf("pause schedule %s: %w", id, err)
		}
	}
	return nil
}
