package exacttest

import (
	"net/http"
	"testing"
)

func TestCountersByStatus(t *testing.T) {
	s := NewServer(t)
	for range 2 {
		resp, err := http.Get(s.URL() + "/api/v1/current/Me?$select=CurrentDivision")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if got := s.Calls().ByStatus[http.StatusUnauthorized]; got != 2 {
		t.Errorf("ByStatus[401] = %d, want 2", got)
	}
	s.ResetCalls()
	if got := len(s.Calls().ByStatus); got != 0 {
		t.Errorf("after ResetCalls ByStatus has %d entries, want 0", got)
	}
}
