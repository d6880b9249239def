package exact_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/exactsync/exactsync/clients/exact"
	"github.com/exactsync/exactsync/clients/exact/exacttest"
)

// countingStore counts the token pairs persisted through UpdateToken.
type countingStore struct {
	exact.TokenStore
	writes atomic.Int64
}

func (s *countingStore) UpdateToken(ctx context.Context, id int64, fn func([]byte) ([]byte, error)) error {
	return s.TokenStore.UpdateToken(ctx, id, func(cur []byte) ([]byte, error) {
		out, err := fn(cur)
		if err == nil && out != nil {
			s.writes.Add(1)
		}
		return out, err
	})
}

// rotationResult is what runRotation observed.
type rotationResult struct {
	calls, failures, oldRefreshToken int64
	refreshes                        int
	persisted                        int64
	firstErrors                      []string
}

// runRotation is the token-rotation scenario: one simulator with a
// short token lifetime (1.5 s, refresh allowed after 1 s), two client
// instances ("worker processes", each on its own store) sharing connectionID,
// 20 goroutines each calling the API until at least minRefreshes rotations
// happened, under the rotation reading strict (see forEachReading). Real
// time: the point is the race between processes.
func runRotation(t *testing.T, strict bool, stores [2]exact.TokenStore, connectionID int64, minRefreshes int) rotationResult {
	t.Helper()
	srv := exacttest.NewServer(t, func(o *exacttest.Options) {
		o.StrictRotation = strict
		o.TokenLifetime = 1500 * time.Millisecond
		o.MinRefreshAge = time.Second
		o.MinutelyLimit = 1 << 30
		o.DailyLimit = 1 << 30
	})
	cfg := &exact.Config{ClientID: srv.ClientID(), ClientSecret: srv.ClientSecret(), RedirectURL: redirectURL, BaseURL: srv.URL()}
	ctx := context.Background()
	tok, err := cfg.Exchange(ctx, srv.Authorize(t, redirectURL))
	if err != nil {
		t.Fatal(err)
	}
	if err := exact.SaveToken(ctx, stores[0], connectionID, tok); err != nil {
		t.Fatal(err)
	}
	var counted [2]*countingStore
	var clients [2]*exact.Client
	for i := range clients {
		counted[i] = &countingStore{TokenStore: stores[i]}
		ts := exact.NewTokenSource(cfg, counted[i], connectionID,
			exact.RefreshMargin(400*time.Millisecond), exact.MinRefreshAge(time.Second))
		clients[i], err = exact.NewClient(exact.WithBaseURL(srv.URL()), exact.WithTokenSource(ts))
		if err != nil {
			t.Fatal(err)
		}
	}

	var res rotationResult
	var mu sync.Mutex
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := range 2 {
		for g := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				pace := time.NewTicker(time.Duration(20+g) * time.Millisecond) // spread the load; not synchronisation
				defer pace.Stop()
				for {
					select {
					case <-stop:
						return
					case <-pace.C:
					}
					_, err := clients[i].Me(ctx)
					atomic.AddInt64(&res.calls, 1)
					if err != nil {
						atomic.AddInt64(&res.failures, 1)
						if strings.Contains(err.Error(), "Old refresh token used") {
							atomic.AddInt64(&res.oldRefreshToken, 1)
						}
						mu.Lock()
						if len(res.firstErrors) < 5 {
							res.firstErrors = append(res.firstErrors, fmt.Sprintf("client %d: %v", i, err))
						}
						mu.Unlock()
					}
				}
			}()
		}
	}
	refreshes := func() int { return srv.Calls().ByEndpoint["POST 0 oauth2/token"] - 1 }
	deadline := time.NewTimer(90 * time.Second)
	defer deadline.Stop()
	poll := time.NewTicker(50 * time.Millisecond)
	defer poll.Stop()
wait:
	for refreshes() < minRefreshes {
		select {
		case <-deadline.C:
			close(stop)
			wg.Wait()
			t.Fatalf("only %d refreshes within 90 s (calls %d, failures %d: %v)", refreshes(), res.calls, res.failures, res.firstErrors)
			break wait
		case <-poll.C:
		}
	}
	close(stop)
	wg.Wait()
	res.refreshes = refreshes()
	res.persisted = counted[0].writes.Load() + counted[1].writes.Load()
	return res
}

func checkRotation(t *testing.T, res rotationResult, minRefreshes int) {
	t.Helper()
	if res.failures != 0 || res.oldRefreshToken != 0 {
		t.Errorf("failed calls: %d (Old refresh token used: %d) of %d; first: %v", res.failures, res.oldRefreshToken, res.calls, res.firstErrors)
	}
	if res.refreshes < minRefreshes {
		t.Errorf("refreshes: got %d, want at least %d", res.refreshes, minRefreshes)
	}
	// Every token-endpoint call succeeded and was persisted exactly once:
	// no refresh was refused, lost or duplicated.
	if res.persisted != int64(res.refreshes) {
		t.Errorf("persisted pairs: got %d, want %d (one per refresh)", res.persisted, res.refreshes)
	}
	if res.calls < 100 {
		t.Errorf("API calls: got %d, want a real load", res.calls)
	}
	t.Logf("%d API calls, %d refreshes", res.calls, res.refreshes)
}

// TestTokenRotationMemoryStore runs the rotation scenario on one
// MemoryTokenStore shared by two client instances (run with -race).
func TestTokenRotationMemoryStore(t *testing.T) {
	forEachReading(t, func(t *testing.T, strict bool) {
		store := exact.NewMemoryTokenStore()
		res := runRotation(t, strict, [2]exact.TokenStore{store, store}, 1, 6)
		checkRotation(t, res, 6)
	})
}
