package odootest

import (
	"testing"
)

// DropWriteAnswers loses the answer of a committed write: the caller gets no answer, the record exists; reads
// are answered.
func TestDropWriteAnswers(t *testing.T) {
	s := NewServer(t)
	r := newRPC(t, s)
	s.SetFaults(Faults{DropWriteAnswers: 1, Seed: 1})
	if _, err := r.call("res.partner", "create", []any{[]any{map[string]any{"name": "Lost Answer BV"}}}, nil); err == nil {
		t.Fatal("the create was answered, want its answer lost")
	}
	if n := s.Calls().Dropped; n != 1 {
		t.Errorf("Dropped = %d, want 1", n)
	}
	s.SetFaults(Faults{})
	got := r.searchRead("res.partner", []any{[]any{"name", "=", "Lost Answer BV"}}, []any{"id"}, nil)
	if len(got) != 1 {
		t.Errorf("%d partners named Lost Answer BV after the lost answer, want 1 (committed)", len(got))
	}
	s.SetFaults(Faults{DropWriteAnswers: 1, Seed: 1})
	if _, err := r.call("res.partner", "search_read", []any{[]any{}}, map[string]any{"fields": []any{"id"}, "limit": 1}); err != nil {
		t.Errorf("a read with DropWriteAnswers: %v, want it answered", err)
	}
}
