package temporalenv

import (
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.temporal.io/sdk/client"
)

// Metrics exposes the SDK's metrics (counters, gauges, timers) to Prometheus. The SDK attaches varying tag
// sets to one metric name; Prometheus wants one label set per family, so each family is exported with the
// union of the tag keys it has seen (absent ones empty).
type Metrics struct {
	prefix string
	mu     sync.Mutex
	series map[string]*series // name + "\x00" + sorted tags
}

type series struct {
	name   string
	kind   prometheus.ValueType // CounterValue, GaugeValue; UntypedValue marks a timer
	tags   map[string]string
	value  float64
	count  uint64
	sum    float64
	bucket []uint64
}

var timerBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}

// NewMetrics returns a collector whose metric names start with prefix (e.g. "temporal_").
func NewMetrics(prefix string) *Metrics {
	return &Metrics{prefix: prefix, series: map[string]*series{}}
}

// Handler returns the SDK MetricsHandler writing into m.
func (m *Metrics) Handler() client.MetricsHandler { return handler{m: m} }

func (m *Metrics) get(name string, kind prometheus.ValueType, tags map[string]string) *series {
	keys := slices.Sorted(maps.Keys(tags))
	var b strings.Builder
	b.WriteString(name)
	for _, k := range keys {
		b.WriteString("\x00" + k + "=" + tags[k])
	}
	id := b.String()
	s, ok := m.series[id]
	if !ok {
		s = &series{name: sanitize(m.prefix + name), kind: kind, tags: tags}
		if kind == prometheus.UntypedValue {
			s.bucket = make([]uint64, len(timerBuckets))
		}
		m.series[id] = s
	}
	return s
}

func sanitize(name string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == ':' {
			return r
		}
		return '_'
	}, name)
}

// Describe sends nothing: the collector is unchecked, its families appear as the SDK reports them.
func (m *Metrics) Describe(chan<- *prometheus.Desc) {}

// Collect exports every series.
func (m *Metrics) Collect(ch chan<- prometheus.Metric) {
	m.mu.Lock()
	defer m.mu.Unlock()
	labels := map[string]map[string]bool{}
	for _, s := range m.series {
		if labels[s.name] == nil {
			labels[s.name] = map[string]bool{}
		}
		for k := range s.tags {
			labels[s.name][sanitize(k)] = true
		}
	}
	for _, s := range m.series {
		names := slices.Sorted(maps.Keys(labels[s.name]))
		values := make([]string, len(names))
		for i, n := range names {
			for k, v := range s.tags {
				if sanitize(k) == n {
					values[i] = v
				}
			}
		}
		if s.kind == prometheus.UntypedValue {
			desc := prometheus.NewDesc(s.name+"_seconds", "Temporal SDK timer "+s.name, names, nil)
			buckets := map[float64]uint64{}
			var cum uint64
			for i, ub := range timerBuckets {
				cum += s.bucket[i]
				buckets[ub] = cum
			}
			ch <- prometheus.MustNewConstHistogram(desc, s.count, s.sum, buckets, values...)
			continue
		}
		desc := prometheus.NewDesc(s.name, "Temporal SDK metric "+s.name, names, nil)
		ch <- prometheus.MustNewConstMetric(desc, s.kind, s.value, values...)
	}
}

type handler struct {
	m    *Metrics
	tags map[string]string
}

func (h handler) WithTags(tags map[string]string) client.MetricsHandler {
	merged := maps.Clone(h.tags)
	if merged == nil {
		merged = map[string]string{}
	}
	maps.Copy(merged, tags)
	return handler{m: h.m, tags: merged}
}

func (h handler) Counter(name string) client.MetricsCounter {
	return metric{h: h, name: name, kind: prometheus.CounterValue}
}
func (h handler) Gauge(name string) client.MetricsGauge {
	return metric{h: h, name: name, kind: prometheus.GaugeValue}
}
func (h handler) Timer(name string) client.MetricsTimer {
	return metric{h: h, name: name, kind: prometheus.UntypedValue}
}

type metric struct {
	h    handler
	name string
	kind prometheus.ValueType
}

func (c metric) Inc(delta int64) {
	c.h.m.mu.Lock()
	defer c.h.m.mu.Unlock()
	c.h.m.get(c.name, c.kind, c.h.tags).value += float64(delta)
}

func (c metric) Update(v float64) {
	c.h.m.mu.Lock()
	defer c.h.m.mu.Unlock()
	c.h.m.get(c.name, c.kind, c.h.tags).value = v
}

func (c metric) Record(d time.Duration) {
	c.h.m.mu.Lock()
	defer c.h.m.mu.Unlock()
	s := c.h.m.get(c.name, c.kind, c.h.tags)
	sec := d.Seconds()
	s.count++
	s.sum += sec
	for i, ub := range timerBuckets {
		if sec <= ub {
			s.bucket[i]++
			break
		}
	}
}
