package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"

	"github.com/exactsync/exactsync/activities"
	"github.com/exactsync/exactsync/clients/odoo"
	"github.com/exactsync/exactsync/store"
	"github.com/exactsync/exactsync/workflows"
)

func scheduleCmd(ctx context.Context, e *env, args []string) error {
	fs, name := e.flags("schedule")
	every := fs.Duration("every", time.Minute, "how often to poll Odoo for changed partners and invoices")
	paymentsEvery := fs.Duration("payments-every", workflows.DefaultPullEvery, "how often to pull the payments matched in Exact into Odoo")
	conn, err := e.parseConnection(ctx, fs, name, args)
	if err != nil {
		return err
	}
	if conn.OdooURL == "" || conn.ExactDivision == 0 {
		return fmt.Errorf("connection %q is incomplete: connect both Odoo and Exact first", conn.Name)
	}
	if err := workflows.EnsureDetectSchedule(ctx, e.temporal, conn, *every); err != nil {
		return err
	}
	e.printf("Schedule %s polls Odoo every %s\n", workflows.DetectScheduleID(conn.Name), *every)
	if err := workflows.EnsurePaymentSchedule(ctx, e.temporal, conn, *paymentsEvery); err != nil {
		return err
	}
	e.printf("Schedule %s pulls the payments matched in Exact every %s\n", workflows.PullScheduleID(conn.Name), *paymentsEvery)
	return nil
}

// syncContacts runs the detector now and waits for it; --from-start sweeps every customer and supplier from the
// beginning (the initial sync; unchanged ones cost no Exact call) without touching the schedule's cursors.
func syncContacts(ctx context.Context, e *env, args []string) error {
	fs, name := e.flags("sync contacts")
	fromStart := fs.Bool("from-start", false, "sync every customer and supplier (the schedule's cursors stay as they are)")
	conn, err := e.parseConnection(ctx, fs, name, args)
	if err != nil {
		return err
	}
	id := workflows.DetectWorkflowID(conn.Name) + "/manual"
	if *fromStart {
		id = workflows.DetectWorkflowID(conn.Name) + "/from-start"
	}
	run, err := e.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: id, TaskQueue: workflows.TaskQueue,
		WorkflowIDConflictPolicy: enums.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
	}, workflows.DetectContacts, workflows.DetectInput{Connection: conn.Name, ConnectionID: conn.ID, FromStart: *fromStart})
	if err != nil {
		return err
	}
	var res workflows.DetectResult
	if err := run.Get(ctx, &res); err != nil {
		return err
	}
	if res.Paused {
		return fmt.Errorf("connection %q is paused: %s", conn.Name, conn.PausedReason)
	}
	e.printf("Queued %d contact syncs (%d pages read from Odoo)\n", res.Started, res.Pages)
	return nil
}

// installWebhooks creates or updates the Odoo automation rule that notifies the worker of partner changes.
// --rotate-secret first gives the connection a new webhook secret: Odoo writes every webhook URL, secret included,
// to its INFO log, so whoever reads that log can post notifications. The old URL is refused from then on.
func installWebhooks(ctx context.Context, e *env, args []string) error {
	fs, name := e.flags("odoo install-webhooks")
	public := fs.String("public-url", e.getenv("EXACTSYNC_PUBLIC_URL"), "URL at which Odoo reaches the worker (EXACTSYNC_PUBLIC_URL)")
	install := fs.Bool("install-module", false, "install Odoo's base_automation module when missing (administrator rights)")
	rotate := fs.Bool("rotate-secret", false, "give the connection a new webhook secret and point the Odoo rule at it; the old URL is refused at once")
	if err := e.parseFlags(fs, args); err != nil {
		return err
	}
	if *public == "" {
		return usageErrorf("odoo install-webhooks: --public-url is required: the worker's address as Odoo sees it")
	}
	conn, err := e.connection(ctx, *name)
	if err != nil {
		return err
	}
	oc, err := odoo.Dial(ctx, odoo.Config{URL: conn.OdooURL, Database: conn.OdooDatabase, Login: conn.OdooLogin,
		APIKey: conn.OdooAPIKey, CompanyID: conn.OdooCompanyID, Transport: conn.OdooTransport})
	if err != nil {
		return err
	}
	if oc.ServerVersion().Major < 17 {
		return fmt.Errorf("Odoo %s has no webhook automation (17+); polling keeps the sync going", oc.ServerVersion())
	}
	ok, err := oc.ModuleInstalled(ctx, "base_automation")
	if err != nil {
		return err
	}
	if !ok {
		if !*install {
			return errors.New("Odoo's base_automation module is not installed; run again with --install-module (or install Automation Rules in Odoo); polling keeps the sync going meanwhile")
		}
		if err := oc.InstallModule(ctx, "base_automation"); err != nil {
			return err
		}
	}
	secret, rotated := conn.WebhookSecret, false
	if *rotate || secret == "" {
		secret, rotated = randomHex(24), true
		if err := e.store.ReplaceWebhookSecret(ctx, conn.ID, secret); err != nil {
			return err
		}
	}
	id, err := oc.EnsureWebhookRule(ctx, activities.PartnerWebhookRule(conn.Name, *public, secret))
	var invoiceRule int64
	if err == nil {
		invoiceRule, err = oc.EnsureWebhookRule(ctx, activities.InvoiceWebhookRule(conn.Name, *public, secret))
	}
	if err != nil && rotated {
		return fmt.Errorf("the new webhook secret is stored and the old URL is refused from now on, but Odoo's rule could not be updated (%w). "+
			"Fix: run `starter odoo install-webhooks` again, without --rotate-secret, once Odoo answers; polling keeps the sync going meanwhile | "+
			"NL: het nieuwe webhookgeheim is opgeslagen en de oude URL wordt vanaf nu geweigerd, maar de regel in Odoo kon niet worden bijgewerkt. "+
			"Oplossing: voer `starter odoo install-webhooks` opnieuw uit, zonder --rotate-secret, zodra Odoo antwoordt; polling houdt de synchronisatie intussen gaande", err)
	}
	if err != nil {
		return err
	}
	base := strings.TrimRight(*public, "/")
	if rotated {
		e.printf("Webhook secret replaced: Odoo automation rules %d (partners) and %d (invoices) notify %s/webhooks/odoo/… with the new secret; the old URL is refused from now on\n", id, invoiceRule, base)
		return nil
	}
	e.printf("Odoo automation rule %d notifies %s/webhooks/odoo/… of partner changes, rule %d of posted and cancelled invoices\n", id, base, invoiceRule)
	return nil
}

// historyStates are the sync states of closed runs that status counts.
var historyStates = []string{workflows.StateSynced, workflows.StateSkipped, workflows.StateFailed, workflows.StatePaused}

// connectionStatus is one connection in `starter status` (and its --json document).
type connectionStatus struct {
	Name           string `json:"name"`
	OdooURL        string `json:"odoo_url"`
	OdooDatabase   string `json:"odoo_database"`
	OdooCompanyID  int64  `json:"odoo_company_id"`
	ExactBaseURL   string `json:"exact_base_url,omitempty"`
	ExactSite      string `json:"exact_site,omitempty"`
	ExactDivision  int    `json:"exact_division"`
	Paused         bool   `json:"paused"`
	PausedReason   string `json:"paused_reason,omitempty"`
	LinkedPartners int64  `json:"linked_partners"`
	// InvoicesFrom is the first invoice date sent ("" : the connection sends no invoices); LinkedInvoices the
	// invoices, bills and credit notes in Exact.
	InvoicesFrom   string `json:"invoices_from,omitempty"`
	LinkedInvoices int64  `json:"linked_invoices"`
	// LastPaymentPull is when the payment pull's schedule last started a pull ("" : never).
	LastPaymentPull string `json:"last_payment_pull,omitempty"`
	// Now is what the queue holds at this moment: runs in progress, runs waiting for a fix (a data error; a
	// passing error is retried inside the run, which stays "running"), runs paused with the connection, and
	// records whose latest run ended failed (cancelled, or from before runs waited for a fix).
	Now struct {
		Running int64 `json:"running"`
		Waiting int   `json:"waiting"`
		Paused  int   `json:"paused"`
		Failed  int   `json:"failed"`
	} `json:"now"`
	WaitingForFix []stoppedSync `json:"waiting_for_fix"`
	// History counts the closed runs Temporal keeps (its retention), by the state they ended in.
	History map[string]int64 `json:"history"`
}

// statusReport is the --json document of `starter status`.
type statusReport struct {
	Connections []connectionStatus `json:"connections"`
}

func statusCmd(ctx context.Context, e *env, args []string) error {
	fs, name := e.flags("status")
	asJSON := fs.Bool("json", false, "print one JSON document (for scripts and monitoring)")
	if err := e.parse(ctx, fs, args); err != nil {
		return err
	}
	var conns []store.Connection
	if *name != "" {
		c, err := e.connection(ctx, *name)
		if err != nil {
			return err
		}
		conns = append(conns, c)
	} else {
		var err error
		if conns, err = e.store.Connections(ctx); err != nil {
			return err
		}
	}
	report := statusReport{Connections: []connectionStatus{}}
	for _, c := range conns {
		st, err := connectionState(ctx, e, c)
		if err != nil {
			return err
		}
		report.Connections = append(report.Connections, st)
	}
	if *asJSON {
		return e.printJSON(report)
	}
	if len(conns) == 0 {
		e.printf("No connections yet: starter connect odoo …, starter connect exact …\n")
		return nil
	}
	for i, st := range report.Connections {
		state := "active"
		if st.Paused {
			state = "PAUSED: " + st.PausedReason
		}
		e.printf("%s (%s)\n", conns[i], state)
		e.printf("  linked partners: %d\n", st.LinkedPartners)
		if st.InvoicesFrom != "" {
			e.printf("  invoices from %s: %d in Exact\n", st.InvoicesFrom, st.LinkedInvoices)
			if st.LastPaymentPull != "" {
				e.printf("  payments from Exact: last pull %s\n", st.LastPaymentPull)
			} else {
				e.printf("  payments from Exact: not pulled yet (starter schedule starts the pull)\n")
			}
		} else {
			e.printf("  invoices: not sent (starter invoices --from YYYY-MM-DD)\n")
		}
		e.printf("  now: %d syncing (a passing error is retried within its run)\n", st.Now.Running)
		e.printf("  waiting for a fix: %d (waiting: %d, paused with the connection: %d, ended failed: %d)\n",
			len(st.WaitingForFix), st.Now.Waiting, st.Now.Paused, st.Now.Failed)
		for _, f := range st.WaitingForFix {
			e.printf("    %s  %s  %s  %s\n", f.WorkflowID, f.State, f.Class, clipLine(f.Reason, 160))
		}
		if len(st.WaitingForFix) > 0 {
			e.printf("    fix the cause (the reason says how), then: starter retry --name %s (or the Web UI: Send signal %q)\n",
				st.Name, workflows.SignalRetry)
		}
		var hist []string
		for _, s := range historyStates {
			hist = append(hist, fmt.Sprintf("%d %s", st.History[s], s))
		}
		e.printf("  history (every closed run Temporal keeps): %s\n", strings.Join(hist, ", "))
	}
	e.printf("Queue: the Temporal Web UI, e.g. query  SyncState = '%s'\n", workflows.StateWaiting)
	return nil
}

// clipLine shortens a reason for one line of status.
func clipLine(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// connectionState reads a connection's links and queue from the store and Temporal's visibility.
func connectionState(ctx context.Context, e *env, c store.Connection) (connectionStatus, error) {
	st := connectionStatus{Name: c.Name, OdooURL: c.OdooURL, OdooDatabase: c.OdooDatabase, OdooCompanyID: c.OdooCompanyID,
		ExactBaseURL: c.ExactBaseURL, ExactSite: c.ExactSite, ExactDivision: c.ExactDivision, Paused: c.Paused,
		PausedReason: c.PausedReason, WaitingForFix: []stoppedSync{}, History: map[string]int64{}}
	links, err := e.store.CountLinks(ctx, c.ID, activities.ModelPartner)
	if err != nil {
		return st, err
	}
	st.LinkedPartners = int64(links)
	if !c.InvoicesFrom.IsZero() {
		st.InvoicesFrom = c.InvoicesFrom.Format(time.DateOnly)
	}
	invoices, err := e.store.CountLinksRole(ctx, c.ID, activities.ModelMove, activities.RoleEntry)
	if err != nil {
		return st, err
	}
	st.LinkedInvoices = int64(invoices)
	if desc, err := e.temporal.ScheduleClient().GetHandle(ctx, workflows.PullScheduleID(c.Name)).Describe(ctx); err == nil {
		if recent := desc.Info.RecentActions; len(recent) > 0 {
			st.LastPaymentPull = recent[len(recent)-1].ActualTime.UTC().Format(time.RFC3339)
		}
	} else if nf := (*serviceerror.NotFound)(nil); !errors.As(err, &nf) {
		return st, err
	}
	count := func(what, cond string) (int64, error) {
		q := fmt.Sprintf("%s = '%s' AND %s", workflows.AttrConnection.GetName(), c.Name, cond)
		n, err := e.temporal.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Query: q})
		if err != nil {
			return 0, fmt.Errorf("count %s syncs: %w", what, err)
		}
		return n.GetCount(), nil
	}
	syncState := workflows.AttrSyncState.GetName()
	if st.Now.Running, err = count("running", fmt.Sprintf("%s = '%s' AND ExecutionStatus = 'Running'", syncState, workflows.StateRunning)); err != nil {
		return st, err
	}
	for _, s := range historyStates {
		if st.History[s], err = count(s, fmt.Sprintf("%s = '%s' AND ExecutionStatus != 'Running'", syncState, s)); err != nil {
			return st, err
		}
	}
	stopped, err := stoppedSyncs(ctx, e, c.Name)
	if err != nil {
		return st, err
	}
	for _, f := range stopped {
		switch {
		case !f.Open:
			st.Now.Failed++
		case f.State == workflows.StatePaused:
			st.Now.Paused++
		default:
			st.Now.Waiting++
		}
	}
	st.WaitingForFix = append(st.WaitingForFix, stopped...)
	return st, nil
}

// stoppedSync is a record's sync that waits for a fix: its run waits (Open), or its latest run ended failed.
type stoppedSync struct {
	WorkflowID string `json:"workflow_id"`
	OdooModel  string `json:"odoo_model"`
	OdooID     int64  `json:"odoo_id"`
	State      string `json:"state"`
	Class      string `json:"error_class"`
	Reason     string `json:"reason,omitempty"`
	// Open: the run waits for a retry signal; not open: the run ended failed, and a retry starts a new one.
	Open bool `json:"open"`
}

// syncModels are the OdooModel values of the record syncs, in the order retry takes them: partners first, so an
// invoice retried after its partner finds it in Exact.
var syncModels = []string{activities.ModelPartner, activities.ModelMove, modelPayment}

// stoppedSyncs lists the record syncs of a connection that wait for a fix: the runs waiting or paused, then the
// records whose latest run ended failed (cancelled, or from before runs waited). Visibility keeps every run, so a
// failed run followed by a later one (successful, waiting or still running) is not listed.
func stoppedSyncs(ctx context.Context, e *env, connName string) ([]stoppedSync, error) {
	var out []stoppedSync
	for _, model := range syncModels {
		open, err := listSyncs(ctx, e, fmt.Sprintf("%s = '%s' AND %s = '%s' AND %s IN ('%s', '%s') AND ExecutionStatus = 'Running'",
			workflows.AttrConnection.GetName(), connName, workflows.AttrOdooModel.GetName(), model, workflows.AttrSyncState.GetName(),
			workflows.StateWaiting, workflows.StatePaused), true)
		if err != nil {
			return nil, err
		}
		closed, err := listSyncs(ctx, e, fmt.Sprintf("%s = '%s' AND %s = '%s' AND %s IN ('%s', '%s') AND ExecutionStatus != 'Running'",
			workflows.AttrConnection.GetName(), connName, workflows.AttrOdooModel.GetName(), model, workflows.AttrSyncState.GetName(),
			workflows.StateFailed, workflows.StatePaused), false)
		if err != nil {
			return nil, err
		}
		for _, l := range [][]stoppedSync{open, closed} {
			slices.SortFunc(l, func(a, b stoppedSync) int { return cmp.Compare(a.OdooID, b.OdooID) })
			out = append(out, l...)
		}
	}
	return out, nil
}

// listSyncs lists the syncs a visibility query finds; only the latest run of each record counts (Describe, which
// is current where visibility lags), and it must still be in the state the query asked for: open and waiting, or
// ended.
func listSyncs(ctx context.Context, e *env, q string, open bool) ([]stoppedSync, error) {
	var out []stoppedSync
	seen := map[string]bool{}
	var token []byte
	dc := converter.GetDefaultDataConverter()
	for {
		resp, err := e.temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: q, NextPageToken: token})
		if err != nil {
			return nil, err
		}
		for _, ex := range resp.GetExecutions() {
			id := ex.GetExecution().GetWorkflowId()
			if seen[id] {
				continue
			}
			seen[id] = true
			now, err := workflows.DescribeSync(ctx, e.temporal, id)
			if err != nil {
				return nil, err
			}
			if now.RunID != ex.GetExecution().GetRunId() || now.Closed == open {
				continue // a later run exists (retried already, or a later change synced it), or the run moved on
			}
			f := stoppedSync{WorkflowID: id, State: now.State, Class: now.Class, Reason: now.Reason, Open: open}
			if open && now.State != workflows.StateWaiting && now.State != workflows.StatePaused {
				continue // retried since the visibility record was written
			}
			fields := ex.GetSearchAttributes().GetIndexedFields()
			if err := dc.FromPayload(fields[workflows.AttrOdooID.GetName()], &f.OdooID); err != nil || f.OdooID == 0 {
				return nil, fmt.Errorf("%s has no OdooID search attribute", id)
			}
			_ = dc.FromPayload(fields[workflows.AttrOdooModel.GetName()], &f.OdooModel)
			if !open {
				_ = dc.FromPayload(fields[workflows.AttrSyncState.GetName()], &f.State)
				_ = dc.FromPayload(fields[workflows.AttrErrorClass.GetName()], &f.Class)
				f.Reason = closedReason(ctx, e, id, f.State)
			}
			out = append(out, f)
		}
		token = resp.GetNextPageToken()
		if len(token) == 0 {
			return out, nil
		}
	}
}

// closedReason is the failure message of a run that ended failed.
func closedReason(ctx context.Context, e *env, id, state string) string {
	err := e.temporal.GetWorkflow(ctx, id, "").Get(ctx, nil)
	var app *temporal.ApplicationError
	switch {
	case errors.As(err, &app):
		return app.Message()
	case err != nil:
		return err.Error()
	}
	return state
}

// retryCmd retries the record syncs of a connection that wait for a fix: a run waiting gets the retry signal (the
// same run syncs again), a record whose latest run ended failed gets a new run.
func retryCmd(ctx context.Context, e *env, args []string) error {
	fs, name := e.flags("retry")
	force := fs.Bool("force", false, "send even partner data Exact refused before, unchanged (it counts against Exact's 10 refusals an hour)")
	conn, err := e.parseConnection(ctx, fs, name, args)
	if err != nil {
		return err
	}
	if conn.Paused {
		return fmt.Errorf("connection %q is paused (%s): fix it, then starter resume --name %s", conn.Name, conn.PausedReason, conn.Name)
	}
	stopped, err := stoppedSyncs(ctx, e, conn.Name)
	if err != nil {
		return err
	}
	counts := map[string]int{}
	for _, f := range stopped {
		if err := retrySync(ctx, e, conn, f, *force); err != nil {
			return err
		}
		counts[f.OdooModel]++
		if f.OdooModel != activities.ModelPartner {
			e.printf("retrying %s (%s)\n", f.WorkflowID, f.Class)
			continue
		}
		r, err := e.store.Refusal(ctx, conn.ID, activities.ModelPartner, f.OdooID)
		switch {
		case err == nil && !*force:
			e.printf("retrying %s (%s): Exact refused its data on %s (%s); it is sent again only if it changed (--force sends it anyway)\n",
				f.WorkflowID, f.Class, r.RefusedAt.UTC().Format("2006-01-02 15:04 MST"), r.Message)
		case err != nil && !errors.Is(err, store.ErrNotFound):
			return err
		default:
			e.printf("retrying %s (%s)\n", f.WorkflowID, f.Class)
		}
	}
	e.printf("retried: %d partner, %d invoice and %d payment syncs\n", counts[activities.ModelPartner], counts[activities.ModelMove], counts[modelPayment])
	return nil
}

// retrySync retries one stopped sync: the retry signal to a waiting run, a new run for one that ended failed.
func retrySync(ctx context.Context, e *env, conn store.Connection, f stoppedSync, force bool) error {
	if f.Open {
		signal := workflows.SignalRetry
		if force && f.OdooModel == activities.ModelPartner {
			signal = workflows.SignalRetryForce
		}
		err := e.temporal.SignalWorkflow(ctx, f.WorkflowID, "", signal, nil)
		var nf *serviceerror.NotFound
		if errors.As(err, &nf) {
			return nil // it ended since it was listed: nothing waits any more
		}
		return err
	}
	switch f.OdooModel {
	case activities.ModelPartner:
		if force {
			return workflows.ForceContactSync(ctx, e.temporal, conn, f.OdooID)
		}
		return workflows.StartContactSync(ctx, e.temporal, conn, f.OdooID)
	case activities.ModelMove:
		return workflows.StartInvoiceSync(ctx, e.temporal, conn, f.OdooID)
	case modelPayment:
		return workflows.StartPaymentSync(ctx, e.temporal, conn, f.OdooID)
	}
	return fmt.Errorf("%s: unknown OdooModel %q", f.WorkflowID, f.OdooModel)
}

func resumeCmd(ctx context.Context, e *env, args []string) error {
	fs, name := e.flags("resume")
	conn, err := e.parseConnection(ctx, fs, name, args)
	if err != nil {
		return err
	}
	if !conn.Paused {
		e.printf("Connection %q is not paused: nothing to resume, nothing changed\n", conn.Name)
		return nil
	}
	if err := e.store.SetPaused(ctx, conn.ID, false, ""); err != nil {
		return err
	}
	for _, id := range []string{workflows.DetectScheduleID(conn.Name), workflows.PullScheduleID(conn.Name)} {
		err = e.temporal.ScheduleClient().GetHandle(ctx, id).Unpause(ctx, client.ScheduleUnpauseOptions{Note: "starter resume"})
		var nf *serviceerror.NotFound
		if err != nil && !errors.As(err, &nf) {
			return err
		}
	}
	stopped, err := stoppedSyncs(ctx, e, conn.Name)
	if err != nil {
		return err
	}
	resumed := 0
	for _, f := range stopped {
		if f.State != workflows.StatePaused {
			continue
		}
		if err := retrySync(ctx, e, conn, f, false); err != nil {
			return err
		}
		resumed++
	}
	e.printf("Connection %q resumed: %d syncs paused with it go on; `starter retry --name %s` retries the ones waiting for a fix\n",
		conn.Name, resumed, conn.Name)
	return nil
}

func doctorCmd(ctx context.Context, e *env, args []string) error {
	fs, _ := e.flags("doctor")
	if err := e.parse(ctx, fs, args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	nonce := randomHex(8)
	run, err := e.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.SelfCheckWorkflowID(nonce), TaskQueue: workflows.TaskQueue},
		workflows.SelfCheck, activities.SelfCheckInput{Nonce: nonce})
	if err != nil {
		return fmt.Errorf("temporal: %w", err)
	}
	var res activities.SelfCheckResult
	if err := run.Get(ctx, &res); err != nil {
		return fmt.Errorf("self-check did not complete (is a worker running?): %w", err)
	}
	e.printf("ok: worker %s wrote to PostgreSQL (schema version %d) at %s\n", res.Worker, res.SchemaVersion, res.CheckedAt.Format(time.RFC3339))
	return nil
}

func searchAttributesCmd(ctx context.Context, e *env, args []string) error {
	fs, _ := e.flags("search-attributes")
	ns := fs.String("namespace", envOr(e.getenv, "TEMPORAL_NAMESPACE", "default"), "namespace (TEMPORAL_NAMESPACE)")
	if err := e.parse(ctx, fs, args); err != nil {
		return err
	}
	// One at a time: a namespace that has the older ones gets the ones added since.
	for _, k := range workflows.SearchAttributes() {
		_, err := e.temporal.OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{
			Namespace: *ns, SearchAttributes: map[string]enums.IndexedValueType{k.GetName(): k.GetValueType()}})
		var exists *serviceerror.AlreadyExists
		if err != nil && !errors.As(err, &exists) {
			return fmt.Errorf("add search attribute %s (on Temporal Cloud add them with tcld): %w", k.GetName(), err)
		}
	}
	e.printf("search attributes registered in %s\n", *ns)
	return nil
}

func forgetCmd(ctx context.Context, e *env, args []string) error {
	fs, name := e.flags("forget")
	conn, err := e.parseConnection(ctx, fs, name, args)
	if err != nil {
		return err
	}
	if err := e.store.Forget(ctx, conn.ID); err != nil {
		return err
	}
	e.printf("Connection %q forgot its links and cursors; the next sync matches every partner again\n", conn.Name)
	return nil
}

// connectedReport is the --json document of `starter connected`.
type connectedReport struct {
	Connection    string `json:"connection"`
	Complete      bool   `json:"complete"`
	Odoo          bool   `json:"odoo"`
	ExactDivision int    `json:"exact_division"`
	ExactToken    bool   `json:"exact_token"`
	Paused        bool   `json:"paused"`
	PausedReason  string `json:"paused_reason,omitempty"`
}

// connectedCmd exits 0 when the connection is complete (Odoo, an Exact division and a token), 1 when not; --json
// prints what it found either way.
func connectedCmd(ctx context.Context, e *env, args []string) error {
	fs, name := e.flags("connected")
	asJSON := fs.Bool("json", false, "print one JSON document (for scripts and monitoring); the exit code stays")
	conn, err := e.parseConnection(ctx, fs, name, args)
	if err != nil {
		return err
	}
	token, err := e.store.LoadToken(ctx, conn.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	r := connectedReport{Connection: conn.Name, Odoo: conn.OdooURL != "", ExactDivision: conn.ExactDivision,
		ExactToken: token != nil, Paused: conn.Paused, PausedReason: conn.PausedReason}
	r.Complete = r.Odoo && r.ExactDivision != 0 && r.ExactToken
	if *asJSON {
		if err := e.printJSON(r); err != nil {
			return err
		}
	}
	switch {
	case !r.Odoo || r.ExactDivision == 0:
		return fmt.Errorf("connection %q is incomplete", conn.Name)
	case !r.ExactToken:
		return fmt.Errorf("connection %q has no Exact token", conn.Name)
	}
	if !*asJSON {
		e.printf("connection %q is complete\n", conn.Name)
	}
	return nil
}

// linkCmd links an Odoo partner to an existing Exact relation on purpose (the fix a code-only match names), then
// syncs the partner, so its data goes to that relation.
func linkCmd(ctx context.Context, e *env, args []string) error {
	fs, name := e.flags("link")
	partner := fs.Int64("partner", 0, "the Odoo partner (res.partner id)")
	code := fs.String("exact-code", "", "the code of the existing Exact relation (account)")
	noSync := fs.Bool("no-sync", false, "only link; the partner is sent at its next change or retry")
	if err := e.parseFlags(fs, args); err != nil {
		return err
	}
	if *partner <= 0 || strings.TrimSpace(*code) == "" {
		return usageErrorf("link: --partner and --exact-code are required")
	}
	conn, err := e.connection(ctx, *name)
	if err != nil {
		return err
	}
	cl := activities.NewClients(e.store, e.logger)
	ec, err := cl.Exact(ctx, conn)
	if err != nil {
		return err
	}
	linked, err := activities.LinkPartner(ctx, e.store, ec, conn, *partner, *code)
	if err != nil {
		return err
	}
	if linked.Replaced != "" && linked.Replaced != linked.ExactCode {
		e.printf("Odoo partner %d was linked to Exact account %s; ", *partner, linked.Replaced)
	}
	e.printf("Odoo partner %d is linked to Exact account %s %q\n", *partner, linked.ExactCode, linked.ExactName)
	if *noSync {
		e.printf("Not synced now (--no-sync): its next change or `starter retry --name %s` sends it\n", conn.Name)
		return nil
	}
	if err := workflows.ForceContactSync(ctx, e.temporal, conn, *partner); err != nil {
		return err
	}
	e.printf("Started its sync (%s): the partner's data now goes to that relation\n", workflows.ContactWorkflowID(conn.Name, *partner))
	return nil
}

// modelPayment is the OdooModel search attribute of payment syncs (their OdooID is the invoice's).
const modelPayment = "account.payment"

// invoicesCmd turns the connection's invoice sync on from a date (or off): posted invoices, bills and credit notes
// in the mapped journals, dated on or after it, go to Exact; the next detection sends the ones already posted.
func invoicesCmd(ctx context.Context, e *env, args []string) error {
	fs, name := e.flags("invoices")
	from := fs.String("from", "", "first invoice date to send, YYYY-MM-DD (earlier invoices stay out of Exact)")
	off := fs.Bool("off", false, "stop sending invoices (what was sent stays in Exact)")
	if err := e.parseFlags(fs, args); err != nil {
		return err
	}
	var at time.Time
	if !*off {
		var err error
		if at, err = time.Parse(time.DateOnly, *from); err != nil {
			return usageErrorf("invoices: --from YYYY-MM-DD is required (or --off): %v", err)
		}
	}
	conn, err := e.connection(ctx, *name)
	if err != nil {
		return err
	}
	if err := e.store.SetInvoicesFrom(ctx, conn.ID, at); err != nil {
		return err
	}
	if *off {
		e.printf("Connection %q sends no invoices any more; what was sent stays in Exact\n", conn.Name)
		return nil
	}
	journals, err := e.store.Mappings(ctx, conn.ID, store.MapJournal)
	if err != nil {
		return err
	}
	e.printf("Connection %q sends posted invoices, bills and credit notes dated from %s, in %d mapped journals, at its next detection\n",
		conn.Name, at.Format(time.DateOnly), len(journals))
	if len(journals) == 0 {
		e.printf("No journal is mapped yet: `starter mappings suggest --apply` or `starter mappings set --kind journal …` first\n")
	}
	return nil
}
