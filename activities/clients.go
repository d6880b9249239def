package activities

import (
	"context"
	"fmt"
	"io"
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
	// OdooConcurrency bounds the calls this worker has in flight to one connection's Odoo (default 4): a burst of
	// syncs (an initial sync starts a workflow per invoice) must not exhaust Odoo's database connections — a real
	// Odoo 17 answered "PoolError: The Connection Pool Is Full" under 80 invoice syncs at once.
	OdooConcurrency int

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
		odoo.WithHTTPClient(c.limited(c.OdooConcurrency)), odoo.WithLogger(c.Logger.With(zap.Int64("odoo_company", conn.OdooCompanyID))))
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

// limited is the HTTP client with at most n requests in flight (default 4), for one connection's Odoo.
func (c *Clients) limited(n int) *http.Client {
	if n <= 0 {
		n = 4
	}
	base := c.HTTP.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	return &http.Client{Timeout: c.HTTP.Timeout, Jar: c.HTTP.Jar, CheckRedirect: c.HTTP.CheckRedirect,
		Transport: &limitedTransport{base: base, slots: make(chan struct{}, n)}}
}

// limitedTransport holds one of its slots from a request's start until its response body is closed.
type limitedTransport struct {
	base  http.RoundTripper
	slots chan struct{}
}

func (t *limitedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	select {
	case t.slots <- struct{}{}:
	case <-req.Context().Done():
		return nil, req.Context().Err()
	}
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		<-t.slots
		return nil, err
	}
	resp.Body = &releasingBody{ReadCloser: resp.Body, release: func() { <-t.slots }}
	return resp, nil
}

// releasingBody frees its slot once, when closed.
type releasingBody struct {
	io.ReadCloser
	once    sync.Once
	release func()
}

func (b *releasingBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.release)
	return err
}
