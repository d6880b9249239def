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
//	starter invoices --from YYYY-MM-DD | --off  send posted invoices of the mapped journals from a date
//	starter link --partner ID --exact-code CODE   take over an existing Exact relation on purpose
//	starter status [--json] | connected [--json] | retry | resume | forget | doctor | search-attributes
//
// Configuration as for the worker: DATABASE_URL, EXACTSYNC_SECRET_KEY and TEMPORAL_*; `starter <command> -h`
// lists every variable a command reads. The read commands (status, connected, mappings list) print one JSON
// document with --json. Exit codes: 0 done (and help), 1 failed, 2 a command line the starter does not understand.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
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
	code := Main(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit codes of the starter.
const (
	exitOK     = 0 // done; also help asked for with -h, --help or help
	exitFailed = 1 // the command failed (connected: the connection is incomplete)
	exitUsage  = 2 // unknown command, missing subcommand, bad flag or argument
)

// Main runs the starter and returns its exit code; it prints an error once, on stderr.
func Main(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	err := run(ctx, args, getenv, stdout, stderr)
	var ue *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue):
		if !ue.reported {
			fmt.Fprintln(stderr, "starter:", err)
		}
		return exitUsage
	}
	fmt.Fprintln(stderr, "starter:", err)
	return exitFailed
}

// usageError is a command line the starter does not understand; reported says the flag package printed it already.
type usageError struct {
	err      error
	reported bool
}

func (u *usageError) Error() string { return u.err.Error() }
func (u *usageError) Unwrap() error { return u.err }

func usageErrorf(format string, args ...any) error {
	return &usageError{err: fmt.Errorf(format, args...)}
}

// env is what every command gets. The store and the Temporal client are opened after the command's flags are
// parsed (see open), so -h needs neither.
type env struct {
	getenv   func(string) string
	stdout   io.Writer
	stderr   io.Writer
	logger   *zap.Logger
	store    *store.Store
	temporal client.Client

	cmd      *command
	envRead  []string     // the environment variables read so far, in order (listed by -h)
	flagOut  bytes.Buffer // what the flag package printed: help goes to stdout, a flag error to stderr
	flagUsed bool         // the flag package printed a usage (help, or a flag error it reported)
	opened   bool
	closers  []func()
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
		{"mappings list", "Odoo payment terms, journals, taxes and accounts with their Exact codes (ok/MISSING/INVALID), by kind, with the kinds the syncs need", needStore, mappingsList},
		{"mappings set", "map one Odoo record to an Exact code", needStore, mappingsSet},
		{"mappings suggest", "propose payment-term mappings by number of days (--apply stores them)", needStore, mappingsSuggest},
		{"schedule", "create or update the connection's change-detection schedule", needStore | needTemporal, scheduleCmd},
		{"sync contacts", "run the contact change detection now (--from-start: every partner)", needStore | needTemporal, syncContacts},
		{"odoo install-webhooks", "create the Odoo automation rule that notifies the worker of partner changes", needStore, installWebhooks},
		{"forget", "forget what a connection synced (links, cursors) so the next sync matches everything again", needStore, forgetCmd},
		{"connected", "exit 0 when the connection has both Odoo and an Exact division", needStore, connectedCmd},
		{"status", "connections, what is in progress and waits for a fix now, and the runs Temporal keeps", needStore | needTemporal, statusCmd},
		{"invoices", "send posted invoices, bills and credit notes from a date (--from YYYY-MM-DD) or stop (--off)", needStore, invoicesCmd},
		{"link", "link an Odoo partner to an existing Exact relation on purpose, then sync it there", needStore | needTemporal, linkCmd},
		{"retry", "start again every failed contact sync (after fixing the cause)", needStore | needTemporal, retryCmd},
		{"resume", "resume a paused connection and its schedule", needStore | needTemporal, resumeCmd},
		{"doctor", "check worker, Temporal and PostgreSQL end to end", needTemporal, doctorCmd},
		{"search-attributes", "register exactsync's search attributes in the Temporal namespace", needTemporal, searchAttributesCmd},
	}
}

// storeEnv and logEnv are the environment variables the starter reads besides its flags' defaults.
var (
	storeEnv = []string{"DATABASE_URL", "EXACTSYNC_SECRET_KEY"}
	logEnv   = []string{"EXACTSYNC_LOG_FORMAT", "EXACTSYNC_LOG_LEVEL"}
)

// temporalEnv lists the variables temporalenv.FromEnv reads, by asking it.
func temporalEnv() []string {
	var keys []string
	_, _ = temporalenv.FromEnv(func(k string) string { keys = append(keys, k); return "" }) // empty: no error
	return keys
}

var envHelp = map[string]string{
	"DATABASE_URL":         "PostgreSQL URL (make run prints the one it uses)",
	"EXACTSYNC_SECRET_KEY": "key of the stored secrets (make run keeps it in .data/secret.key)",
	"EXACTSYNC_LOG_FORMAT": "console (default) or json",
	"EXACTSYNC_LOG_LEVEL":  "debug, info, warn (default) or error",
	"TEMPORAL_ADDRESS":     "Temporal frontend (default: 127.0.0.1:7233)",
	"TEMPORAL_NAMESPACE":   "Temporal namespace (default: default)",
	"TEMPORAL_API_KEY":     "Temporal Cloud API key (implies TLS)",
	"TEMPORAL_TLS":         "true: TLS to Temporal",
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: starter <command> [flags]   (starter <command> -h for its flags and environment)\n\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-22s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nenvironment: %s, %s, %s and the flags' defaults (see starter <command> -h)\n",
		strings.Join(storeEnv, ", "), strings.Join(temporalEnv(), ", "), strings.Join(logEnv, ", "))
}

// groupUsage lists the subcommands of a group such as "mappings".
func groupUsage(w io.Writer, group string) {
	fmt.Fprintf(w, "usage: starter %s <subcommand> [flags]   (starter %s <subcommand> -h for its flags)\n\nsubcommands:\n", group, group)
	for _, c := range commands() {
		if g, sub, ok := strings.Cut(c.name, " "); ok && g == group {
			fmt.Fprintf(w, "  %-18s %s\n", sub, c.summary)
		}
	}
}

// isGroup says whether word is the first word of multi-word commands (connect, mappings, sync, odoo).
func isGroup(word string) bool {
	for _, c := range commands() {
		if g, _, ok := strings.Cut(c.name, " "); ok && g == word {
			return true
		}
	}
	return false
}

func isHelp(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help" || arg == "help"
}

// run dispatches to a command; it is main without the process and the exit code. Help is not an error: it
// returns nil.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		usage(stderr)
		return usageErrorf("no command given")
	}
	if isHelp(args[0]) {
		if len(args) > 1 && args[0] == "help" { // starter help status: the command's own help
			return run(ctx, append(args[1:], "-h"), getenv, stdout, stderr)
		}
		usage(stdout)
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
	if cmd == nil && isGroup(args[0]) {
		switch {
		case len(args) == 1:
			groupUsage(stderr, args[0])
			return usageErrorf("%s needs a subcommand", args[0])
		case isHelp(args[1]):
			groupUsage(stdout, args[0])
			return nil
		}
		groupUsage(stderr, args[0])
		return usageErrorf("unknown subcommand %q of %s", args[1], args[0])
	}
	if cmd == nil {
		usage(stderr)
		return usageErrorf("unknown command %q", strings.Join(args, " "))
	}
	e := &env{stdout: stdout, stderr: stderr, cmd: cmd}
	e.getenv = func(k string) string {
		if !slices.Contains(e.envRead, k) {
			e.envRead = append(e.envRead, k)
		}
		return getenv(k)
	}
	logger, err := zaplog.New(stderr, envOr(e.getenv, "EXACTSYNC_LOG_FORMAT", "console"), envOr(e.getenv, "EXACTSYNC_LOG_LEVEL", "warn"))
	if err != nil {
		return err
	}
	e.logger = logger
	defer e.close()
	err = cmd.run(ctx, e, rest)
	switch {
	case errors.Is(err, flag.ErrHelp):
		stdout.Write(e.flagOut.Bytes()) //nolint:errcheck
		return nil
	case err != nil && e.flagUsed && !e.opened: // a flag error, printed by the flag package with the usage
		stderr.Write(e.flagOut.Bytes()) //nolint:errcheck
		return &usageError{err: err, reported: true}
	}
	return err
}

// open connects to what the command needs: PostgreSQL and Temporal. It runs once, after the flags are parsed.
func (e *env) open(ctx context.Context) error {
	if e.opened {
		return nil
	}
	e.opened = true
	if e.cmd.needs&needStore != 0 {
		url := e.getenv("DATABASE_URL")
		if url == "" {
			return errors.New("DATABASE_URL is not set (make run prints the one it uses)")
		}
		key, err := store.ParseKey(e.getenv("EXACTSYNC_SECRET_KEY"))
		if err != nil {
			return err
		}
		if e.store, err = store.Open(ctx, url, key); err != nil {
			return err
		}
		e.closers = append(e.closers, e.store.Close)
	}
	if e.cmd.needs&needTemporal != 0 {
		cfg, err := temporalenv.FromEnv(e.getenv)
		if err != nil {
			return err
		}
		opts, err := cfg.Options(e.logger, nil)
		if err != nil {
			return err
		}
		if e.temporal, err = client.DialContext(ctx, opts); err != nil {
			return fmt.Errorf("connect to %s: %w", cfg, err)
		}
		e.closers = append(e.closers, e.temporal.Close)
	}
	return nil
}

func (e *env) close() {
	for i := len(e.closers) - 1; i >= 0; i-- {
		e.closers[i]()
	}
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

// flags returns a flag set for a command with the shared --name flag. Its usage lists the command's flags and
// every environment variable the command reads.
func (e *env) flags(name string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet("starter "+name, flag.ContinueOnError)
	fs.SetOutput(&e.flagOut)
	fs.Usage = func() {
		e.flagUsed = true
		w := fs.Output()
		fmt.Fprintf(w, "usage: starter %s [flags]\n\n%s\n\nflags:\n", name, e.cmd.summary)
		fs.PrintDefaults()
		fmt.Fprintln(w, "\nenvironment:")
		for _, k := range e.envVars() {
			fmt.Fprintf(w, "  %-34s %s\n", k, e.envDescription(fs, k))
		}
	}
	conn := fs.String("name", e.getenv("EXACTSYNC_CONNECTION"), "connection name (EXACTSYNC_CONNECTION); default: the only connection, or \"default\" for a first one")
	return fs, conn
}

// envVars lists the environment variables the command reads: the store's and Temporal's when it needs them, the
// logger's, and those its flags take their defaults from.
func (e *env) envVars() []string {
	var out []string
	if e.cmd.needs&needStore != 0 {
		out = append(out, storeEnv...)
	}
	if e.cmd.needs&needTemporal != 0 {
		out = append(out, temporalEnv()...)
	}
	for _, k := range e.envRead {
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// envDescription says what an environment variable is for: the flag it is the default of, or its meaning.
func (e *env) envDescription(fs *flag.FlagSet, key string) string {
	desc := envHelp[key]
	fs.VisitAll(func(f *flag.Flag) {
		if strings.Contains(f.Usage, "("+key+")") {
			desc = "default of --" + f.Name
		}
	})
	if desc == "" && strings.HasPrefix(key, "TEMPORAL_TLS") {
		desc = "TLS / mTLS to Temporal, as Temporal's CLI reads it"
	}
	return desc
}

// parse parses a command's flags and refuses arguments that are not flags (see parseFlags), then opens the store
// and Temporal.
func (e *env) parse(ctx context.Context, fs *flag.FlagSet, args []string) error {
	if err := e.parseFlags(fs, args); err != nil {
		return err
	}
	return e.open(ctx)
}

// parseFlags parses a command's flags and refuses arguments that are not flags; it opens nothing, so a command
// can check its flags first (connection and connectionName open what it needs).
func (e *env) parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("%s: unexpected argument %q (flags start with --; starter %s -h lists them)", fs.Name(), fs.Arg(0), e.cmd.name)
	}
	return nil
}

// connectionName resolves an omitted --name: the only stored connection, else "default" when there is none.
func (e *env) connectionName(ctx context.Context, name string) (string, error) {
	if err := e.open(ctx); err != nil {
		return "", err
	}
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
	if err := e.parse(ctx, fs, args); err != nil {
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

// printJSON writes v as the one JSON document of a --json command.
func (e *env) printJSON(v any) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
