// Command exactsim runs the Exact Online simulator (package exacttest) as a
// standalone HTTP server for local development and end-to-end tests. It
// prints its base URL; point the Exact client's site base URL at it.
//
// Flags:
//
//	-addr 127.0.0.1:8090            listen address
//	-client-id exactsync-dev        OAuth client_id of the one registered app
//	-client-secret exactsync-dev-secret
//	-redirect-urls ""               comma-separated allowed redirect URIs (empty: any http://127.0.0.1|localhost URI)
//	-auto-consent true              /api/oauth2/auth redirects at once; false shows an HTML page with an "Allow" button
//	-token-lifetime 600s            access-token lifetime (expires_in)
//	-min-refresh-age 0              refresh earlier than this is refused (0: 95% of the lifetime, negative: off)
//	-refresh-token-ttl 720h         unused refresh tokens expire after this
//	-strict-rotation false          the old refresh token dies when the new access token is first used (else: when the new refresh token is)
//	-minutely-limit 60              calls per division per minute window
//	-daily-limit 5000               calls per division per day window
//	-minute-window 1m               length of the "minutely" window
//	-day-window 24h                 length of the daily window
//	-error-block false              block an endpoint after 10 errors per hour
//	-seed true                      seed each division with a Dutch administration
//	-divisions 1234567              comma-separated divisions; the first is the user's current one
//	-division-name "Demo BV"        description of the first division
//	-fault-drop-writes 0            fraction of POST/PUT/DELETE responses dropped after commit
//	-fault-5xx 0                    fraction of requests answered 503
//	-fault-burst429 0               the next N API requests get 429
//	-fault-latency 0                latency added to every request
//	-fault-down false               answer every request 503
//	-fault-token-status 0           the token endpoint answers this status (with -fault-token-body) and does nothing else
//	-fault-token-body ""            body of that answer (JSON when it starts with '{')
//	-fault-seed 1                   seed of the fault randomness
//	-log false                      log one line per request (never tokens)
//
// Commands acting as the accountant on a running simulator (its -url defaults to $EXACT_BASE_URL, which make run
// exports, else http://127.0.0.1:8090), e.g. a customer paying invoice 26700001:
//
//	exactsim pay -entry-number 26700001 -amount 121.00 [-date 2026-03-01] [-division N]
//	exactsim credit -invoice-number 26700001 -credit-number 26700002
//	exactsim unmatch -entry-number 26700001
//	exactsim process -entry-number 26700001
//	exactsim close-period -year 2026 -period 2 [-open]
//
// They post to the simulator's admin endpoints (/sim/…, see package exacttest).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/exactsync/exactsync/clients/exact/exacttest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "exactsim:", err)
		os.Exit(1)
	}
}

// run serves the simulator (no command, or serve) or runs one of the accountant's commands (see adminUsage).
func run(ctx context.Context, args []string, out io.Writer, getenv func(string) string) error {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "serve":
			return serve(ctx, args[1:], out)
		case "help":
			fmt.Fprintln(out, "exactsim [serve] [flags]: run the Exact Online simulator (exactsim -h lists the flags)")
			fmt.Fprintln(out)
			fmt.Fprintln(out, adminUsage)
			return nil
		}
		return runAdmin(ctx, args[0], args[1:], out, getenv)
	}
	return serve(ctx, args, out)
}

func serve(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("exactsim", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {
		fmt.Fprintln(out, "Usage: exactsim [serve] [flags]")
		fs.PrintDefaults()
		fmt.Fprintln(out)
		fmt.Fprintln(out, adminUsage)
	}
	var o exacttest.Options
	var f exacttest.Faults
	addr := fs.String("addr", "127.0.0.1:8090", "listen address")
	fs.StringVar(&o.ClientID, "client-id", "exactsync-dev", "OAuth client_id")
	fs.StringVar(&o.ClientSecret, "client-secret", "exactsync-dev-secret", "OAuth client_secret")
	redirects := fs.String("redirect-urls", "", "comma-separated allowed redirect URIs")
	fs.BoolVar(&o.AutoConsent, "auto-consent", true, "redirect with a code without a consent page")
	fs.DurationVar(&o.TokenLifetime, "token-lifetime", 600*time.Second, "access token lifetime")
	fs.DurationVar(&o.MinRefreshAge, "min-refresh-age", 0, "minimum age before a refresh (0: 95% of lifetime, <0: off)")
	fs.DurationVar(&o.RefreshTokenTTL, "refresh-token-ttl", 30*24*time.Hour, "unused refresh token lifetime")
	fs.BoolVar(&o.StrictRotation, "strict-rotation", false, "the old refresh token dies when the new access token is first used (else when the new refresh token is)")
	fs.IntVar(&o.MinutelyLimit, "minutely-limit", 60, "calls per division per minute window")
	fs.IntVar(&o.DailyLimit, "daily-limit", 5000, "calls per division per day window")
	fs.DurationVar(&o.MinuteWindow, "minute-window", time.Minute, "minutely window length")
	fs.DurationVar(&o.DayWindow, "day-window", 24*time.Hour, "daily window length")
	fs.BoolVar(&o.ErrorBlock, "error-block", false, "block an endpoint after 10 errors per hour")
	fs.BoolVar(&o.Seed, "seed", true, "seed divisions with a Dutch administration")
	divs := fs.String("divisions", "1234567", "comma-separated division codes")
	fs.StringVar(&o.DivisionName, "division-name", "Demo BV", "description of the first division")
	fs.Float64Var(&f.DropWriteResponses, "fault-drop-writes", 0, "fraction of write responses dropped after commit")
	fs.Float64Var(&f.Status5xx, "fault-5xx", 0, "fraction of requests answered 503")
	fs.IntVar(&f.Burst429, "fault-burst429", 0, "next N API requests get 429")
	fs.DurationVar(&f.Latency, "fault-latency", 0, "added latency")
	fs.BoolVar(&f.Down, "fault-down", false, "answer everything 503")
	fs.IntVar(&f.TokenStatus, "fault-token-status", 0, "the token endpoint answers this status and does nothing else")
	fs.StringVar(&f.TokenBody, "fault-token-body", "", "body of the -fault-token-status answer")
	fs.Int64Var(&f.Seed, "fault-seed", 1, "fault randomness seed")
	logReq := fs.Bool("log", false, "log requests")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil // -h printed the flags: help is not an error
		}
		return err
	}
	if *redirects != "" {
		o.RedirectURLs = strings.Split(*redirects, ",")
	}
	var codes []int
	for _, p := range strings.Split(*divs, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || n <= 0 {
			return fmt.Errorf("bad -divisions entry %q", p)
		}
		codes = append(codes, n)
	}
	o.Division = codes[0]
	if *logReq {
		o.Logger = slog.New(slog.NewTextHandler(out, nil))
	}
	s := exacttest.New(o)
	for i, c := range codes[1:] {
		s.AddDivision(c, fmt.Sprintf("Administratie %d", i+2))
	}
	s.SetFaults(f)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	s.SetURL("http://" + ln.Addr().String())
	fmt.Fprintln(out, s.URL())
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
