package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/exactsync/exactsync/activities"
	"github.com/exactsync/exactsync/clients/exact"
	"github.com/exactsync/exactsync/clients/odoo"
	"github.com/exactsync/exactsync/store"
	"github.com/exactsync/exactsync/workflows"
)

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// connectOdoo checks the login, the server version (which picks the transport) and the rights the sync needs,
// then stores the Odoo side of the connection with the API key encrypted.
func connectOdoo(ctx context.Context, e *env, args []string) error {
	fs, name := e.flags("connect odoo")
	u := fs.String("url", e.getenv("ODOO_URL"), "Odoo base URL, e.g. https://mycompany.odoo.com (ODOO_URL)")
	db := fs.String("db", e.getenv("ODOO_DB"), "database (ODOO_DB)")
	user := fs.String("user", e.getenv("ODOO_USER"), "login, usually an e-mail address (ODOO_USER)")
	key := fs.String("api-key", e.getenv("ODOO_API_KEY"), "API key: Preferences → Account Security → New API Key (ODOO_API_KEY)")
	company := fs.String("company", e.getenv("ODOO_COMPANY_ID"), "Odoo company id to sync (ODOO_COMPANY_ID); default: the user's main company")
	transport := fs.String("transport", "auto", "auto (JSON-2 on Odoo 19+, XML-RPC before), xmlrpc or json2")
	archived := fs.String("archived", "", "when a synced partner is archived in Odoo: block its Exact account, or ignore it (default: block, or what the connection has)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	resolved, err := e.connectionName(ctx, *name)
	if err != nil {
		return err
	}
	*name = resolved
	var missing []string
	for flagName, v := range map[string]string{"--url": *u, "--db": *db, "--user": *user, "--api-key": *key} {
		if v == "" {
			missing = append(missing, flagName)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("connect odoo: missing %s", strings.Join(missing, ", "))
	}
	var companyID int64
	if *company != "" {
		if companyID, err = strconv.ParseInt(*company, 10, 64); err != nil || companyID <= 0 {
			return fmt.Errorf("connect odoo: --company (or ODOO_COMPANY_ID) is an Odoo company id such as 1, not %q", *company)
		}
	}
	if *archived != "" && !store.ValidArchiveAction(*archived) {
		return fmt.Errorf("connect odoo: --archived is %s or %s, not %q", store.ArchiveBlock, store.ArchiveIgnore, *archived)
	}
	cfg := odoo.Config{URL: strings.TrimRight(*u, "/"), Database: *db, Login: *user, APIKey: *key, Transport: *transport}
	oc, err := odoo.Dial(ctx, cfg)
	if err != nil {
		return fmt.Errorf("connect odoo: %w", err)
	}
	companies, err := oc.Companies(ctx)
	if err != nil {
		return fmt.Errorf("connect odoo: read companies: %w", err)
	}
	if len(companies) == 0 {
		return errors.New("connect odoo: the user sees no company")
	}
	chosen := companies[0]
	if companyID != 0 {
		found := false
		for _, c := range companies {
			if c.ID == companyID {
				chosen, found = c, true
			}
		}
		if !found {
			return fmt.Errorf("connect odoo: company %d is not among the user's companies (%s)", companyID, companyList(companies))
		}
	}
	cfg.CompanyID = chosen.ID
	oc, err = odoo.Dial(ctx, cfg)
	if err != nil {
		return fmt.Errorf("connect odoo: %w", err)
	}
	// The rights the sync needs: read partners and invoices, create the x_ write-back fields.
	for _, model := range []string{"res.partner", "account.move", "ir.model.fields"} {
		if _, err := oc.Search(ctx, model, odoo.Domain{}, odoo.SearchReadOptions{Limit: 1}); err != nil {
			return fmt.Errorf("connect odoo: the user cannot read %s: %w", model, err)
		}
	}
	if err := activities.EnsureWriteBackFields(ctx, oc); err != nil {
		return fmt.Errorf("connect odoo: %w (the user needs Settings rights to add the connector's fields)", err)
	}
	c := store.Connection{Name: *name, OdooURL: cfg.URL, OdooDatabase: *db, OdooLogin: *user, OdooAPIKey: *key,
		OdooCompanyID: chosen.ID, OdooTransport: *transport, OdooVersion: oc.ServerVersion().String(), WebhookSecret: randomHex(24),
		ArchiveAction: *archived}
	if _, err := e.store.SaveOdoo(ctx, c); err != nil {
		return err
	}
	e.printf("Odoo %s connected: database %s, company %d %q, transport %s (connection %q)\n",
		oc.ServerVersion(), *db, chosen.ID, chosen.Name, oc.TransportName(), *name)
	return nil
}

func companyList(cs []odoo.Company) string {
	var parts []string
	for _, c := range cs {
		parts = append(parts, fmt.Sprintf("%d %s", c.ID, c.Name))
	}
	return strings.Join(parts, ", ")
}

// connectExact runs the OAuth authorization-code flow with a local callback listener, stores the tokens, lists the
// divisions the user granted and stores the chosen one. When Odoo is connected too, it starts the schedule.
func connectExact(ctx context.Context, e *env, args []string) error {
	fs, name := e.flags("connect exact")
	site := fs.String("site", envOr(e.getenv, "EXACT_SITE", "nl"), "Exact Online site: nl, be, de, uk, fr, es or com (EXACT_SITE)")
	baseURL := fs.String("base-url", e.getenv("EXACT_BASE_URL"), "override the site's base URL (the simulator) (EXACT_BASE_URL)")
	clientID := fs.String("client-id", e.getenv("EXACT_CLIENT_ID"), "the app's client ID from the Exact App Center (EXACT_CLIENT_ID)")
	secret := fs.String("client-secret", e.getenv("EXACT_CLIENT_SECRET"), "the app's client secret (EXACT_CLIENT_SECRET)")
	redirect := fs.String("redirect-url", envOr(e.getenv, "EXACT_REDIRECT_URL", "http://127.0.0.1:8765/exact/callback"), "redirect URI registered for the app; must be this machine (EXACT_REDIRECT_URL)")
	noBrowser := fs.Bool("no-browser", false, "print the consent URL instead of opening a browser")
	division := fs.Int("division", 0, "Exact division (administration) to sync; asked when the user granted several")
	every := fs.Duration("every", time.Minute, "change-detection interval of the schedule")
	auto := fs.Bool("consent-over-http", false, "fetch the consent URL without a browser (the simulator with auto-consent)")
	timeout := fs.Duration("timeout", 5*time.Minute, "how long to wait for consent")
	noSchedule := fs.Bool("no-schedule", false, "do not start the change-detection schedule yet (map payment terms first)")
	if err := e.parse(ctx, fs, args); err != nil {
		return err
	}
	resolved, err := e.connectionName(ctx, *name)
	if err != nil {
		return err
	}
	*name = resolved
	if *clientID == "" || *secret == "" {
		return errors.New("connect exact: --client-id and --client-secret are required (register an app in the Exact App Center)")
	}
	s, err := exact.ParseSite(*site)
	if err != nil {
		return fmt.Errorf("connect exact: %w", err)
	}
	cfg := &exact.Config{ClientID: *clientID, ClientSecret: *secret, RedirectURL: *redirect, Site: s, BaseURL: strings.TrimRight(*baseURL, "/")}
	code, err := consent(ctx, e, cfg, !*noBrowser, *auto, *timeout)
	if err != nil {
		return fmt.Errorf("connect exact: %w", err)
	}
	tok, err := cfg.Exchange(ctx, code)
	if err != nil {
		return fmt.Errorf("connect exact: exchange the code: %w", err)
	}
	c := store.Connection{Name: *name, ExactSite: string(s), ExactBaseURL: cfg.BaseURL, ExactClientID: *clientID,
		ExactClientSecret: *secret, ExactRedirectURL: *redirect}
	existing, err := e.store.Connection(ctx, *name)
	if err == nil {
		c.ExactDivision = existing.ExactDivision
	}
	id, err := e.store.SaveExact(ctx, c)
	if err != nil {
		return err
	}
	if err := exact.SaveToken(ctx, e.store, id, tok); err != nil {
		return err
	}
	c.ID = id
	ec, err := exact.NewClient(exactSiteOption(c), exact.WithTokenSource(exact.NewTokenSource(cfg, e.store, id)))
	if err != nil {
		return err
	}
	me, err := ec.Me(ctx)
	if err != nil {
		return fmt.Errorf("connect exact: read current/Me: %w", err)
	}
	divs, err := ec.Divisions(ctx, me.CurrentDivision)
	if err != nil {
		return fmt.Errorf("connect exact: list divisions: %w", err)
	}
	chosen, err := pickDivision(divs, *division, c.ExactDivision)
	if err != nil {
		return fmt.Errorf("connect exact: %w", err)
	}
	if err := e.store.SetDivision(ctx, id, chosen.Code); err != nil {
		return err
	}
	e.printf("Exact connected as %s: division %d %q (connection %q)\n", me.FullName, chosen.Code, chosen.Description, *name)
	full, err := e.store.Connection(ctx, *name)
	if err != nil {
		return err
	}
	if *noSchedule {
		e.printf("Next: starter mappings suggest --name %s --apply, then starter schedule --name %s\n", *name, *name)
		return nil
	}
	if full.OdooURL == "" {
		e.printf("Next: starter connect odoo --name %s …, then starter schedule --name %s\n", *name, *name)
		return nil
	}
	if err := workflows.EnsureDetectSchedule(ctx, e.temporal, full, *every); err != nil {
		return err
	}
	e.printf("Schedule %s polls Odoo every %s\n", workflows.DetectScheduleID(*name), *every)
	if err := workflows.EnsurePaymentSchedule(ctx, e.temporal, full, workflows.DefaultPullEvery); err != nil {
		return err
	}
	e.printf("Schedule %s pulls the payments matched in Exact every %s\n", workflows.PullScheduleID(*name), workflows.DefaultPullEvery)
	return nil
}

func exactSiteOption(c store.Connection) exact.Option {
	if c.ExactBaseURL != "" {
		return exact.WithBaseURL(c.ExactBaseURL)
	}
	return exact.WithSite(exact.Site(c.ExactSite))
}

func pickDivision(divs []exact.Division, want, stored int) (exact.Division, error) {
	var list []string
	for _, d := range divs {
		list = append(list, fmt.Sprintf("%d %q", d.Code, d.Description))
		if want == 0 && stored != 0 && d.Code == stored {
			return d, nil
		}
		if want != 0 && d.Code == want {
			return d, nil
		}
	}
	switch {
	case len(divs) == 0:
		return exact.Division{}, errors.New("the user granted the app no division")
	case want != 0:
		return exact.Division{}, fmt.Errorf("division %d was not granted; granted: %s", want, strings.Join(list, ", "))
	case len(divs) == 1:
		return divs[0], nil
	}
	return exact.Division{}, fmt.Errorf("several divisions granted, pick one with --division: %s", strings.Join(list, ", "))
}

// consent prints (and opens) the authorization URL and waits for Exact to redirect to the local listener.
func consent(ctx context.Context, e *env, cfg *exact.Config, openBrowser, overHTTP bool, timeout time.Duration) (string, error) {
	ru, err := url.Parse(cfg.RedirectURL)
	if err != nil || ru.Host == "" {
		return "", fmt.Errorf("redirect URL %q is not an absolute URL", cfg.RedirectURL)
	}
	ln, err := net.Listen("tcp", ru.Host)
	if err != nil {
		return "", fmt.Errorf("listen for the OAuth callback on %s: %w", ru.Host, err)
	}
	state := randomHex(16)
	type result struct {
		code string
		err  error
	}
	got := make(chan result, 1)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != ru.Path {
			http.NotFound(w, r)
			return
		}
		q := r.URL.Query()
		switch {
		case q.Get("state") != state:
			http.Error(w, "state mismatch: start again with starter connect exact", http.StatusBadRequest)
			return
		case q.Get("error") != "":
			fmt.Fprintln(w, "Consent was refused; you can close this window.")
			select {
			case got <- result{err: fmt.Errorf("consent refused: %s %s", q.Get("error"), q.Get("error_description"))}:
			default:
			}
			return
		case q.Get("code") == "":
			http.Error(w, "no code in the callback", http.StatusBadRequest)
			return
		}
		fmt.Fprintln(w, "exactsync is connected to Exact Online; you can close this window.")
		select {
		case got <- result{code: q.Get("code")}:
		default:
		}
	})}
	go srv.Serve(ln) //nolint:errcheck
	defer srv.Close()

	authURL := cfg.AuthCodeURL(state)
	e.printf("Open this URL to give exactsync access to Exact Online:\n\n  %s\n\nWaiting for the redirect to %s …\n", authURL, cfg.RedirectURL)
	switch {
	case overHTTP:
		go func() {
			resp, err := http.Get(authURL)
			if err != nil {
				got <- result{err: err}
				return
			}
			resp.Body.Close()
		}()
	case openBrowser:
		if p, err := exec.LookPath("xdg-open"); err == nil {
			exec.Command(p, authURL).Start() //nolint:errcheck
		}
	}
	select {
	case r := <-got:
		return r.code, r.err
	case <-time.After(timeout):
		return "", fmt.Errorf("no consent within %s", timeout)
	case <-ctx.Done():
		return "", ctx.Err()
	}
}
