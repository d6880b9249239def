package activities

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/exactsync/exactsync/clients/exact"
	"github.com/exactsync/exactsync/clients/odoo"
	"github.com/exactsync/exactsync/store"
)

// Clients builds and caches, per connection, the Odoo and Exact clients activities use. A client is rebuilt
// when the connection's stored settings change.
type Clients struct {
	Store connectionStore
	HTTP  *http.Client
	// ExactHTTP, when set, carries the Exact calls (the worker counts them for its metrics); else HTTP does.
	ExactHTTP *http.Client
	Logger    *zap.Logger
	// TokenOptions tune the Exact token source (tests shorten token lifetimes).
	TokenOptions []exact.TokenSourceOption

	mu    sync.Mutex
	odoo  map[int64]cachedOdoo
	exact map[int64]cachedExact
}

type cachedOdoo struct {
	key    string
	client *odoo.Client
}

type cachedExact struct {
	key    string
	client *exact.Client
}

// NewClients returns a client cache over the store.
func NewClients(st connectionStore, logger *zap.Logger) *Clients {
	return &Clients{Store: st, HTTP: &http.Client{Timeout: 90 * time.Second}, Logger: logger}
}

// Connection loads a connection and refuses a paused one.
func (c *Clients) Connection(ctx context.Context, id int64) (store.Connection, error) {
	conn, err := c.Store.ConnectionByID(ctx, id)
	if err != nil {
		return conn, fmt.Errorf("connection %d: %w", id, err)
	}
	if conn.Paused {
		return conn, &pausedError{conn: conn}
	}
	return conn, nil
}

type pausedError struct{ conn store.Connection }

func (e *pausedError) Error() string {
	return fmt.Sprintf("connection %q is paused: %s", e.conn.Name, e.conn.PausedReason)
}

// Odoo returns the connection's Odoo client, dialling (version + login) only the first time.
func (c *Clients) Odoo(ctx context.Context, conn store.Connection) (*odoo.Client, error) {
	if conn.OdooURL == "" {
		return nil, fmt.Errorf("connection %q has no Odoo side yet: run `starter connect odoo`", conn.Name)
	}
	key := fmt.Sprint(conn.OdooURL, conn.OdooDatabase, conn.OdooLogin, conn.OdooAPIKey, conn.OdooCompanyID, conn.OdooTransport)
	c.mu.Lock()
	if cached, ok := c.odoo[conn.ID]; ok && cached.key == key {
		c.mu.Unlock()
		return cached.client, nil
	}
	c.mu.Unlock()
	oc, err := odoo.Dial(ctx, odoo.Config{URL: conn.OdooURL, Database: conn.OdooDatabase, Login: conn.OdooLogin,
		APIKey: conn.OdooAPIKey, CompanyID: conn.OdooCompanyID, Transport: conn.OdooTransport},
		odoo.WithHTTPClient(c.HTTP), odoo.WithLogger(c.Logger.With(zap.Int64("odoo_company", conn.OdooCompanyID))))
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.odoo == nil {
		c.odoo = map[int64]cachedOdoo{}
	}
	c.odoo[conn.ID] = cachedOdoo{key: key, client: oc}
	return oc, nil
}

// ExactConfig is the OAuth app configuration of a connection.
func ExactConfig(conn store.Connection, hc *http.Client) *exact.Config {
	return &exact.Config{ClientID: conn.ExactClientID, ClientSecret: conn.ExactClientSecret, RedirectURL: conn.ExactRedirectURL,
		Site: exact.Site(conn.ExactSite), BaseURL: conn.ExactBaseURL, HTTPClient: hc}
}

// Exact returns the connection's Exact client; its tokens come from the store under the store's lock.
func (c *Clients) Exact(ctx context.Context, conn store.Connection) (*exact.Client, error) {
	if conn.ExactClientID == "" || conn.ExactDivision == 0 {
		return nil, fmt.Errorf("connection %q has no Exact division yet: run `starter connect exact`", conn.Name)
	}
	key := fmt.Sprint(conn.ExactSite, conn.ExactBaseURL, conn.ExactClientID, conn.ExactClientSecret)
	c.mu.Lock()
	defer c.mu.Unlock()
	if cached, ok := c.exact[conn.ID]; ok && cached.key == key {
		return cached.client, nil
	}
	hc := c.HTTP
	if c.ExactHTTP != nil {
		hc = c.ExactHTTP
	}
	cfg := ExactConfig(conn, hc)
	logger := c.Logger.With(zap.Int("division", conn.ExactDivision))
	ts := exact.NewTokenSource(cfg, c.Store, conn.ID, append([]exact.TokenSourceOption{exact.TokenLogger(logger)}, c.TokenOptions...)...)
	opts := []exact.Option{exact.WithTokenSource(ts), exact.WithHTTPClient(hc), exact.WithLogger(logger)}
	if conn.ExactBaseURL != "" {
		opts = append(opts, exact.WithBaseURL(conn.ExactBaseURL))
	} else {
		opts = append(opts, exact.WithSite(exact.Site(conn.ExactSite)))
	}
	ec, err := exact.NewClient(opts...)
	if err != nil {
		return nil, err
	}
	if c.exact == nil {
		c.exact = map[int64]cachedExact{}
	}
	c.exact[conn.ID] = cachedExact{key: key, client: ec}
	return ec, nil
}
