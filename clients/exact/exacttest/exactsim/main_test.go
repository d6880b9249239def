package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestRunServesAndStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-divisions", "1234567,7654321", "-minutely-limit", "5"}, pw, noEnv)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	base := strings.TrimSpace(line)
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("printed %q, want the base URL", base)
	}
	resp, err := http.Get(base + "/api/v1/current/Me")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got, want := resp.StatusCode, http.StatusUnauthorized; got != want {
		t.Errorf("unauthenticated Me: got %d, want %d", got, want)
	}
	if got, want := resp.Header.Get("X-RateLimit-Minutely-Limit"), "5"; got != want {
		t.Errorf("minutely limit header: got %q, want %q", got, want)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("run: %v", err)
	}
}

func noEnv(string) string { return "" }

func TestRunRejectsBadFlags(t *testing.T) {
	tests := [][]string{
		{"-divisions", "abc"},
		{"-nope"},
	}
	for _, args := range tests {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			if err := run(context.Background(), append([]string{"-addr", "127.0.0.1:0"}, args...), io.Discard, noEnv); err == nil {
				t.Error("got nil error, want one")
			}
		})
	}
}

// -h prints the flags and is not an error: exactsim -h exits 0.
func TestRunHelpIsNotAnError(t *testing.T) {
	for _, arg := range []string{"-h", "--help"} {
		t.Run(arg, func(t *testing.T) {
			var out strings.Builder
			if err := run(context.Background(), []string{arg}, &out, noEnv); err != nil {
				t.Errorf("run(%s) = %v, want nil", arg, err)
			}
			if !strings.Contains(out.String(), "-addr") || !strings.Contains(out.String(), "-fault-token-status") {
				t.Errorf("run(%s) printed %q, want the flags", arg, out.String())
			}
		})
	}
}
