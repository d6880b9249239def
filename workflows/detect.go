package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/exactsync/exactsync/activities"
)

// detectPageSize and maxDetectPages bound one detector run; the next scheduled run goes on from the cursor.
const (
	detectPageSize = 200
	maxDetectPages = 25
)

// DetectInput names the connection to poll.
type DetectInput struct {
	Connection   string
	ConnectionID int64
	// FromStart makes the run a sweep over every partner (the initial sync, `starter sync contacts
	// --from-start`): it starts at the beginning and carries its own cursors from page to page, so a scheduled
	// detector running at the same time can neither move the sweep's position nor have its own overwritten.
	FromStart bool
	// Sweep is where a sweep continued as new goes on from.
	Sweep []activities.NamedCursor
	// InvoiceSweep is where a sweep of the invoices goes on from, once the partners are done (InvoicesOnly).
	InvoiceSweep string `json:",omitempty"`
	InvoicesOnly bool   `json:",omitempty"`
}

// DetectResult counts what a detector run did.
type DetectResult struct {
	Pages      int
	Started    int
	PartnerIDs []int64 // whose sync was started (or signalled)
	Own        int     // changes that were the connector's own write-back, not synced again
	Synced     int     `json:",omitempty"` // changes a sync had already read (a webhook's run), not synced again
	Paused     bool
	// MoveIDs are the invoices whose sync was started (or signalled).
	MoveIDs []int64 `json:",omitempty"`
}

// versionDetectInvoices is the change that made the detector also detect invoices, after the partners.
const versionDetectInvoices = "detect-invoices"

// DetectContacts asks Odoo for partners (and bank accounts) changed since the stored cursors and starts one
// SyncContact per commercial partner. The cursor advances only after the starts were accepted. A Schedule runs
// it every minute per connection (overlap: skip); webhooks make it near-real-time, this is the safety net.
func DetectContacts(ctx workflow.Context, in DetectInput) (DetectResult, error) {
	var a *activities.Contacts
	var res DetectResult
	if in.InvoicesOnly {
		return res, detectInvoices(ctx, in, &res)
	}
	sweep := in.Sweep
	for res.Pages < maxDetectPages {
		var page activities.ChangedPartners
		err := workflow.ExecuteActivity(paging(ctx), a.ChangedPartners,
			activities.ChangedPartnersInput{ConnectionID: in.ConnectionID, Limit: detectPageSize,
				Sweeping: in.FromStart, Cursors: sweep}).Get(ctx, &page)
		if err != nil {
			if activities.ErrorType(err) == activities.ErrTypePaused {
				res.Paused = true
				return res, nil
			}
			return res, err
		}
		res.Pages++
		res.Own += page.Own
		res.Synced += page.Synced
		if len(page.PartnerIDs) > 0 {
			if err := workflow.ExecuteActivity(paging(ctx), a.EnqueueContactSyncs,
				activities.EnqueueInput{ConnectionID: in.ConnectionID, PartnerIDs: page.PartnerIDs}).Get(ctx, nil); err != nil {
				return res, err
			}
			res.Started += len(page.PartnerIDs)
			res.PartnerIDs = append(res.PartnerIDs, page.PartnerIDs...)
		}
		if in.FromStart {
			sweep = page.Cursors
			if !page.More {
				if err := detectInvoices(ctx, in, &res); err != nil {
					return res, err
				}
				detected(ctx, in)
				return res, nil
			}
			continue
		}
		if storable(page.Cursors) || page.Cursor != "" {
			if err := workflow.ExecuteActivity(quick(ctx), a.SaveCursor,
				activities.CursorInput{ConnectionID: in.ConnectionID, Cursors: page.Cursors, Value: page.Cursor}).Get(ctx, nil); err != nil {
				return res, err
			}
		}
		if !page.More {
			break
		}
	}
	if in.FromStart {
		// A sweep longer than one run goes on in a fresh history from where it stands.
		next := in
		next.Sweep = sweep
		return res, workflow.NewContinueAsNewError(ctx, DetectContacts, next)
	}
	if err := detectInvoices(ctx, in, &res); err != nil {
		return res, err
	}
	detected(ctx, in)
	return res, nil
}

// detectInvoices asks Odoo for invoices, bills and credit notes changed since the invoice cursor and starts one
// SyncInvoice per move (a connection without a from-date or mapped journals costs no Odoo call). A sweep carries
// its own cursor and continues as new when it is longer than one run.
func detectInvoices(ctx workflow.Context, in DetectInput, res *DetectResult) error {
	if workflow.GetVersion(ctx, versionDetectInvoices, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return nil
	}
	var a *activities.Invoices
	cursor := in.InvoiceSweep
	for pages := 0; pages < maxDetectPages; pages++ {
		var page activities.ChangedInvoices
		err := workflow.ExecuteActivity(paging(ctx), a.ChangedInvoices, activities.ChangedInvoicesInput{
			ConnectionID: in.ConnectionID, Limit: detectPageSize, Sweeping: in.FromStart, Cursor: cursor}).Get(ctx, &page)
		if err != nil {
			if activities.ErrorType(err) == activities.ErrTypePaused {
				res.Paused = true
				return nil
			}
			return err
		}
		if page.Off {
			return nil
		}
		res.Pages++
		res.Own += page.Own
		res.Synced += page.Synced
		if len(page.MoveIDs) > 0 {
			if err := workflow.ExecuteActivity(paging(ctx), a.EnqueueInvoiceSyncs,
				activities.EnqueueInvoicesInput{ConnectionID: in.ConnectionID, MoveIDs: page.MoveIDs}).Get(ctx, nil); err != nil {
				return err
			}
			res.Started += len(page.MoveIDs)
			res.MoveIDs = append(res.MoveIDs, page.MoveIDs...)
		}
		cursor = page.Cursor
		if !in.FromStart && page.Cursor != "" {
			if err := workflow.ExecuteActivity(quick(ctx), a.SaveInvoiceCursor,
				activities.CursorInput{ConnectionID: in.ConnectionID, Value: page.Cursor}).Get(ctx, nil); err != nil {
				return err
			}
		}
		if !page.More {
			return nil
		}
	}
	if !in.FromStart {
		return nil // the next scheduled run goes on from the stored cursor
	}
	next := in
	next.InvoicesOnly, next.InvoiceSweep = true, cursor
	return workflow.NewContinueAsNewError(ctx, DetectContacts, next)
}

// storable reports whether a page moved any cursor off the beginning (there is something to store).
func storable(cursors []activities.NamedCursor) bool {
	for _, c := range cursors {
		if c.Value != "" {
			return true
		}
	}
	return false
}

// detected records, in the worker's metrics, when the connection's detection last read Odoo to its end
// (exactsync_detect_last_success_seconds, Unix time by the workflow's clock; never emitted on replay).
func detected(ctx workflow.Context, in DetectInput) {
	workflow.GetMetricsHandler(ctx).WithTags(map[string]string{"connection": in.Connection}).
		Gauge(MetricDetectLastSuccess).Update(float64(workflow.Now(ctx).Unix()))
}
