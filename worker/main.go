// Command worker runs exactsync's Temporal worker: it polls the "exactsync" task queue, runs the sync workflows
// and activities against Odoo, Exact Online and PostgreSQL, serves Prometheus metrics, a health endpoint and the
// Odoo webhook receiver, and shuts down cleanly on SIGINT/SIGTERM.
//
// Configuration: TEMPORAL_* as Temporal's own tools read them (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
// TEMPORAL_API_KEY, TEMPORAL_TLS*), DATABASE_URL, EXACTSYNC_SECRET_KEY, and the flags below (each with an
// EXACTSYNC_* environment default). Run `worker -h`.
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
	"slices"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	"go.uber.org/zap"

	"github.com/exactsync/exactsync/activities"
	"github.com/exactsync/exactsync/internal/temporalenv"
	"github.com/exactsync/exactsync/internal/zaplog"
	"github.com/exactsync/exactsync/store"
	"github.com/exactsync/exactsync/workflows"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stderr, nil); err != nil {
		fmt.Fprintln(os.Stderr, "worker:", err)
		os.Exit(1)
	}
}

// config is the worker's validated configuration.
type config struct {
	temporal    temporalenv.Config
	databaseURL string
	secretKey   []byte
	httpAddr    string
	logFormat   string
	logLevel    string
	publicURL   string
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("worker", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.httpAddr, "http-addr", envOr(getenv, "EXACTSYNC_HTTP_ADDR", "127.0.0.1:9090"), "address of /metrics, /healthz and /webhooks/odoo/ (EXACTSYNC_HTTP_ADDR)")
	fs.StringVar(&c.logFormat, "log-format", envOr(getenv, "EXACTSYNC_LOG_FORMAT", "json"), "json (production) or console (development) (EXACTSYNC_LOG_FORMAT)")
	fs.StringVar(&c.logLevel, "log-level", envOr(getenv, "EXACTSYNC_LOG_LEVEL", "info"), "debug, info, warn or error (EXACTSYNC_LOG_LEVEL)")
	fs.StringVar(&c.publicURL, "public-url", getenv("EXACTSYNC_PUBLIC_URL"), "URL at which Odoo reaches this worker's webhook endpoint (EXACTSYNC_PUBLIC_URL)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: worker [flags]\n\nEnvironment: DATABASE_URL, EXACTSYNC_SECRET_KEY, TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	var err error
	if c.temporal, err = temporalenv.FromEnv(getenv); err != nil {
		return c, err
	}
	c.databaseURL = getenv("DATABASE_URL")
	if c.databaseURL == "" {
		return c, errors.New("DATABASE_URL is not set (make run sets it for the local PostgreSQL)")
	}
	if c.secretKey, err = store.ParseKey(getenv("EXACTSYNC_SECRET_KEY")); err != nil {
		return c, err
	}
	return c, nil
}

// run starts the worker and blocks until ctx is done. ready, when not nil, receives the HTTP address once the
// worker polls its task queue.
func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer, ready chan<- string) error {
	cfg, err := parseConfig(args, getenv, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	logger, err := zaplog.New(stderr, cfg.logFormat, cfg.logLevel)
	if err != nil {
		return err
	}
	defer logger.Sync() //nolint:errcheck

	st, err := store.Open(ctx, cfg.databaseURL, cfg.secretKey)
	if err != nil {
		return err
	}
	defer st.Close()

	// The SDK's metric names already start with temporal_; the connector's own start with exactsync_.
	metrics := temporalenv.NewMetrics("")
	reg := prometheus.NewRegistry()
	reg.MustRegister(metrics, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	exactCalls := newExactMetrics(reg)

	// A non-retryable error makes a sync wait for a person (a data error, a refused right, a paused connection): an
	// outcome, not a fault; a ConnectorError is a bug in exactsync's own call and stays an error.
	cfg.temporal.ExpectedErrors = slices.DeleteFunc(slices.Clone(activities.NonRetryable),
		func(t string) bool { return t == activities.ErrTypeConnector })
	opts, err := cfg.temporal.Options(logger, metrics.Handler())
	if err != nil {
		return err
	}
	tc, err := client.DialContext(ctx, opts)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", cfg.temporal, err)
	}
	defer tc.Close()

	identity := workerIdentity()
	w := sdkworker.New(tc, workflows.TaskQueue, sdkworker.Options{Identity: identity})
	clients := activities.NewClients(st, logger)
	clients.ExactHTTP = &http.Client{Timeout: clients.HTTP.Timeout, Transport: exactCalls.transport(nil)}
	deps := &dependencies{store: st, temporal: tc, logger: logger, identity: identity, clients: clients}
	register(w, deps)

	ln, err := net.Listen("tcp", cfg.httpAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.httpAddr, err)
	}
	srv := &http.Server{Handler: httpHandler(deps, reg), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln) //nolint:errcheck
	defer func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		srv.Shutdown(sctx) //nolint:errcheck
	}()

	ensureWriteBackFields(ctx, deps)
	if err := w.Start(); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	logger.Info("worker polling", zap.String("task_queue", workflows.TaskQueue), zap.Stringer("temporal", cfg.temporal),
		zap.String("http", ln.Addr().String()), zap.String("identity", identity))
	if ready != nil {
		ready <- ln.Addr().String()
	}
	<-ctx.Done()
	logger.Info("shutting down")
	w.Stop()
	return nil
}

// ensureWriteBackFields checks, once per connection at start, that Odoo has the connector's x_ write-back
// fields and creates the missing ones, so the first syncs never race to create them. An Odoo that cannot be
// reached now only costs a warning: the sync checks again before it writes.
func ensureWriteBackFields(ctx context.Context, d *dependencies) {
	conns, err := d.store.Connections(ctx)
	if err != nil {
		d.logger.Warn("write-back fields: list connections", zap.Error(err))
		return
	}
	for _, conn := range conns {
		if conn.OdooURL == "" {
			continue
		}
		cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		oc, err := d.clients.Odoo(cctx, conn)
		if err == nil {
			err = activities.EnsureWriteBackFields(cctx, oc)
		}
		cancel()
		if err != nil {
			d.logger.Warn("write-back fields: not checked now; the sync checks again", zap.String("connection", conn.Name), zap.Error(err))
			continue
		}
		d.logger.Debug("write-back fields present", zap.String("connection", conn.Name))
	}
}

func workerIdentity() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%d@%s", os.Getpid(), host)
}

// dependencies are what the activities and HTTP handlers share.
type dependencies struct {
	store    *store.Store
	temporal client.Client
	logger   *zap.Logger
	identity string
	clients  *activities.Clients
}

// register puts every workflow and activity on the worker.
func register(w sdkworker.Registry, d *dependencies) {
	w.RegisterWorkflow(workflows.SelfCheck)
	w.RegisterWorkflow(workflows.SyncContact)
	w.RegisterWorkflow(workflows.DetectContacts)
	w.RegisterWorkflow(workflows.SyncInvoice)
	w.RegisterWorkflow(workflows.PullPayments)
	w.RegisterWorkflow(workflows.SyncPayment)
	w.RegisterActivity(&activities.Health{Store: d.store, Identity: d.identity})
	w.RegisterActivity(&activities.Connections{Store: d.store, Temporal: d.temporal})
	contacts := &activities.Contacts{Store: d.store, Clients: d.clients, Starter: d.starter()}
	w.RegisterActivity(contacts)
	w.RegisterActivity(&activities.Invoices{Contacts: contacts, Starter: d.invoiceStarter(), Partners: workflows.ContactSyncs{Client: d.temporal}})
	w.RegisterActivity(&activities.Payments{Contacts: contacts, Store: d.store, Starter: paymentStarterFunc(func(ctx context.Context, conn store.Connection, moveID int64) error {
		return workflows.StartPaymentSync(ctx, d.temporal, conn, moveID)
	})})
}

type paymentStarterFunc func(ctx context.Context, conn store.Connection, moveID int64) error

func (f paymentStarterFunc) StartPaymentSync(ctx context.Context, conn store.Connection, moveID int64) error {
	return f(ctx, conn, moveID)
}

// invoiceStarter starts invoice syncs through this worker's Temporal client.
func (d *dependencies) invoiceStarter() activities.InvoiceStarter {
	return invoiceStarterFunc(func(ctx context.Context, conn store.Connection, moveID int64) error {
		return workflows.StartInvoiceSync(ctx, d.temporal, conn, moveID)
	})
}

type invoiceStarterFunc func(ctx context.Context, conn store.Connection, moveID int64) error

func (f invoiceStarterFunc) StartInvoiceSync(ctx context.Context, conn store.Connection, moveID int64) error {
	return f(ctx, conn, moveID)
}

// starter starts contact syncs through this worker's Temporal client.
func (d *dependencies) starter() activities.SyncStarter {
	return activities.SyncStarterFunc(func(ctx context.Context, conn store.Connection, partnerID int64) error {
		return workflows.StartContactSync(ctx, d.temporal, conn, partnerID)
	})
}

func httpHandler(d *dependencies, reg *prometheus.Registry) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.Handle("POST /webhooks/odoo/{secret}", webhookHandler(d))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		if err := d.store.Ping(ctx); err != nil {
			http.Error(w, "postgres: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		if _, err := d.temporal.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
			http.Error(w, "temporal: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	return mux
}
