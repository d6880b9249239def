// Command record runs the conformance scenario against a real Odoo and writes what it said, normalised,
// as the recordings the simulator's replay test holds it to:
//
//	go run ./clients/odoo/conformance/record -out clients/odoo/odootest/testdata/odoo17
//
// Flags default to ODOO_URL, ODOO_DB, ODOO_USER and ODOO_API_KEY. The database needs Invoicing
// with demo data and base_automation installed, and a user with Settings rights. Every run creates
// a partner, invoices, bills and payments in it; the custom fields and the webhook rule it creates
// are deleted at the end. The API key never reaches the recordings.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/exactsync/exactsync/clients/odoo"
	"github.com/exactsync/exactsync/clients/odoo/conformance"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "record:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	fs := flag.NewFlagSet("record", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := odoo.Config{Transport: odoo.TransportXMLRPC}
	fs.StringVar(&cfg.URL, "url", getenv("ODOO_URL"), "Odoo base URL (ODOO_URL)")
	fs.StringVar(&cfg.Database, "db", getenv("ODOO_DB"), "database (ODOO_DB)")
	fs.StringVar(&cfg.Login, "user", getenv("ODOO_USER"), "login (ODOO_USER)")
	fs.StringVar(&cfg.Transport, "transport", cfg.Transport, "xmlrpc or json2 (Odoo 19+)")
	out := fs.String("out", "", "directory of the recordings, e.g. clients/odoo/odootest/testdata/odoo17")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg.APIKey = getenv("ODOO_API_KEY")
	if *out == "" {
		return errors.New("-out is required")
	}
	if cfg.APIKey == "" {
		return errors.New("ODOO_API_KEY is not set (the key is read from the environment only)")
	}
	rec, err := conformance.Record(ctx, cfg, nil)
	if rec != nil {
		if werr := rec.Write(*out); werr != nil {
			return werr
		}
		fmt.Fprintf(stderr, "wrote %d steps to %s\n", len(rec.Steps), *out)
		for _, s := range rec.Surprises {
			fmt.Fprintln(stderr, "surprise:", s)
		}
	}
	return err
}
