package activities

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"go.uber.org/zap"
)

// The Odoo HTTP client of a connection has at most OdooConcurrency requests in flight, however many activities
// call at once, and a slot is free again once a response body is closed.
func TestOdooCallsInFlightAreBounded(t *testing.T) {
	var inFlight, most atomic.Int32
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		<-release
		inFlight.Add(-1)
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	c := NewClients(nil, zap.NewNop())
	hc := c.limited(3)
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := hc.Get(srv.URL)
			if err != nil {
				t.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}()
	}
	for range 10 {
		release <- struct{}{}
	}
	wg.Wait()
	if got := most.Load(); got > 3 || got == 0 {
		t.Errorf("at most %d requests were in flight at once, want 1 to 3", got)
	}
}
