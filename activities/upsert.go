package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/exactsync/exactsync/clients/exact"
	"github.com/exactsync/exactsync/store"
)

// linkStore is what the idempotent upsert needs of the store: the links of an Odoo record's Exact objects.
type linkStore interface {
	LinkRole(ctx context.Context, connectionID int64, odooModel string, odooID int64, role string) (store.Link, error)
	SaveLink(ctx context.Context, l store.Link) error
	DeleteLink(ctx context.Context, connectionID int64, odooModel string, odooID int64, role string) error
}

// exactObject is an object the connector made in Exact.
type exactObject struct {
	ID   string
	Code string // entry number, account code; "" where Exact has none
}

// objectSpec says how to find and create one Exact object of an Odoo record: the one idempotent upsert every
// object the connector creates in Exact goes through (entries, documents, attachments).
type objectSpec struct {
	ConnectionID int64
	OdooModel    string
	OdooID       int64
	Role         string // "entry", "document", "attachment"
	Entity       string // Exact endpoint, e.g. salesentry/SalesEntries
	// Intent is the object's natural key, stored before the create and kept with the link.
	Intent any
	// Find looks the object up in Exact by its natural key; ok false when it is not there.
	Find func(ctx context.Context) (obj exactObject, ok bool, err error)
	// Create makes the object in Exact.
	Create func(ctx context.Context) (exactObject, error)
	// PayloadHash and Payload are what was sent, kept with the link (modifications, reconciliation).
	PayloadHash string
	Payload     json.RawMessage
}

// upsertOutcome says how ensureObject came by its object.
type upsertOutcome string

const (
	outcomeLinked  upsertOutcome = "linked"  // the link existed
	outcomeFound   upsertOutcome = "found"   // an earlier attempt created it and lost the answer: found by its key
	outcomeCreated upsertOutcome = "created" // created now
)

// ensureObject returns the Exact object of one role of an Odoo record, creating it at most once: link → lookup by
// natural key → create → link. Before the create it stores a pending link with the natural key, committed before
// Exact sees the request; an attempt that finds a pending link (the previous one may have created the object and
// lost the answer, or crashed, or the workflow was reset) looks the object up in Exact first. Only an attempt that
// finds neither a link nor a pending one creates without looking, so a new object costs exactly one Exact call.
// A create Exact refused outright (a validation error: nothing was made) drops the pending link, so the retry after
// the fix creates without a lookup.
func ensureObject(ctx context.Context, links linkStore, spec objectSpec) (store.Link, upsertOutcome, error) {
	l, err := links.LinkRole(ctx, spec.ConnectionID, spec.OdooModel, spec.OdooID, spec.Role)
	switch {
	case err == nil && !l.Pending:
		return l, outcomeLinked, nil
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return l, "", err
	}
	intent, err := json.Marshal(spec.Intent)
	if err != nil {
		return l, "", fmt.Errorf("%s %s of %s %d: %w", spec.Entity, spec.Role, spec.OdooModel, spec.OdooID, err)
	}
	link := store.Link{ConnectionID: spec.ConnectionID, OdooModel: spec.OdooModel, OdooID: spec.OdooID, Role: spec.Role,
		ExactEntity: spec.Entity, Intent: intent, PayloadHash: spec.PayloadHash, Payload: spec.Payload}
	if l.Pending {
		obj, ok, err := spec.Find(ctx)
		if err != nil {
			return l, "", err
		}
		if ok {
			link.ExactID, link.ExactCode = obj.ID, obj.Code
			return link, outcomeFound, links.SaveLink(ctx, link)
		}
	}
	pending := link
	pending.Pending = true
	if err := links.SaveLink(ctx, pending); err != nil {
		return l, "", err
	}
	obj, err := spec.Create(ctx)
	if err != nil {
		if errors.Is(err, exact.ErrValidation) {
			if derr := links.DeleteLink(ctx, spec.ConnectionID, spec.OdooModel, spec.OdooID, spec.Role); derr != nil {
				return l, "", errors.Join(err, derr)
			}
		}
		return l, "", err
	}
	link.ExactID, link.ExactCode = obj.ID, obj.Code
	return link, outcomeCreated, links.SaveLink(ctx, link)
}
