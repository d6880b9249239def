package temporalenv

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.temporal.io/sdk/temporal"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

func TestFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		want    string
		wantErr string
	}{
		{name: "defaults", env: nil, want: "temporal 127.0.0.1:7233 namespace default (auth none, tls false)"},
		{name: "cloud api key", env: map[string]string{"TEMPORAL_ADDRESS": "ns.acct.tmprl.cloud:7233", "TEMPORAL_NAMESPACE": "ns.acct",
			"TEMPORAL_API_KEY": "secret-api-key"}, want: "temporal ns.acct.tmprl.cloud:7233 namespace ns.acct (auth api-key, tls true)"},
		{name: "mtls", env: map[string]string{"TEMPORAL_TLS_CLIENT_CERT_PATH": "c.pem", "TEMPORAL_TLS_CLIENT_KEY_PATH": "k.pem"},
			want: "temporal 127.0.0.1:7233 namespace default (auth mtls, tls true)"},
		{name: "cert without key", env: map[string]string{"TEMPORAL_TLS_CLIENT_CERT_PATH": "c.pem"}, wantErr: "go together"},
		{name: "bad bool", env: map[string]string{"TEMPORAL_TLS": "yes please"}, wantErr: "TEMPORAL_TLS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := FromEnv(func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := c.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
			if strings.Contains(c.String(), "secret-api-key") {
				t.Error("String() shows the API key")
			}
		})
	}
	c, _ := FromEnv(func(k string) string {
		return map[string]string{"TEMPORAL_TLS_SERVER_CA_CERT_PATH": "/nonexistent/ca.pem", "TEMPORAL_TLS": "true"}[k]
	})
	if _, err := c.Options(zap.NewNop(), nil); err == nil || !strings.Contains(err.Error(), "server CA") {
		t.Errorf("Options with a missing CA: err = %v, want a clear error", err)
	}
}

func TestMetricsExportsVaryingTagSets(t *testing.T) {
	m := NewMetrics("temporal_")
	h := m.Handler()
	h.WithTags(map[string]string{"namespace": "default"}).Counter("request").Inc(2)
	h.WithTags(map[string]string{"namespace": "default", "operation": "Poll"}).Counter("request").Inc(1)
	h.Gauge("sticky-cache-size").Update(7)
	h.WithTags(map[string]string{"activity_type": "UpsertAccount"}).Timer("activity_execution_latency").Record(300 * time.Millisecond)
	reg := prometheus.NewRegistry()
	reg.MustRegister(m)
	families, err := reg.Gather()
	if err != nil {
		t.Fatalf("Gather: %v", err)
	}
	got := map[string]int{}
	for _, f := range families {
		got[f.GetName()] = len(f.GetMetric())
	}
	want := map[string]int{"temporal_request": 2, "temporal_sticky_cache_size": 1, "temporal_activity_execution_latency_seconds": 1}
	for name, n := range want {
		if got[name] != n {
			t.Errorf("family %s has %d series, want %d (all: %v)", name, got[name], n, got)
		}
	}
}

func TestLoggerBridgesKeyValues(t *testing.T) {
	var buf bytes.Buffer
	z := zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), zapcore.AddSync(&buf), zapcore.DebugLevel))
	l := NewLogger(z).With("WorkflowID", "contact/demo/res.partner/1")
	l.Info("started", "Attempt", 2, "odd")
	out := buf.String()
	for _, want := range []string{`"WorkflowID":"contact/demo/res.partner/1"`, `"Attempt":2`, `"extra":"odd"`, `"msg":"started"`} {
		if !strings.Contains(out, want) {
			t.Errorf("log %s lacks %s", out, want)
		}
	}
}

// The SDK logs every failed activity as an error; one that failed with an expected, non-retryable type (a data
// error that makes the sync wait for a person) is a warning, and a fault (a retryable error, or an unexpected
// type) stays an error, through With too.
func TestLoggerReportsExpectedStopsAsWarnings(t *testing.T) {
	core, logs := observer.New(zapcore.DebugLevel)
	l := NewLogger(zap.New(core), "DataError").With("WorkflowID", "contact/demo/res.partner/19")
	wrapped := fmt.Errorf("activity: %w", temporal.NewNonRetryableApplicationError("no payment condition", "DataError", nil))
	l.Error("Activity error.", "Attempt", 1, "Error", wrapped)
	l.Error("Activity error.", "Error", temporal.NewNonRetryableApplicationError("call shape refused", "ConnectorError", nil))
	l.Error("Activity error.", "Error", temporal.NewApplicationError("Exact 503", "DataError"))
	l.Error("Activity error.", "Error", errors.New("plain"))
	var levels []zapcore.Level
	for _, e := range logs.All() {
		levels = append(levels, e.Level)
	}
	want := []zapcore.Level{zapcore.WarnLevel, zapcore.ErrorLevel, zapcore.ErrorLevel, zapcore.ErrorLevel}
	if !slices.Equal(levels, want) {
		t.Errorf("levels %v, want %v", levels, want)
	}
	if got := logs.All()[0].ContextMap()["WorkflowID"]; got != "contact/demo/res.partner/19" {
		t.Errorf("the warning lost the With fields: %v", logs.All()[0].ContextMap())
	}
}
