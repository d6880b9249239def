package activities

import (
	"context"
	"fmt"

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
		if err := c.Temporal.ScheduleClient().GetHandle(ctx, id).Pause(ctx, client.SchedulePauseOptions{Note: in.Reason}); err != nil {
			return fmt.Errorf("pause schedule %s: %w", id, err)
		}
	}
	return nil
}
