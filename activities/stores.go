package activities

import (
	"context"
	"encoding/json"
	"time"

	"github.com/exactsync/exactsync/clients/exact"
	"github.com/exactsync/exactsync/store"
)

// The store as the activities use it, in small interfaces by concern, declared here where they are used;
// *store.Store implements them all. Decision logic is tested with in-memory versions (see upsert_test.go and
// invoices_test.go) in Temporal's activity test environment; the end-to-end tests run it on PostgreSQL.

// connectionStore reads connections and keeps the Exact token chain (Clients).
type connectionStore interface {
	ConnectionByID(ctx context.Context, id int64) (store.Connection, error)
	exact.TokenStore
}

// recordLinks are the links between Odoo records and the Exact objects made for them.
type recordLinks interface {
	linkStore
	Link(ctx context.Context, connectionID int64, odooModel string, odooID int64) (store.Link, error)
	LinksOf(ctx context.Context, connectionID int64, odooModel string, odooID int64) (map[string]store.Link, error)
	LinkByExact(ctx context.Context, connectionID int64, exactEntity, exactID string) (store.Link, error)
	DeleteLinks(ctx context.Context, connectionID int64, odooModel string, odooIDs []int64) error
	RetireLinks(ctx context.Context, connectionID int64, odooModel string, odooID int64, roles []string, suffix string) error
}

// mappingStore holds the accountant's mappings.
type mappingStore interface {
	Mapping(ctx context.Context, connectionID int64, kind string, odooID int64) (store.Mapping, error)
	Mappings(ctx context.Context, connectionID int64, kind string) ([]store.Mapping, error)
}

// cursorStore holds the detectors' cursors.
type cursorStore interface {
	Cursor(ctx context.Context, connectionID int64, name string) (string, error)
	SetCursor(ctx context.Context, connectionID int64, name, value string) error
}

// mirrorStore is the local copy of Exact's accounts the matching reads.
type mirrorStore interface {
	SaveMirrorAccount(ctx context.Context, connectionID int64, a store.MirrorAccount) error
	MarkMirrorDeleted(ctx context.Context, connectionID int64, id string) error
	MirrorDeleted(ctx context.Context, connectionID int64, id string) (bool, error)
	MatchAccount(ctx context.Context, connectionID int64, vat, coc, code string) (store.MirrorAccount, string, error)
	RefreshMirror(ctx context.Context, connectionID int64, maxAge time.Duration, feed store.MirrorFeed) (bool, error)
}

// ownWriteStore records the connector's own writes in Odoo, so no detector takes them for changes.
type ownWriteStore interface {
	SaveOwnWrite(ctx context.Context, connectionID int64, odooModel string, odooID int64, writeDate, before time.Time) error
	SaveSeen(ctx context.Context, connectionID int64, odooModel string, odooID int64, writeDate time.Time, settled bool) error
	SettledSeen(ctx context.Context, connectionID int64, odooModel string, ids []int64) (map[int64]time.Time, error)
	OwnWrites(ctx context.Context, connectionID int64, odooModel string, ids []int64) (map[int64]store.OwnWrite, error)
	WriteBackOwner(ctx context.Context, connectionID int64) (int64, error)
}

// refusalStore remembers what Exact refused, so an unchanged record is not sent again.
type refusalStore interface {
	SaveRefusal(ctx context.Context, connectionID int64, odooModel string, odooID int64, payloadHash, message string) error
	Refusal(ctx context.Context, connectionID int64, odooModel string, odooID int64) (store.Refusal, error)
	ClearRefusal(ctx context.Context, connectionID int64, odooModel string, odooID int64) error
}

// referenceStore caches Exact's reference data.
type referenceStore interface {
	Reference(ctx context.Context, connectionID int64, kind string) (map[string]json.RawMessage, time.Time, error)
	ReplaceReference(ctx context.Context, connectionID int64, kind string, rows map[string]json.RawMessage) error
}

// SyncStore is what the contact and invoice activities need of PostgreSQL.
type SyncStore interface {
	recordLinks
	mappingStore
	cursorStore
	mirrorStore
	ownWriteStore
	refusalStore
	referenceStore
}

var (
	_ SyncStore       = (*store.Store)(nil)
	_ connectionStore = (*store.Store)(nil)
)
