package exact_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/exactsync/exactsync/clients/exact"
	"github.com/exactsync/exactsync/clients/exact/exacttest"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

func (e *env) meCalls() int {
	return e.srv.Calls().ByEndpoint[fmt.Sprintf("GET %d current/Me", e.div)]
}

func (e *env) mustMe(t *testing.T) {
	t.Helper()
	if _, err := e.c.Me(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// replaceStored overwrites the stored token (what another process or a
// corrupted cache might leave behind).
func (e *env) replaceStored(t *testing.T, tok *exact.Token) {
	t.Helper()
	if err := exact.SaveToken(context.Background(), e.store, 1, tok); err != nil {
		t.Fatal(err)
	}
}

// forEachReading runs test under both readings of Exact's rotation rule
// (EXACT-API.md A.4, A.7): the old refresh token dies when the new refresh
// token is first used, or (strict) already when the new access token is.
// The client must be safe whichever Exact applies.
func forEachReading(t *testing.T, test func(t *testing.T, strict bool)) {
	t.Helper()
	for _, r := range []struct {
		name   string
		strict bool
	}{{"old dies on new refresh token", false}, {"old dies on new access token", true}} {
		t.Run(r.name, func(t *testing.T) { test(t, r.strict) })
	}
}

func TestRefreshRules(t *testing.T) {
	forEachReading(t, func(t *testing.T, strict bool) {
		t.Run("fresh token is used without refreshing", func(t *testing.T) {
			e := newEnv(t, envConfig{strict: strict})
			first := e.stored(t)
			for _, step := range []time.Duration{0, 10 * time.Second, 550 * time.Second} {
				e.clock.Advance(step)
				e.mustMe(t)
			}
			if got := e.tokenCalls(); got != 1 {
				t.Errorf("token calls: got %d, want 1 (the exchange)", got)
			}
			if e.stored(t).AccessToken != first.AccessToken {
				t.Error("stored token changed without a refresh")
			}
		})
		t.Run("refresh within the margin, once, persisted before use", func(t *testing.T) {
			e := newEnv(t, envConfig{strict: strict})
			first := e.stored(t)
			e.clock.Advance(575 * time.Second) // 25 s left < 30 s margin, older than 570 s
			e.mustMe(t)
			e.mustMe(t)
			if got := e.tokenCalls(); got != 2 {
				t.Errorf("token calls: got %d, want 2", got)
			}
			now := e.stored(t)
			if now.AccessToken == first.AccessToken || now.RefreshToken == first.RefreshToken {
				t.Error("new pair not persisted")
			}
			if !now.IssuedAt.Equal(e.clock.Now()) || !now.Expiry.Equal(e.clock.Now().Add(600*time.Second)) {
				t.Errorf("new token times: issued %v expiry %v", now.IssuedAt, now.Expiry)
			}
		})
		t.Run("too early refresh avoided: current token used", func(t *testing.T) {
			// A 60 s margin would ask for a refresh at 545 s; Exact refuses before 570 s.
			e := newEnv(t, envConfig{strict: strict, ts: []exact.TokenSourceOption{exact.RefreshMargin(60 * time.Second)}})
			e.clock.Advance(545 * time.Second)
			e.mustMe(t)
			if got := e.tokenCalls(); got != 1 {
				t.Errorf("token calls at 545 s: got %d, want 1", got)
			}
			e.clock.Advance(26 * time.Second)
			e.mustMe(t)
			if got := e.tokenCalls(); got != 2 {
				t.Errorf("token calls at 571 s: got %d, want 2", got)
			}
		})
		t.Run("another process refreshed: use its token, no refresh", func(t *testing.T) {
			e := newEnv(t, envConfig{strict: strict})
			e.mustMe(t) // caches the first token
			e.clock.Advance(575 * time.Second)
			other := exact.NewTokenSource(e.cfg, e.store, 1)
			tok, err := other.Token(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if got := e.tokenCalls(); got != 2 {
				t.Fatalf("token calls after the other process: got %d, want 2", got)
			}
			e.mustMe(t)
			if got := e.tokenCalls(); got != 2 {
				t.Errorf("token calls: got %d, want 2 (stored fresh token reused)", got)
			}
			if e.stored(t).AccessToken != tok.AccessToken {
				t.Error("stored token is not the other process's")
			}
		})
		t.Run("concurrent callers share one refresh", func(t *testing.T) {
			e := newEnv(t, envConfig{strict: strict})
			e.mustMe(t)
			e.clock.Advance(601 * time.Second)
			var wg sync.WaitGroup
			errs := make(chan error, 20)
			for range 20 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, err := e.c.Me(context.Background())
					errs <- err
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Error(err)
				}
			}
			if got := e.tokenCalls(); got != 2 {
				t.Errorf("token calls: got %d, want 2 (one refresh)", got)
			}
		})
	})
}

func TestRefreshOnceOn401(t *testing.T) {
	forEachReading(t, func(t *testing.T, strict bool) {
		e := newEnv(t, envConfig{strict: strict})
		good := e.stored(t)
		e.clock.Advance(571 * time.Second)
		// The stored token claims to be fresh, but Exact no longer accepts it.
		e.replaceStored(t, &exact.Token{AccessToken: "gAAAArevoked-by-exact", RefreshToken: good.RefreshToken,
			IssuedAt: e.clock.Now().Add(-10 * time.Second), Expiry: e.clock.Now().Add(590 * time.Second)})
		e.srv.ResetCalls()
		me, err := e.c.Me(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if me.CurrentDivision != e.div {
			t.Errorf("CurrentDivision: got %d", me.CurrentDivision)
		}
		if got := e.tokenCalls(); got != 1 {
			t.Errorf("refreshes: got %d, want 1", got)
		}
		if got := e.meCalls(); got != 2 {
			t.Errorf("API calls: got %d, want 2 (401, retry)", got)
		}
		if s := e.stored(t); s.AccessToken == "gAAAArevoked-by-exact" || s.RefreshToken == good.RefreshToken {
			t.Error("refreshed pair not persisted")
		}

		t.Run("401 right after issue: refresh refused, not a dead chain", func(t *testing.T) {
			e := newEnv(t, envConfig{strict: strict})
			good := e.stored(t)
			e.clock.Advance(10 * time.Second)
			e.replaceStored(t, &exact.Token{AccessToken: "gAAAAbogus", RefreshToken: good.RefreshToken, IssuedAt: e.clock.Now(), Expiry: e.clock.Now().Add(time.Hour)})
			_, err := e.c.Me(context.Background())
			if !errors.Is(err, exact.ErrRefreshTooEarly) || errors.Is(err, exact.ErrReconsentNeeded) {
				t.Errorf("got %v, want ErrRefreshTooEarly and not ErrReconsentNeeded", err)
			}
			if got := e.meCalls(); got != 1 {
				t.Errorf("API calls: got %d, want 1", got)
			}
		})
		t.Run("static token: a 401 is final after one request", func(t *testing.T) {
			e := newEnv(t, envConfig{strict: strict})
			c, err := exact.NewClient(exact.WithBaseURL(e.srv.URL()), exact.WithTokenSource(exact.StaticTokenSource("gAAAAnope")))
			if err != nil {
				t.Fatal(err)
			}
			e.srv.ResetCalls()
			if _, err := c.Me(context.Background()); err == nil {
				t.Fatal("got nil error")
			}
			if got := e.srv.Calls().Total; got != 1 {
				t.Errorf("calls: got %d, want 1", got)
			}
		})
	})
}

func TestDeadChainNeedsReconsent(t *testing.T) {
	forEachReading(t, func(t *testing.T, strict bool) {
		tests := []struct {
			name     string
			sim      func(*exacttest.Options)
			kill     func(t *testing.T, e *env)
			wantCode string
		}{
			{"old refresh token used", nil, func(t *testing.T, e *env) {
				// Another installation refreshed twice with our refresh token and lost the result.
				rt := e.stored(t).RefreshToken
				e.clock.Advance(571 * time.Second)
				t1, err := e.cfg.Refresh(context.Background(), rt)
				if err != nil {
					t.Fatal(err)
				}
				e.clock.Advance(571 * time.Second)
				if _, err := e.cfg.Refresh(context.Background(), t1.RefreshToken); err != nil {
					t.Fatal(err)
				}
				e.clock.Advance(60 * time.Second)
			}, "unauthorized_client"},
			{"revoked consent", nil, func(t *testing.T, e *env) {
				e.srv.RevokeTokens()
				e.clock.Advance(time.Second)
			}, "invalid_grant"},
			{"refresh token expired", func(o *exacttest.Options) { o.RefreshTokenTTL = time.Hour }, func(t *testing.T, e *env) {
				e.clock.Advance(2 * time.Hour)
			}, "invalid_request"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				e := newEnv(t, envConfig{strict: strict, sim: tt.sim})
				e.mustMe(t)
				tt.kill(t, e)
				before, _ := e.store.LoadToken(context.Background(), 1)
				_, err := e.c.Me(context.Background())
				if !errors.Is(err, exact.ErrReconsentNeeded) {
					t.Fatalf("got %v, want ErrReconsentNeeded", err)
				}
				var te *exact.TokenError
				if !errors.As(err, &te) || te.Code != tt.wantCode {
					t.Errorf("TokenError: got %+v, want code %s", te, tt.wantCode)
				}
				after, _ := e.store.LoadToken(context.Background(), 1)
				if !bytes.Equal(before, after) {
					t.Error("stored token changed by a failed refresh")
				}
			})
		}
		t.Run("nothing stored", func(t *testing.T) {
			e := newEnv(t, envConfig{strict: strict})
			ts := exact.NewTokenSource(e.cfg, e.store, 99)
			if _, err := ts.Token(context.Background()); !errors.Is(err, exact.ErrReconsentNeeded) {
				t.Errorf("got %v, want ErrReconsentNeeded", err)
			}
		})
	})
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) Sync() error { return nil }

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestLogsNeverContainSecrets(t *testing.T) {
	var buf syncBuffer
	logger := zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewDevelopmentEncoderConfig()), &buf, zapcore.DebugLevel))
	e := newEnv(t, envConfig{logger: logger})
	ctx := context.Background()
	secrets := map[string]bool{}
	remember := func() {
		tok := e.stored(t)
		secrets[tok.AccessToken] = true
		secrets[tok.RefreshToken] = true
	}
	remember()
	e.mustMe(t)
	if _, err := exact.Collect(e.c.GLAccounts.List(ctx, e.div, nil)); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(575 * time.Second)
	e.mustMe(t) // refresh
	remember()
	// A 401 and the refresh after it.
	good := e.stored(t)
	e.clock.Advance(571 * time.Second)
	e.replaceStored(t, &exact.Token{AccessToken: "gAAAAstale-token-value", RefreshToken: good.RefreshToken, IssuedAt: e.clock.Now(), Expiry: e.clock.Now().Add(time.Hour)})
	secrets["gAAAAstale-token-value"] = true
	e.mustMe(t)
	remember()
	// A failing call and a dead chain.
	_, _ = e.c.Accounts.Get(ctx, e.div, "0b5c7c1a-0000-4000-8000-000000000000")
	e.srv.RevokeTokens()
	e.clock.Advance(601 * time.Second)
	if _, err := e.c.Me(ctx); !errors.Is(err, exact.ErrReconsentNeeded) {
		t.Fatalf("got %v, want ErrReconsentNeeded", err)
	}
	_ = logger.Sync()

	out := buf.String()
	for _, want := range []string{`"exact request"`, `"exact token refreshed"`, `"exact token refresh failed"`, `"division":`, `"status":401`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
	secrets[e.srv.ClientSecret()] = true
	for s := range secrets {
		if s == "" {
			t.Fatal("empty secret collected")
		}
		if strings.Contains(out, s) {
			t.Errorf("log contains a secret (%d chars)", len(s))
		}
		// Refresh tokens contain '!' and '+': also look for their JSON/URL forms.
		j, _ := json.Marshal(s)
		if strings.Contains(out, strings.Trim(string(j), `"`)) {
			t.Errorf("log contains an escaped secret (%d chars)", len(s))
		}
	}
	for _, banned := range []string{"Authorization", "Bearer", "authorization", "client_secret"} {
		if strings.Contains(out, banned) {
			t.Errorf("log contains %q", banned)
		}
	}
}
