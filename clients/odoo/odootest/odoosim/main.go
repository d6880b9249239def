// Command odoosim runs the Odoo simulator of package odootest as a standalone server, for demos
// and manual testing of the connector against a fake Odoo (XML-RPC, and JSON-2 with -version 19).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/exactsync/exactsync/clients/odoo/odootest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "odoosim:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("odoosim", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8069", "listen address")
	version := fs.Int("version", 17, "Odoo major version to simulate (16, 17, 18, 19)")
	db := fs.String("db", "demo", "database name")
	login := fs.String("login", "admin", "login of the admin user")
	password := fs.String("password", "admin", "password of the admin user")
	apiKey := fs.String("api-key", odootest.DefaultAPIKey, "API key of the admin user")
	seed := fs.Bool("seed", true, "seed demo companies, partners and invoices")
	latency := fs.Duration("latency", 0, "latency added to every request")
	fault5xx := fs.Float64("fault-5xx", 0, "probability (0..1) of answering 503")
	down := fs.Bool("down", false, "close every connection without answering")
	faultSeed := fs.Int64("fault-seed", 1, "seed of the fault random source")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil // -h printed the flags: help is not an error
		}
		return err
	}
	switch *version {
	case 16, 17, 18, 19:
	default:
		return fmt.Errorf("-version must be 16, 17, 18 or 19, got %d", *version)
	}
	s := odootest.New(odootest.Options{Version: *version, Database: *db, Login: *login, Password: *password, APIKey: *apiKey, Seed: *seed, Latency: *latency})
	s.SetFaults(odootest.Faults{Fault5xx: *fault5xx, Down: *down, Seed: *faultSeed})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	url := "http://" + ln.Addr().String()
	s.SetURL(url)
	fmt.Fprintf(out, "odoosim: Odoo %d.0 simulator\n  url:      %s\n  db:       %s\n  login:    %s\n  api key:  %s\n", *version, url, *db, *login, *apiKey)
	if *version >= 19 {
		fmt.Fprintf(out, "  json-2:   %s/json/2/<model>/<method>\n", url)
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return srv.Shutdown(shutdown)
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	}
}
