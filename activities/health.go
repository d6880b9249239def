package activities

import (
	"context"
	"time"

	"github.com/exactsync/exactsync/store"
)

// Health holds the activities of the end-to-end self-check.
type Health struct {
	Store    *store.Store
	Identity string // the worker's identity, as Temporal shows it
}

// SelfCheckInput names the check.
type SelfCheckInput struct {
	Nonce string
}

// SelfCheckResult is what the worker read back from PostgreSQL.
type SelfCheckResult struct {
	Worker        string
	CheckedAt     time.Time
	SchemaVersion int
}

// CheckDatabase writes the nonce into PostgreSQL and reads it back.
func (h *Health) CheckDatabase(ctx context.Context, in SelfCheckInput) (SelfCheckResult, error) {
	worker := h.Identity
	at, v, err := h.Store.SelfCheck(ctx, in.Nonce, worker)
	if err != nil {
		return SelfCheckResult{}, err
	}
	return SelfCheckResult{Worker: worker, CheckedAt: at, SchemaVersion: v}, nil
}
