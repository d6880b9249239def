package conformance

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/exactsync/exactsync/clients/odoo"
	"github.com/exactsync/exactsync/clients/odoo/odootest"
)

const recordings17 = "../odootest/testdata/odoo17"

// replay runs the scenario against a fresh simulator prepared like the recorded database.
func replay(t *testing.T, version int) *Recording {
	t.Helper()
	// The recorded database's demo data is older than the run: seed it an hour before the scenario
	// runs, so that change feeds see it as settled, as they see the real demo data.
	var seeded atomic.Bool
	clock := func() time.Time {
		if seeded.Load() {
			return time.Now()
		}
		return time.Now().Add(-time.Hour)
	}
	s := odootest.NewServer(t, func(o *odootest.Options) { o.Version, o.Now = version, clock })
	seeded.Store(true)
	// The recorded database has base_automation installed (the scenario does not install modules).
	mods, err := s.Call("ir.module.module", "search", []any{[]any{[]any{"name", "=", "base_automation"}}}, nil)
	if err != nil {
		t.Fatalf("find base_automation: %v", err)
	}
	if _, err := s.Call("ir.module.module", "button_immediate_install", []any{mods}, nil); err != nil {
		t.Fatalf("install base_automation: %v", err)
	}
	cfg := odoo.Config{URL: s.URL(), Database: s.Database(), Login: s.Login(), APIKey: s.APIKey(), Transport: odoo.TransportXMLRPC}
	got, err := Record(context.Background(), cfg, nil)
	if err != nil {
		t.Errorf("scenario on the simulator: %v", err)
	}
	if got == nil {
		t.FailNow()
	}
	for _, s := range got.Surprises {
		t.Errorf("scenario on the simulator: %s", s)
	}
	return got
}

// TestSimulatorAnswersLikeOdoo17 replays the scenario recorded against a real Odoo 17 on the
// simulator: every call must get the same kind of answer, the same fault, and values of the same shape.
func TestSimulatorAnswersLikeOdoo17(t *testing.T) {
	want, err := Load(recordings17)
	if err != nil {
		t.Fatal(err)
	}
	if len(want.Surprises) > 0 {
		t.Errorf("the recording has surprises (the scenario expects what real Odoo does not): %v", want.Surprises)
	}
	got := replay(t, 17)
	for _, d := range Compare(want, got) {
		t.Error(d)
	}
}

// TestRecordingCoversEveryStep: the recording was made with the scenario as it is now.
func TestRecordingCoversEveryStep(t *testing.T) {
	want, err := Load(recordings17)
	if err != nil {
		t.Fatal(err)
	}
	if want.Server != "17.0" || want.Transport != odoo.TransportXMLRPC {
		t.Errorf("recording of %s over %s, want 17.0 over xmlrpc", want.Server, want.Transport)
	}
	var names []string
	for _, s := range want.Steps {
		names = append(names, s.Name)
		if len(s.Exchanges) == 0 {
			t.Errorf("step %q has no exchanges", s.Name)
		}
	}
	if got, wantSteps := strings.Join(names, "\n"), strings.Join(scenarioSteps(), "\n"); got != wantSteps {
		t.Errorf("recorded steps:\n%s\nscenario steps:\n%s\nrecord again (see the package doc)", got, wantSteps)
	}
}
