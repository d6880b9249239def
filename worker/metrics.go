package main

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
)

// exactMetrics are the connector's own metrics of its Exact calls, read from the wire by a RoundTripper:
// calls by division, endpoint and status; refused calls (Exact blocks an app after 10 errors per endpoint per
// hour: alert on increase(exactsync_exact_errors_total[1h]) >= 5); the budget left per division and window.
type exactMetrics struct {
	requests *prometheus.CounterVec
	errors   *prometheus.CounterVec
	budget   *prometheus.GaugeVec
}

func newExactMetrics(reg prometheus.Registerer) *exactMetrics {
	m := &exactMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "exactsync_exact_requests_total",
			Help: "Calls to Exact Online by division, endpoint and HTTP status."}, []string{"division", "endpoint", "status"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "exactsync_exact_errors_total",
			Help: "Calls Exact refused (4xx and 5xx but 429) by division and endpoint; Exact blocks the app at 10 per endpoint per hour."},
			[]string{"division", "endpoint"}),
		budget: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "exactsync_exact_budget_remaining",
			Help: "Exact's API budget left per division, as its last answer said (window: minute or day)."}, []string{"division", "window"}),
	}
	reg.MustRegister(m.requests, m.errors, m.budget)
	return m
}

// transport counts every Exact call that next carries.
func (m *exactMetrics) transport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := next.RoundTrip(r)
		division, endpoint := exactEndpoint(r.URL.Path)
		if err != nil {
			m.requests.WithLabelValues(division, endpoint, "network").Inc()
			return resp, err
		}
		m.requests.WithLabelValues(division, endpoint, strconv.Itoa(resp.StatusCode)).Inc()
		if resp.StatusCode >= 400 && resp.StatusCode != http.StatusTooManyRequests {
			m.errors.WithLabelValues(division, endpoint).Inc()
		}
		if division != "" {
			for window, header := range map[string]string{"minute": "X-RateLimit-Minutely-Remaining", "day": "X-RateLimit-Remaining"} {
				if n, perr := strconv.Atoi(resp.Header.Get(header)); perr == nil {
					m.budget.WithLabelValues(division, window).Set(float64(n))
				}
			}
		}
		return resp, nil
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// exactEndpoint names the division and entity set of an Exact URL path: /api/v1/123/crm/Accounts(guid'…') is
// ("123", "crm/Accounts"); /api/v1/current/Me is ("", "current/Me"); the token endpoint is ("", "oauth2/token").
func exactEndpoint(path string) (division, endpoint string) {
	rest, ok := strings.CutPrefix(path, "/api/v1/")
	if !ok {
		if strings.HasSuffix(path, "/oauth2/token") {
			return "", "oauth2/token"
		}
		return "", "other"
	}
	if first, after, found := strings.Cut(rest, "/"); found {
		if _, err := strconv.Atoi(first); err == nil {
			division, rest = first, after
		}
	}
	if i := strings.IndexByte(rest, '('); i >= 0 {
		rest = rest[:i]
	}
	return division, strings.TrimSuffix(rest, "/$count")
}
