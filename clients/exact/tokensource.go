package exact

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.uber.org/zap"
)

// TokenSource gives the client access tokens.
type TokenSource interface {
	// Token returns the access token to use now.
	Token(ctx context.Context) (*Token, error)
	// Reject is called once when the API answered 401 to accessToken; it
	// returns a replacement, refreshing if no other process already did.
	Reject(ctx context.Context, accessToken string) (*Token, error)
}

// Defaults of the refresh rules.
const (
	DefaultRefreshMargin = 30 * time.Second
	DefaultMinRefreshAge = 570 * time.Second
	// DefaultRefreshTimeout bounds a refresh from the moment it is sent until
	// its answer is committed; the caller's context no longer ends it.
	DefaultRefreshTimeout = 30 * time.Second
)

// StoreTokenSource is a TokenSource backed by a TokenStore, safe for
// concurrent use and for several processes sharing one store:
//
//   - the cached access token is used while more than the margin is left, or
//     while it is younger than the minimum refresh age (Exact refuses earlier
//     refreshes);
//   - otherwise the stored token is re-read; a refresh happens only inside
//     TokenStore.UpdateToken (a cross-process lock), after re-reading the
//     stored token under that lock, and the new pair is persisted before use;
//   - in one process, concurrent callers share one refresh (single flight);
//   - once a refresh is sent, the token call and the commit of its answer run
//     on a context that outlives the caller's (context.WithoutCancel, bounded
//     by the refresh timeout): Exact may already have rotated the chain, and
//     an answer it gave must be stored even when the caller is cancelled,
//     times out or the worker stops. Until then (waiting for the lock), the
//     caller's context rules.
type StoreTokenSource struct {
	cfg            *Config
	store          TokenStore
	connectionID   int64
	margin         time.Duration
	minRefreshAge  time.Duration
	refreshTimeout time.Duration
	now            func() time.Time
	logger         *zap.Logger

	mu      sync.Mutex
	cached  *Token
	flight  *flight
	trouble trouble
}

// trouble is the run of unrecognised token-endpoint answers: after each the
// source pauses before it calls the endpoint again (1, 2, 4, 8 minutes; an
// hour once MaxUnrecognisedTokenAnswers is reached), so retries by many
// callers stay within Exact's ~200 token calls a day.
type trouble struct {
	last    *TokenError
	retryAt time.Time
}

// unrecognisedPause is the pause after the nth unrecognised answer in a row.
func unrecognisedPause(n int) time.Duration {
	if n >= MaxUnrecognisedTokenAnswers {
		return time.Hour
	}
	return time.Minute << (n - 1)
}

// pausing returns the last unrecognised answer, marked NotSent, while the
// source pauses after it; nil when the endpoint may be called.
func (s *StoreTokenSource) pausing(now time.Time) *TokenError {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.trouble.last == nil || !now.Before(s.trouble.retryAt) {
		return nil
	}
	te := *s.trouble.last
	te.NotSent = true
	return &te
}

// noteRefresh records the outcome of a token call: an unrecognised answer
// extends the run (and gets its count and retry time), anything else ends it.
func (s *StoreTokenSource) noteRefresh(err error, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var te *TokenError
	if err == nil || !errors.As(err, &te) || te.Recognised() {
		s.trouble = trouble{}
		return
	}
	te.Failures = 1
	if s.trouble.last != nil {
		te.Failures = s.trouble.last.Failures + 1
	}
	te.RetryAt = now.Add(unrecognisedPause(te.Failures))
	s.trouble = trouble{last: te, retryAt: te.RetryAt}
}

type flight struct {
	done chan struct{}
	tok  *Token
	err  error
}

// TokenSourceOption configures a StoreTokenSource.
type TokenSourceOption func(*StoreTokenSource)

// RefreshMargin: refresh when less than d of the access token's life is left (default 30 s).
func RefreshMargin(d time.Duration) TokenSourceOption {
	return func(s *StoreTokenSource) { s.margin = d }
}

// MinRefreshAge: never refresh a token younger than d (default 570 s, Exact's rule).
func MinRefreshAge(d time.Duration) TokenSourceOption {
	return func(s *StoreTokenSource) { s.minRefreshAge = d }
}

// RefreshTimeout bounds a refresh once sent, with the commit of its answer
// (default 30 s); the caller's context does not end it.
func RefreshTimeout(d time.Duration) TokenSourceOption {
	return func(s *StoreTokenSource) { s.refreshTimeout = d }
}

// TokenClock sets the clock (default the Config's, else time.Now).
func TokenClock(now func() time.Time) TokenSourceOption {
	return func(s *StoreTokenSource) { s.now = now }
}

// TokenLogger logs refreshes (never the tokens).
func TokenLogger(l *zap.Logger) TokenSourceOption {
	return func(s *StoreTokenSource) { s.logger = l }
}

// NewTokenSource returns a token source for connectionID.
func NewTokenSource(cfg *Config, store TokenStore, connectionID int64, opts ...TokenSourceOption) *StoreTokenSource {
	s := &StoreTokenSource{
		cfg: cfg, store: store, connectionID: connectionID,
		margin: DefaultRefreshMargin, minRefreshAge: DefaultMinRefreshAge, refreshTimeout: DefaultRefreshTimeout,
		now: cfg.now, logger: zap.NewNop(),
	}
	for _, o := range opts {
		o(s)
	}
	if s.logger == nil {
		s.logger = zap.NewNop()
	}
	return s
}

// usable reports whether t may be used now without refreshing.
func (s *StoreTokenSource) usable(t *Token, now time.Time) bool {
	if t == nil || t.AccessToken == "" {
		return false
	}
	if t.Expiry.Sub(now) > s.margin {
		return true
	}
	// Too young to refresh: Exact would refuse; use what we have.
	return now.Sub(t.IssuedAt) < s.minRefreshAge
}

// Token implements TokenSource.
func (s *StoreTokenSource) Token(ctx context.Context) (*Token, error) {
	return s.get(ctx, "")
}

// Reject implements TokenSource: after a 401 for accessToken it returns the
// stored token if another process already replaced it, else refreshes
// (regardless of the minimum age: Exact itself declared the token dead).
func (s *StoreTokenSource) Reject(ctx context.Context, accessToken string) (*Token, error) {
	return s.get(ctx, accessToken)
}

func (s *StoreTokenSource) get(ctx context.Context, rejected string) (*Token, error) {
	for {
		s.mu.Lock()
		if c := s.cached; c != nil && (rejected == "" || c.AccessToken != rejected) && s.usable(c, s.now()) {
			s.mu.Unlock()
			return c, nil
		}
		if f := s.flight; f != nil {
			s.mu.Unlock()
			select {
			case <-f.done:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			if f.err != nil {
				if isContextErr(f.err) && ctx.Err() == nil {
					continue // the leader gave up; try again ourselves
				}
				return nil, f.err
			}
			if rejected != "" && f.tok.AccessToken == rejected {
				continue
			}
			return f.tok, nil
		}
		f := &flight{done: make(chan struct{})}
		s.flight = f
		s.mu.Unlock()

		tok, err := s.acquire(ctx, rejected)

		s.mu.Lock()
		s.flight = nil
		if err == nil {
			s.cached = tok
		}
		f.tok, f.err = tok, err
		close(f.done)
		s.mu.Unlock()
		return tok, err
	}
}

// acquire finds a usable token: the stored one if fresh, else a refreshed
// one obtained and persisted under the store's lock.
func (s *StoreTokenSource) acquire(ctx context.Context, rejected string) (*Token, error) {
	// Cheap path without the lock: another process may have refreshed already.
	b, err := s.store.LoadToken(ctx, s.connectionID)
	if err != nil {
		return nil, err
	}
	if b == nil {
		return nil, &TokenError{Code: CodeNoToken, Description: "no token stored for this connection"}
	}
	if t, err := ParseToken(b); err == nil && t.AccessToken != rejected && s.usable(t, s.now()) {
		return t, nil
	}

	// The store's transaction runs on detached: it follows the caller's
	// context while waiting for the lock, and stops following it when the
	// refresh is sent; from then on only the refresh timeout ends it.
	detached, cancel := context.WithCancelCause(context.WithoutCancel(ctx))
	defer cancel(nil)
	stopFollowing := context.AfterFunc(ctx, func() { cancel(ctx.Err()) })
	defer stopFollowing()
	var bound *time.Timer
	defer func() {
		if bound != nil {
			bound.Stop()
		}
	}()

	var result *Token
	refreshed := false
	err = s.store.UpdateToken(detached, s.connectionID, func(current []byte) ([]byte, error) {
		if current == nil {
			return nil, &TokenError{Code: CodeNoToken, Description: "no token stored for this connection"}
		}
		cur, err := ParseToken(current)
		if err != nil {
			return nil, err
		}
		now := s.now()
		if cur.AccessToken != rejected && s.usable(cur, now) {
			result = cur // someone refreshed while we waited for the lock
			return nil, nil
		}
		if te := s.pausing(now); te != nil {
			return nil, te // the last answer was not understood: do not spend another token call yet
		}
		if !stopFollowing() {
			return nil, ctx.Err() // the caller gave up before anything was sent
		}
		timeout := s.refreshTimeout
		bound = time.AfterFunc(timeout, func() {
			cancel(fmt.Errorf("exact: token refresh and its commit took longer than %s: %w", timeout, context.DeadlineExceeded))
		})
		start := time.Now()
		nt, err := s.cfg.Refresh(detached, cur.RefreshToken)
		s.noteRefresh(err, s.now())
		if err != nil {
			fields := []zap.Field{zap.Int64("connection_id", s.connectionID), zap.Error(err)}
			if te := (*TokenError)(nil); errors.As(err, &te) && !te.Recognised() {
				s.logger.Warn("exact token endpoint answer not understood", append(fields,
					zap.String("error_type", fmt.Sprintf("%T", err)), zap.Int("status", te.StatusCode), zap.String("oauth_error", te.Code),
					zap.Int("in_a_row", te.Failures), zap.Time("retry_at", te.RetryAt), zap.Bool("gave_up", te.GaveUp()))...)
				return nil, err
			}
			s.logger.Warn("exact token refresh failed", fields...)
			return nil, err
		}
		out, err := json.Marshal(nt)
		if err != nil {
			return nil, err
		}
		s.logger.Info("exact token refreshed", zap.Int64("connection_id", s.connectionID),
			zap.Duration("previous_age", now.Sub(cur.IssuedAt)), zap.Bool("after_401", rejected != ""),
			zap.Duration("duration", time.Since(start)), zap.Time("expiry", nt.Expiry), zap.Bool("caller_gone", ctx.Err() != nil))
		result, refreshed = nt, true
		return out, nil
	})
	if err != nil {
		if refreshed {
			s.logger.Error("exact token refresh answered but not stored", zap.Int64("connection_id", s.connectionID), zap.Error(err))
		}
		if isContextErr(err) && detached.Err() != nil {
			// Say why: the caller ended while waiting for the lock, or the
			// refresh timeout passed.
			return nil, fmt.Errorf("exact: token refresh: %w", context.Cause(detached))
		}
		return nil, err
	}
	return result, nil
}

// StaticTokenSource always returns the same access token (tests, one-off
// scripts); a 401 is final.
type StaticTokenSource string

// Token implements TokenSource.
func (s StaticTokenSource) Token(context.Context) (*Token, error) {
	return &Token{AccessToken: string(s)}, nil
}

// Reject implements TokenSource; a static token cannot be replaced.
func (s StaticTokenSource) Reject(context.Context, string) (*Token, error) {
	return nil, &TokenError{Code: CodeStaticToken, Description: "static access token rejected"}
}

// MemoryTokenStore is an in-memory TokenStore with the same locking
// semantics as the Postgres store (including a write lost when the context
// ends before the commit), for tests and single-process use.
type MemoryTokenStore struct {
	mu     sync.Mutex
	tokens map[int64][]byte
	locks  map[int64]chan struct{}
}

// NewMemoryTokenStore returns an empty store.
func NewMemoryTokenStore() *MemoryTokenStore {
	return &MemoryTokenStore{tokens: map[int64][]byte{}, locks: map[int64]chan struct{}{}}
}

func (m *MemoryTokenStore) lock(id int64) chan struct{} {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.locks == nil {
		m.locks = map[int64]chan struct{}{}
		m.tokens = map[int64][]byte{}
	}
	l, ok := m.locks[id]
	if !ok {
		l = make(chan struct{}, 1)
		m.locks[id] = l
	}
	return l
}

// LoadToken implements TokenStore.
func (m *MemoryTokenStore) LoadToken(_ context.Context, connectionID int64) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b := m.tokens[connectionID]
	if b == nil {
		return nil, nil
	}
	return append([]byte(nil), b...), nil
}

// UpdateToken implements TokenStore.
func (m *MemoryTokenStore) UpdateToken(ctx context.Context, connectionID int64, fn func(current []byte) ([]byte, error)) error {
	l := m.lock(connectionID)
	select {
	case l <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-l }()
	cur, _ := m.LoadToken(ctx, connectionID)
	out, err := fn(cur)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err // like a commit on an ended context: nothing is stored
	}
	if out != nil {
		m.mu.Lock()
		m.tokens[connectionID] = append([]byte(nil), out...)
		m.mu.Unlock()
	}
	return nil
}
