// Command starter is exactsync's operator CLI: connect Odoo and Exact, map payment terms, start the change
// detection, see the sync queue, retry what failed after a fix, and check the whole stack.
//
//	starter connect odoo --url URL --db DB --user LOGIN --api-key KEY [--company ID] [--name CONN]
//	starter connect exact --site nl|be|de|uk|fr|es|com [--base-url URL] --client-id ID --client-secret SECRET
//	                      [--redirect-url URL] [--no-browser] [--division N] [--name CONN]
//	starter mappings list|set|suggest …
//	starter schedule [--every 60s]        start (or update) the change detection of a connection
//	starter sync contacts [--from-start]  run the change detection now (initial sync)
//	starter odoo install-webhooks --public-url URL [--install-module] [--rotate-secret]
//	starter status | retry | resume | doctor | search-attributes
//
// Configuration as for the worker: DATABASE_URL, EXACTSYNC_SECRET_KEY and TEMPORAL_*.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"go.temporal.io/sdk/client"
	"go.uber.org/zap"

	"github.com/exactsync/exactsync/internal/temporalenv"
	"github.com/exactsync/exactsync/internal/zaplog"
	"github.com/exactsync/exactsync/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "starter:", err)
		}
		os.Exit(1)
	}
}

// env is what every command gets.
type env struct {
	getenv   func(string) string
	stdout   io.Writer
	stderr   io.Writer
	logger   *zap.Logger
	store    *store.Store
	temporal client.Client
}

type command struct {
	name    string
	summary string
	needs   needs
	run     func(ctx context.Context, e *env, args []string) error
}

type needs int

const (
	needStore    needs = 1 << iota
	needTemporal needs = 1 << iota
)

func commands() []command {
	return []command{
		{"connect odoo", "check an Odoo login and store the connection", needStore, connectOdoo},
		{"connect exact", "consent in Exact (OAuth), store the tokens and pick the division", needStore | needTemporal, connectExact},
		{"mappings list", "list Odoo payment terms with their Exact payment conditions (valid/missing)", needStore, mappingsList},
		{"mappings set", "map one Odoo record to an Exact code", needStore, mappingsSet},
		{"mappings suggest", "propose payment-term mappings by number of days (--apply stores them)", needStore, mappingsSuggest},
		{"schedule", "create or update the connection's change-detection schedule", needStore | needTemporal, scheduleCmd},
		{"sync contacts", "run the contact change detection now (--from-start: every partner)", needStore | needTemporal, syncContacts},
		{"odoo install-webhooks", "create the Odoo automation rule that notifies the worker of partner changes", needStore, installWebhooks},
		{"forget", "forget what a connection synced (links, cursors) so the next sync matches everything again", needStore, forgetCmd},
		{"connected", "exit 0 when the connection has both Odoo and an Exact division", needStore, connectedCmd},
		{"status", "connections and the sync queue by state", needStore | needTemporal, statusCmd},
		{"retry", "start again every failed contact sync (after fixing the cause)", needStore | needTemporal, retryCmd},
		{"resume", "resume a paused connection and its schedule", needStore | needTemporal, resumeCmd},
		{"doctor", "check worker, Temporal and PostgreSQL end to end", needTemporal, doctorCmd},
		{"search-attributes", "register exactsync's search attributes in the Temporal namespace", needTemporal, searchAttributesCmd},
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: starter <command> [flags]   (starter <command> -h for its flags)\n\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-22s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nenvironment: DATABASE_URL, EXACTSYNC_SECRET_KEY, TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*")
}

// run dispatches to a command; it is main without the process.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		if len(args) == 0 {
			return errors.New("no command given")
		}
		return nil
	}
	var cmd *command
	var rest []string
	for _, c := range commands() {
		words := strings.Fields(c.name)
		if len(args) >= len(words) && strings.Join(args[:len(words)], " ") == c.name {
			cmd, rest = &c, args[len(words):]
			break
		}
	}
	if cmd == nil {
		usage(stderr)
		return fmt.Errorf("unknown command %q", strings.Join(args, " "))
	}
	logger, err := zaplog.New(stderr, envOr(getenv, "EXACTSYNC_LOG_FORMAT", "console"), envOr(getenv, "EXACTSYNC_LOG_LEVEL", "warn"))
	if err != nil {
		return err
	}
	e := &env{getenv: getenv, stdout: stdout, stderr: stderr, logger: logger}
	if cmd.needs&needStore != 0 {
		url := getenv("DATABASE_URL")
		if url == "" {
			return errors.New("DATABASE_URL is not set (make run prints the one it uses)")
		}
		key, err := store.ParseKey(getenv("EXACTSYNC_SECRET_KEY"))
		if err != nil {
			return err
		}
		if e.store, err = store.Open(ctx, url, key); err != nil {
			return err
		}
		defer e.store.Close()
	}
	if cmd.needs&needTemporal != 0 {
		cfg, err := temporalenv.FromEnv(getenv)
		if err != nil {
			return err
		}
		opts, err := cfg.Options(logger, nil)
		if err != nil {
			return err
		}
		if e.temporal, err = client.DialContext(ctx, opts); err != nil {
			return fmt.Errorf("connect to %s: %w", cfg, err)
		}
		defer e.temporal.Close()
	}
	return cmd.run(ctx, e, rest)
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

// flags returns a flag set for a command with the shared --name flag.
func (e *env) flags(name string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet("starter "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	conn := fs.String("name", e.getenv("EXACTSYNC_CONNECTION"), "connection name (EXACTSYNC_CONNECTION); default: the only connection, or \"default\" for a first one")
	return fs, conn
}

// connectionName resolves an omitted --name: the only stored connection, else "default" when there is none.
func (e *env) connectionName(ctx context.Context, name string) (string, error) {
	if name != "" {
		return name, nil
	}
	conns, err := e.store.Connections(ctx)
	if err != nil {
		return "", err
	}
	switch len(conns) {
	case 0:
		return "default", nil
	case 1:
		return conns[0].Name, nil
	}
	var names []string
	for _, c := range conns {
		names = append(names, c.Name)
	}
	return "", fmt.Errorf("several connections (%s): pass --name", strings.Join(names, ", "))
}

// parseConnection parses a command's flags, then loads the connection its --name names.
func (e *env) parseConnection(ctx context.Context, fs *flag.FlagSet, name *string, args []string) (store.Connection, error) {
	if err := fs.Parse(args); err != nil {
		return store.Connection{}, err
	}
	return e.connection(ctx, *name)
}

// connection loads the connection named by --name (see connectionName).
func (e *env) connection(ctx context.Context, name string) (store.Connection, error) {
	n, err := e.connectionName(ctx, name)
	if err != nil {
		return store.Connection{}, err
	}
	c, err := e.store.Connection(ctx, n)
	if err != nil {
		return c, fmt.Errorf("connection %q: %w (connect it with starter connect odoo / connect exact)", n, err)
	}
	return c, nil
}

func (e *env) printf(format string, args ...any) { fmt.Fprintf(e.stdout, format, args...) }
