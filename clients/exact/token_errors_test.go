package exact_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/exactsync/exactsync/clients/exact"
	"github.com/exactsync/exactsync/clients/exact/exacttest"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// TestInvalidClientIsFinal: the app's secret was changed or revoked in the
// App Center. The refresh answers invalid_client once; the error says the
// app's credentials are refused (ErrInvalidClient, not a dead chain) and the
// stored pair is kept for when the credentials are fixed.
func TestInvalidClientIsFinal(t *testing.T) {
	forEachReading(t, func(t *testing.T, strict bool) {
		e := newEnv(t, envConfig{strict: strict})
		e.mustMe(t)
		before, _ := e.store.LoadToken(context.Background(), 1)
		e.cfg.ClientSecret = "revoked-in-the-app-center"
		e.clock.Advance(601 * time.Second)
		_, err := e.c.Me(context.Background())
		if !errors.Is(err, exact.ErrInvalidClient) || errors.Is(err, exact.ErrReconsentNeeded) || errors.Is(err, exact.ErrTransient) {
			t.Fatalf("got %v, want ErrInvalidClient only", err)
		}
		var te *exact.TokenError
		if !errors.As(err, &te) || !te.Recognised() || te.Code != "invalid_client" {
			t.Errorf("TokenError: got %+v, want a recognised invalid_client", te)
		}
		if !strings.Contains(err.Error(), "client ID or secret is refused") {
			t.Errorf("message %q does not say the app's credentials are refused", err)
		}
		if got := e.tokenCalls(); got != 2 {
			t.Errorf("token calls: got %d, want 2 (exchange, one refresh)", got)
		}
		after, _ := e.store.LoadToken(context.Background(), 1)
		if !bytes.Equal(before, after) {
			t.Error("stored token changed by a refused refresh")
		}
		e.cfg.ClientSecret = e.srv.ClientSecret() // fixed: the chain was never broken
		e.mustMe(t)
	})
}

// TestUnrecognisedTokenAnswerIsRetriedBounded: an answer of the token
// endpoint that is neither a dead chain, refused credentials, too early nor
// transient is logged with its type; the source calls the endpoint again
// only after a growing pause (callers in between get the same error, marked
// NotSent, without a call) and gives up after MaxUnrecognisedTokenAnswers.
func TestUnrecognisedTokenAnswerIsRetriedBounded(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		code   string
	}{
		{"unknown OAuth error", 400, `{"error":"invalid_scope","error_description":"The scope is not valid for this app."}`, "invalid_scope"},
		{"HTML page", 403, "<html><body>Request blocked</body></html>", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs syncBuffer
			logger := zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), &logs, zapcore.DebugLevel))
			e := newEnv(t, envConfig{logger: logger})
			e.mustMe(t)
			e.srv.SetFaults(exacttest.Faults{TokenStatus: tt.status, TokenBody: tt.body})
			e.clock.Advance(601 * time.Second)
			ctx := context.Background()
			for n := 1; n <= exact.MaxUnrecognisedTokenAnswers; n++ {
				_, err := e.c.Me(ctx)
				var te *exact.TokenError
				if !errors.As(err, &te) || te.Recognised() || te.NotSent || te.Failures != n || te.StatusCode != tt.status || te.Code != tt.code {
					t.Fatalf("answer %d: got %v (%+v), want an unrecognised %d %q, %d in a row", n, err, te, tt.status, tt.code, n)
				}
				if got, want := te.GaveUp(), n == exact.MaxUnrecognisedTokenAnswers; got != want {
					t.Errorf("answer %d: GaveUp %t, want %t", n, got, want)
				}
				if got := e.tokenCalls(); got != 1+n {
					t.Fatalf("token calls after answer %d: got %d, want %d", n, got, 1+n)
				}
				// Before the pause is over: the same error, no call.
				_, err = e.c.Me(ctx)
				var again *exact.TokenError
				if !errors.As(err, &again) || !again.NotSent || again.Failures != n || !again.RetryAt.Equal(te.RetryAt) {
					t.Errorf("during the pause after answer %d: got %v, want the same error marked NotSent", n, err)
				}
				if got := e.tokenCalls(); got != 1+n {
					t.Errorf("token calls during the pause after answer %d: got %d, want %d", n, got, 1+n)
				}
				if !te.RetryAt.After(e.clock.Now()) {
					t.Fatalf("answer %d: RetryAt %v is not in the future", n, te.RetryAt)
				}
				e.clock.Advance(te.RetryAt.Sub(e.clock.Now()))
			}
			out := logs.String()
			if !strings.Contains(out, `"exact token endpoint answer not understood"`) || !strings.Contains(out, `"error_type":"*exact.TokenError"`) ||
				!strings.Contains(out, `"gave_up":true`) {
				t.Errorf("log lacks the unrecognised answer with its type:\n%s", out)
			}
			// Exact answers normally again: the pause over, the refresh works and the run ends.
			e.srv.SetFaults(exacttest.Faults{})
			e.mustMe(t)
			if got := e.tokenCalls(); got != 2+exact.MaxUnrecognisedTokenAnswers {
				t.Errorf("token calls: got %d, want %d", got, 2+exact.MaxUnrecognisedTokenAnswers)
			}
		})
	}
}
