// Package deployments holds the end-to-end test of `make run` (deployments/run.sh): what a newcomer's first
// command brings up, shows and stops.
package deployments

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// output collects what run.sh prints, line by line, and tells when a line matching a pattern has come.
type output struct {
	mu    sync.Mutex
	lines []string
	more  chan struct{} // closed and replaced on every new line
	done  bool
}

func newOutput(r io.Reader) *output {
	o := &output{more: make(chan struct{})}
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			o.mu.Lock()
			o.lines = append(o.lines, sc.Text())
			close(o.more)
			o.more = make(chan struct{})
			o.mu.Unlock()
		}
		o.mu.Lock()
		o.done = true
		close(o.more)
		o.mu.Unlock()
	}()
	return o
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return strings.Join(o.lines, "\n")
}

// await returns the first line matching re (its submatches), waiting for it while run.sh runs.
func (o *output) await(t *testing.T, ctx context.Context, re *regexp.Regexp) []string {
	t.Helper()
	for {
		o.mu.Lock()
		for _, l := range o.lines {
			if m := re.FindStringSubmatch(l); m != nil {
				o.mu.Unlock()
				return m
			}
		}
		more, done := o.more, o.done
		o.mu.Unlock()
		if done {
			t.Fatalf("run.sh ended without printing %q:\n%s", re, o)
		}
		select {
		case <-more:
		case <-ctx.Done():
			t.Fatalf("run.sh did not print %q:\n%s", re, o)
		}
	}
}

// The operator's first command: `make run` on a machine where a port it wants is taken brings up PostgreSQL,
// Temporal, both simulators and the worker on free ports (and says so), and the demo shows what it promises: the
// partner with the unmapped payment term and the invoices with the unmapped 0 % tax wait in the queue with the
// command that fixes them; after the fix `starter retry` sends them. The worker's metrics are the connector's own.
// Ctrl-C (SIGTERM here) stops everything it started.
func TestMakeRunBringsUpTheDemoAndStopsIt(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	// The Odoo simulator's port is taken (by this listener, or already by another program).
	if ln, err := net.Listen("tcp", "127.0.0.1:8069"); err == nil {
		t.Cleanup(func() { ln.Close() })
	}
	data := t.TempDir()
	// PostgreSQL runs as an unprivileged user when the test runs as root (as CI does): it must reach its directory.
	for _, d := range []string{filepath.Dir(data), data} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()

	cmd := exec.Command("bash", "deployments/run.sh")
	cmd.Dir = root
	cmd.Env = demoEnv(data)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	out := newOutput(pr)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait(); pw.Close() }()
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
			_ = exec.Command(filepath.Join(root, "deployments/postgres.sh"), "stop", filepath.Join(data, "postgres")).Run()
		}
	})

	moved := out.await(t, ctx, regexp.MustCompile(`port 8069 \(the Odoo simulator\) is taken by another program; using (\d+)`))
	out.await(t, ctx, regexp.MustCompile(`Odoo simulator \(17\.0, demo company\) at http://127\.0\.0\.1:`+moved[1]+`$`))
	temporal := out.await(t, ctx, regexp.MustCompile(`Temporal dev server at (\S+), Web UI at (\S+)`))
	metrics := out.await(t, ctx, regexp.MustCompile(`metrics at (http://\S+/metrics)`))
	out.await(t, ctx, regexp.MustCompile(`exactsync is running\.`))
	dbURL := out.await(t, ctx, regexp.MustCompile(`\(export DATABASE_URL=(\S+) EXACTSYNC_SECRET_KEY=\$\(cat (\S+)\)`))
	text := out.String()
	for _, want := range []string{"Queue (Temporal Web UI):  " + temporal[2] + "/namespaces/default/workflows", "has no Exact payment condition on purpose",
		".bin/exactsim pay -url http://127.0.0.1:"} {
		if !strings.Contains(text, want) {
			t.Errorf("make run did not print %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Next: starter") {
		t.Errorf("make run tells to do what it did:\n%s", text)
	}
	key, err := os.ReadFile(dbURL[2])
	if err != nil || dbURL[2] != filepath.Join(data, "secret.key") {
		t.Fatalf("the printed key file %s (in %s): %v", dbURL[2], data, err)
	}
	starter := func(args ...string) string {
		t.Helper()
		c := exec.CommandContext(ctx, filepath.Join(root, ".bin/starter"), args...)
		c.Env = append(os.Environ(), "DATABASE_URL="+dbURL[1], "EXACTSYNC_SECRET_KEY="+strings.TrimSpace(string(key)),
			"TEMPORAL_ADDRESS="+temporal[1], "EXACTSYNC_CONNECTION=demo")
		b, err := c.CombinedOutput()
		if err != nil {
			t.Fatalf("starter %s: %v\n%s", strings.Join(args, " "), err, b)
		}
		return string(b)
	}
	type waiting struct {
		WorkflowID string `json:"workflow_id"`
		Reason     string
	}
	// waitFor reads `starter status --json` until cond holds of the syncs waiting for a fix.
	waitFor := func(what string, cond func([]waiting) bool) []waiting {
		t.Helper()
		for {
			var status struct {
				Connections []struct {
					Name          string
					WaitingForFix []waiting `json:"waiting_for_fix"`
				}
			}
			raw := starter("status", "--json")
			if err := json.Unmarshal([]byte(raw), &status); err != nil || len(status.Connections) != 1 || status.Connections[0].Name != "demo" {
				t.Fatalf("starter status --json: %v\n%s", err, raw)
			}
			now := status.Connections[0].WaitingForFix
			if cond(now) {
				return now
			}
			select {
			case <-ctx.Done():
				t.Fatalf("%s: waiting for a fix now %+v", what, now)
			case <-time.After(time.Second):
			}
		}
	}
	hint := regexp.MustCompile(`starter mappings set (?:--name demo )?--kind (payment_term|tax) --odoo-id (\d+) --exact-code <code>`)
	byKind := func(ws []waiting) map[string][]waiting {
		m := map[string][]waiting{}
		for _, w := range ws {
			kind, _, _ := strings.Cut(w.WorkflowID, "/")
			m[kind] = append(m[kind], w)
		}
		return m
	}
	stuck := waitFor("the demo's partner and its two 0 % invoices waiting", func(ws []waiting) bool {
		k := byKind(ws)
		return len(k["contact"]) == 1 && len(k["invoice"]) == 2
	})
	fixes := map[string]string{}
	for _, w := range stuck {
		if m := hint.FindStringSubmatch(w.Reason); m != nil {
			fixes[m[1]] = m[2]
		}
	}
	if fixes["payment_term"] == "" || fixes["tax"] == "" {
		t.Fatalf("the reasons do not name the commands that fix them: %+v", stuck)
	}
	// The fix the reasons name, then one retry.
	starter("mappings", "set", "--kind", "payment_term", "--odoo-id", fixes["payment_term"], "--exact-code", "60")
	starter("mappings", "set", "--kind", "tax", "--odoo-id", fixes["tax"], "--exact-code", "6")
	if got := starter("retry"); !strings.Contains(got, "retried: 1 partner, 2 invoice") {
		t.Errorf("starter retry said %q", got)
	}
	waitFor("the partner and the invoices through after the fix", func(ws []waiting) bool {
		k := byKind(ws)
		return len(k["contact"]) == 0 && len(k["invoice"]) == 0
	})

	resp, err := http.Get(metrics[1])
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "exactsync_exact_requests_total{division=\"1234567\"") || strings.Contains(string(body), "temporal_temporal_") {
		t.Errorf("the worker's /metrics lacks the connector's own or doubles the prefix:\n%.2000s", body)
	}

	// Ctrl-C: everything stops, and the ports are free again.
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
		stopped = true
	case <-ctx.Done():
		t.Fatalf("make run did not stop on SIGTERM:\n%s", out)
	}
	out.await(t, ctx, regexp.MustCompile(`stopped; data kept in `+regexp.QuoteMeta(data)))
	for _, addr := range []string{"127.0.0.1:" + moved[1], temporal[1]} {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			t.Errorf("%s still taken after make run stopped: %v", addr, err)
			continue
		}
		ln.Close()
	}
	if _, err := os.Stat(filepath.Join(data, "postgres", "postmaster.pid")); !os.IsNotExist(err) {
		t.Errorf("PostgreSQL still runs after make run stopped (%v)", err)
	}
}

// demoEnv is the environment of a newcomer's `make run`: none of the settings that point it at real systems, and
// its data in dir.
func demoEnv(dir string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case k == "DATABASE_URL", k == "EXACTSYNC_SECRET_KEY", k == "EXACTSYNC_CONNECTION", k == "EXACTSYNC_HTTP_ADDR",
			strings.HasPrefix(k, "TEMPORAL_"), strings.HasPrefix(k, "ODOO_"), strings.HasPrefix(k, "EXACT_"):
			continue
		}
		env = append(env, kv)
	}
	return append(env, "EXACTSYNC_DATA_DIR="+dir)
}
