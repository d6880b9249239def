package workflows

import (
	"fmt"

	"go.temporal.io/sdk/temporal"
)

// TaskQueue is the task queue every exactsync workflow and activity runs on.
const TaskQueue = "exactsync"

// Search attributes: the Temporal Web UI filtered by these is the sync queue, e.g.
//
//	ExactDivision = 1234567 AND OdooModel = "res.partner" AND SyncState = "failed"
var (
	AttrConnection    = temporal.NewSearchAttributeKeyKeyword("ExactsyncConnection")
	AttrOdooModel     = temporal.NewSearchAttributeKeyKeyword("OdooModel")
	AttrOdooID        = temporal.NewSearchAttributeKeyInt64("OdooID")
	AttrExactDivision = temporal.NewSearchAttributeKeyInt64("ExactDivision")
	AttrSyncState     = temporal.NewSearchAttributeKeyKeyword("SyncState")
	AttrErrorClass    = temporal.NewSearchAttributeKeyKeyword("ErrorClass")
	// AttrOdooName is the Odoo number of an invoice (INV/2026/00005), AttrExactEntryNumber its Exact entry number.
	AttrOdooName         = temporal.NewSearchAttributeKeyKeyword("OdooName")
	AttrExactEntryNumber = temporal.NewSearchAttributeKeyKeyword("ExactEntryNumber")
	// AttrSyncReason is the reason and the fix of a sync waiting for one (Text: searchable by words).
	AttrSyncReason = temporal.NewSearchAttributeKeyString("SyncReason")
)

// SearchAttributes lists the custom search attributes the dev server and a production namespace must have.
func SearchAttributes() []temporal.SearchAttributeKey {
	return []temporal.SearchAttributeKey{AttrConnection, AttrOdooModel, AttrOdooID, AttrExactDivision, AttrSyncState, AttrErrorClass,
		AttrOdooName, AttrExactEntryNumber, AttrSyncReason}
}

// Sync states shown in SyncState.
const (
	StateRunning = "running"
	StateSynced  = "synced"
	StateSkipped = "skipped" // nothing to send: unchanged payload or not a customer/supplier
	StateWaiting = "waiting" // stopped by an error a person must fix; the run waits for a retry (see stop.go)
	StatePaused  = "paused"  // the connection is paused (dead Exact token); the run waits for `starter resume`
	// StateFailed is the state of a run that ended failed: before runs waited for a fix (version wait-for-fix), or
	// cancelled.
	StateFailed = "failed"
)

// ContactWorkflowID is the deterministic ID of a partner's sync: repeated edits, polls and webhooks of the same
// partner coalesce into one run.
func ContactWorkflowID(connection string, partnerID int64) string {
	return fmt.Sprintf("contact/%s/res.partner/%d", connection, partnerID)
}

// InvoiceWorkflowID is the deterministic ID of a move's sync: polls, webhooks and edits of one move coalesce.
func InvoiceWorkflowID(connection string, moveID int64) string {
	return fmt.Sprintf("invoice/%s/account.move/%d", connection, moveID)
}

// PaymentWorkflowID is the deterministic ID of an invoice's payment sync.
func PaymentWorkflowID(connection string, moveID int64) string {
	return fmt.Sprintf("payment/%s/account.move/%d", connection, moveID)
}

// PullWorkflowID is the ID of a connection's payment pull started by its schedule.
func PullWorkflowID(connection string) string {
	return "pull-payments/" + connection
}

// PullScheduleID is the ID of the Temporal Schedule that pulls a connection's payments from Exact.
func PullScheduleID(connection string) string {
	return "pull-payments/" + connection
}

// DetectWorkflowID is the ID of a connection's change-detector run started by its schedule.
func DetectWorkflowID(connection string) string {
	return "detect/" + connection
}

// DetectScheduleID is the ID of the Temporal Schedule that polls a connection's Odoo for changes.
func DetectScheduleID(connection string) string {
	return "detect-contacts/" + connection
}

// SelfCheckWorkflowID is the ID of the end-to-end health check run by `starter doctor`.
func SelfCheckWorkflowID(nonce string) string {
	return "selfcheck/" + nonce
}

// Metrics the workflows emit through the SDK's metrics handler (the worker exports them on /metrics).
const (
	MetricSyncs             = "exactsync_syncs_total"
	MetricDetectLastSuccess = "exactsync_detect_last_success_seconds"
	MetricPullLastSuccess   = "exactsync_payment_pull_last_success_seconds"
)
