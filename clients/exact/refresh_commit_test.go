package exact_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/exactsync/exactsync/clients/exact"
	"github.com/exactsync/exactsync/clients/exact/exacttest"
	"github.com/exactsync/exactsync/internal/pgtest"
	"github.com/exactsync/exactsync/store"
)

// stoppableCtx is a caller's context the test ends at a chosen moment with a
// chosen error: context.Canceled (the activity was cancelled, the worker
// stops) or context.DeadlineExceeded (the activity timed out).
type stoppableCtx struct {
	context.Context
	done chan struct{}
	once sync.Once
	mu   sync.Mutex
	err  error
}

func newStoppableCtx() *stoppableCtx {
	return &stoppableCtx{Context: context.Background(), done: make(chan struct{})}
}

func (c *stoppableCtx) Done() <-chan struct{} { return c.done }

func (c *stoppableCtx) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

func (c *stoppableCtx) stop(err error) {
	c.once.Do(func() {
		c.mu.Lock()
		c.err = err
		c.mu.Unlock()
		close(c.done)
	})
}

// tokenStores are the two TokenStore implementations, each giving a store
// and a connection ID for a fresh connection.
var tokenStores = []struct {
	name string
	open func(t *testing.T) (exact.TokenStore, int64)
}{
	{"memory", func(t *testing.T) (exact.TokenStore, int64) { return exact.NewMemoryTokenStore(), 1 }},
	{"postgres", func(t *testing.T) (exact.TokenStore, int64) {
		t.Helper()
		ctx := context.Background()
		s, err := store.Open(ctx, pgtest.URL(t), pgtest.Key())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
		id, err := s.SaveExact(ctx, store.Connection{Name: "commit", ExactSite: "nl", ExactClientID: "exactsync-dev",
			ExactClientSecret: "exactsync-dev-secret", ExactRedirectURL: redirectURL, ExactDivision: 1234567})
		if err != nil {
			t.Fatal(err)
		}
		return s, id
	}},
}

// TestRefreshAnsweredIsStoredWhenTheCallerStops: the caller's context ends
// while the refresh is in flight, after Exact rotated the chain and before
// its answer arrived. The answer is still received and committed (under the
// store's lock, on a context that outlives the caller's): the next call, by
// this process or another, works without a new consent or another refresh,
// and the stored refresh token is the new one. For both stores, both
// readings of the rotation rule, cancellation and timeout.
func TestRefreshAnsweredIsStoredWhenTheCallerStops(t *testing.T) {
	for _, st := range tokenStores {
		t.Run(st.name, func(t *testing.T) {
			forEachReading(t, func(t *testing.T, strict bool) {
				for _, stopErr := range []error{context.Canceled, context.DeadlineExceeded} {
					t.Run(stopErr.Error(), func(t *testing.T) {
						testRefreshAnsweredIsStored(t, st.open, strict, stopErr)
					})
				}
			})
		})
	}
}

func testRefreshAnsweredIsStored(t *testing.T, open func(*testing.T) (exact.TokenStore, int64), strict bool, stopErr error) {
	clock := exacttest.NewClock(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC))
	caller := newStoppableCtx()
	var hookMu sync.Mutex
	armed, stopped := false, false
	srv := exacttest.NewServer(t, func(o *exacttest.Options) {
		o.Now = clock.Now
		o.StrictRotation = strict
		o.TokenHook = func(grant string, status int) {
			hookMu.Lock()
			defer hookMu.Unlock()
			if armed && grant == "refresh_token" && status == 200 {
				armed, stopped = false, true
				caller.stop(stopErr) // Exact rotated; its answer is not written yet
			}
		}
	})
	ts, id := open(t)
	ctx := context.Background()
	cfg := &exact.Config{ClientID: srv.ClientID(), ClientSecret: srv.ClientSecret(), RedirectURL: redirectURL, BaseURL: srv.URL(), Now: clock.Now}
	first, err := cfg.Exchange(ctx, srv.Authorize(t, redirectURL))
	if err != nil {
		t.Fatal(err)
	}
	if err := exact.SaveToken(ctx, ts, id, first); err != nil {
		t.Fatal(err)
	}
	newClient := func() *exact.Client {
		c, err := exact.NewClient(exact.WithBaseURL(srv.URL()), exact.WithTokenSource(exact.NewTokenSource(cfg, ts, id)), exact.WithClock(clock.Now))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	c := newClient()
	if _, err := c.Me(ctx); err != nil {
		t.Fatal(err)
	}

	clock.Advance(601 * time.Second) // the access token expired: the next call refreshes
	hookMu.Lock()
	armed = true
	hookMu.Unlock()
	_, err = c.Me(caller)
	hookMu.Lock()
	if !stopped {
		t.Fatal("the refresh never reached the token endpoint")
	}
	hookMu.Unlock()
	if !errors.Is(err, stopErr) {
		t.Errorf("the stopped caller: got %v, want %v", err, stopErr)
	}
	tokenCalls := func() int { return srv.Calls().ByEndpoint["POST 0 oauth2/token"] }
	if got := tokenCalls(); got != 2 {
		t.Fatalf("token calls: got %d, want 2 (exchange, the interrupted refresh)", got)
	}

	b, err := ts.LoadToken(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := exact.ParseToken(b)
	if err != nil {
		t.Fatal(err)
	}
	if stored.RefreshToken == first.RefreshToken || stored.AccessToken == first.AccessToken {
		t.Error("the answered refresh was not stored: the old pair is still in the store")
	}
	// The next call works in this process and in another one that only has
	// the store, without another refresh: the stored pair is the one Exact
	// issued, and the chain lives on.
	for name, client := range map[string]*exact.Client{"same process": c, "other process": newClient()} {
		if _, err := client.Me(ctx); err != nil {
			t.Errorf("%s, next call: %v", name, err)
		}
	}
	if got := tokenCalls(); got != 2 {
		t.Errorf("token calls after the next calls: got %d, want 2 (no new refresh)", got)
	}
	clock.Advance(601 * time.Second)
	if _, err := newClient().Me(ctx); err != nil {
		t.Errorf("the following refresh, with the stored refresh token: %v", err)
	}
	if got := tokenCalls(); got != 3 {
		t.Errorf("token calls: got %d, want 3", got)
	}
}

// TestCallerGivingUpWhileWaitingForTheLockSendsNoRefresh: until the refresh
// is sent, the caller's context rules: a caller that ends while another
// process holds the token lock returns its context's error and never calls
// the token endpoint.
func TestCallerGivingUpWhileWaitingForTheLockSendsNoRefresh(t *testing.T) {
	e := newEnv(t, envConfig{})
	e.clock.Advance(601 * time.Second) // a refresh is due
	held, release := make(chan struct{}), make(chan struct{})
	holderDone := make(chan error, 1)
	go func() {
		holderDone <- e.store.UpdateToken(context.Background(), 1, func([]byte) ([]byte, error) {
			close(held)
			<-release
			return nil, nil
		})
	}()
	<-held
	caller := newStoppableCtx()
	caller.stop(context.DeadlineExceeded)
	_, err := e.ts.Token(caller)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got %v, want the caller's context.DeadlineExceeded", err)
	}
	close(release)
	if err := <-holderDone; err != nil {
		t.Fatal(err)
	}
	if got := e.tokenCalls(); got != 1 {
		t.Errorf("token calls: got %d, want 1 (the exchange only)", got)
	}
	if _, err := e.ts.Token(context.Background()); err != nil {
		t.Errorf("a later caller: %v", err)
	}
	if got := e.tokenCalls(); got != 2 {
		t.Errorf("token calls: got %d, want 2", got)
	}
}
