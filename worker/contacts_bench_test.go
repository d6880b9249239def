package main

import (
	"strings"
	"testing"
)

// BenchmarkExactCallsPerNewContact counts, with the Exact simulator's counters, the Exact API calls that a new
// Odoo customer with one bank account costs: the account POST and the bank account POST. The account mirror
// refresh (one sync/CRM/Accounts call per minute at most, shared by all partners matched in that minute) and
// the token endpoint are reported apart.
func BenchmarkExactCallsPerNewContact(b *testing.B) {
	s := newStack(b)
	s.settle(nil) // sync the seeded demo partners first
	s.exact.ResetCalls()
	ids := s.createPartners("Bench", b.N)
	b.ResetTimer()
	s.settle(ids)
	b.StopTimer()

	var api, mirror, token int
	for k, n := range s.exact.Calls().ByEndpoint {
		switch {
		case strings.Contains(k, "oauth2/token"):
			token += n
		case strings.Contains(k, "sync/CRM/Accounts"):
			mirror += n
		default:
			api += n
		}
	}
	banks := 0
	for i := range ids {
		if i%2 == 0 {
			banks++
		}
	}
	b.ReportMetric(float64(api)/float64(b.N), "exact-calls/contact")
	b.ReportMetric(float64(banks)/float64(b.N), "bank-accounts/contact")
	b.ReportMetric(float64(mirror), "mirror-refreshes")
	b.ReportMetric(float64(token), "token-calls")
	if want := b.N + banks; api != want {
		b.Errorf("Exact calls = %d (%v), want %d: 1 per contact + 1 per bank account", api, s.exact.Calls().ByEndpoint, want)
	}
}
