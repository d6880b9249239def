package odootest

import (
	"bytes"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// DefaultAPIKey is the API key of the login user unless Options.APIKey says otherwise.
const DefaultAPIKey = "7c1e94b2d0a35f68e4b9a7c2d15f0e83b6a4c9d2"

// Options configure a simulated Odoo server.
type Options struct {
	Version  int    // 16, 17 (default), 18, 19; JSON-2 is served only on 19
	Database string // default "demo"
	Login    string // default "admin"
	Password string // default "admin"
	APIKey   string // default DefaultAPIKey; works wherever the password works
	Seed     bool   // seed the demo companies, partners, accounting setup and invoices
	// AccountingApp simulates Odoo Enterprise's Accounting app (account_accountant): an invoice paid by payments
	// not yet matched with a bank statement is in_payment, not paid. Community (the default) never says in_payment.
	AccountingApp bool
	// AnalyticAccounting gives the user the Analytic Accounting group (the setting of that name): only then may it
	// create, change or delete analytic plans and accounts. Reading them and writing a line's distribution need
	// no group. Off by default, as for admin in a fresh Community database.
	AnalyticAccounting bool
	Latency            time.Duration
	Now                func() time.Time
	// WebhookClient sends automation webhooks; default an http.Client with a 1 s timeout.
	WebhookClient *http.Client
}

// Faults injects failures into every HTTP request.
type Faults struct {
	Fault5xx float64       // probability (0..1) of answering 503 Service Unavailable
	Down     bool          // close every connection without answering
	Latency  time.Duration // extra latency per request
	Seed     int64         // seed of the random source for Fault5xx and DropWriteAnswers
	// DropWriteAnswers is the probability (0..1) that a write (create, write, unlink, copy, reconcile, action_…,
	// button_…) over XML-RPC is done and committed, and then its answer lost: the connection closes without one.
	DropWriteAnswers float64
}

// Counters count the calls the server answered.
type Counters struct {
	Total    int
	ByMethod map[string]int // "res.partner.search_read", "common.version", "common.authenticate", …
	// Dropped counts the committed writes whose answer was lost (Faults.DropWriteAnswers).
	Dropped int
}

// Server is a simulated Odoo server.
type Server struct {
	opts Options

	mu          sync.Mutex
	models      map[string]*model
	mainCompany int64
	companies   []int64
	uid         int64
	calls       Counters
	faults      Faults
	rnd         *rand.Rand
	seqs        map[string]int
	pdfRenders  int
	eur, usd    int64
	seedIDs     SeedIDs
	inRecompute bool

	hooks sync.WaitGroup
	ts    *httptest.Server
	url   string
}

// New builds a server; it is not started: use Handler in any http.Server, or NewServer in tests.
func New(opts Options) *Server {
	if opts.Version == 0 {
		opts.Version = 17
	}
	if opts.Database == "" {
		opts.Database = "demo"
	}
	if opts.Login == "" {
		opts.Login = "admin"
	}
	if opts.Password == "" {
		opts.Password = "admin"
	}
	if opts.APIKey == "" {
		opts.APIKey = DefaultAPIKey
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.WebhookClient == nil {
		opts.WebhookClient = &http.Client{Timeout: time.Second}
	}
	s := &Server{
		opts:   opts,
		calls:  Counters{ByMethod: map[string]int{}},
		rnd:    rand.New(rand.NewSource(1)),
		seqs:   map[string]int{},
		models: map[string]*model{},
	}
	s.defineModels()
	s.buildIndexes()
	s.bootstrap()
	if opts.Seed {
		s.seed()
	}
	return s
}

// NewServer starts a seeded server on a loopback port, closed at t.Cleanup. Options can be
// changed with the given functions.
func NewServer(t testing.TB, opts ...func(*Options)) *Server {
	t.Helper()
	o := Options{Seed: true}
	for _, fn := range opts {
		fn(&o)
	}
	s := New(o)
	s.ts = httptest.NewServer(s.Handler())
	s.url = s.ts.URL
	t.Cleanup(s.Close)
	return s
}

// Close stops the test server started by NewServer and waits for pending webhooks.
func (s *Server) Close() {
	if s.ts != nil {
		s.ts.Close()
	}
	s.hooks.Wait()
}

// URL is the base URL of the server started by NewServer (empty otherwise, see SetURL).
func (s *Server) URL() string { return s.url }

// SetURL records the base URL when the handler is served by the caller's own http.Server.
func (s *Server) SetURL(u string) { s.url = strings.TrimRight(u, "/") }

func (s *Server) Database() string { return s.opts.Database }
func (s *Server) Login() string    { return s.opts.Login }
func (s *Server) APIKey() string   { return s.opts.APIKey }
func (s *Server) Password() string { return s.opts.Password }
func (s *Server) Version() int     { return s.opts.Version }

// UID is the user id of the login user (2, like Odoo's admin).
func (s *Server) UID() int64 { return s.uid }

// CompanyID is the main seeded company ("Demo BV").
func (s *Server) CompanyID() int64 { return s.mainCompany }

// CompanyIDs are all companies, the main one first.
func (s *Server) CompanyIDs() []int64 { return append([]int64(nil), s.companies...) }

// SetFaults replaces the injected failures.
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = f
	s.rnd = rand.New(rand.NewSource(f.Seed))
}

// Calls returns a copy of the call counters.
func (s *Server) Calls() Counters {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := Counters{Total: s.calls.Total, ByMethod: make(map[string]int, len(s.calls.ByMethod)), Dropped: s.calls.Dropped}
	for k, v := range s.calls.ByMethod {
		c.ByMethod[k] = v
	}
	return c
}

// ResetCalls zeroes the call counters.
func (s *Server) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = Counters{ByMethod: map[string]int{}}
}

func (s *Server) count(key string) {
	s.calls.Total++
	s.calls.ByMethod[key]++
}

func (s *Server) now() time.Time { return s.opts.Now() }

func (s *Server) today() string { return s.now().UTC().Format(dateLayout) }

// Handler serves /xmlrpc/2/common, /xmlrpc/2/object, /json/2/<model>/<method> (19+) and /web/version.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/xmlrpc/2/common", s.serveXMLRPC("common"))
	mux.HandleFunc("/xmlrpc/2/object", s.serveXMLRPC("object"))
	mux.HandleFunc("/json/2/", s.serveJSON2)
	mux.HandleFunc("/web/version", s.serveWebVersion)
	return s.faultMiddleware(mux)
}

func (s *Server) faultMiddleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		f := s.faults
		fail := f.Fault5xx > 0 && s.rnd.Float64() < f.Fault5xx
		s.mu.Unlock()
		// Odoo's HTTP server stamps every answer with its clock; clients read it to tell whether a second is over.
		w.Header().Set("Date", s.now().UTC().Format(http.TimeFormat))
		if d := s.opts.Latency + f.Latency; d > 0 {
			select {
			case <-time.After(d):
			case <-r.Context().Done():
				return
			}
		}
		if f.Down {
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					_ = conn.Close()
					return
				}
			}
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		if fail {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(w, "<html><head><title>503 Service Unavailable</title></head><body><h1>503 Service Unavailable</h1></body></html>")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) versionInfo() map[string]any {
	v := fmt.Sprintf("%d.0", s.opts.Version)
	return map[string]any{
		"server_version":      v,
		"server_version_info": []any{int64(s.opts.Version), int64(0), int64(0), "final", int64(0), ""},
		"server_serie":        v,
		"protocol_version":    int64(1),
	}
}

func (s *Server) serveWebVersion(w http.ResponseWriter, r *http.Request) {
	info := s.versionInfo()
	writeJSON(w, http.StatusOK, map[string]any{"version_info": info["server_version_info"], "version": info["server_version"]})
}

func (s *Server) serveXMLRPC(service string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "405 Method Not Allowed", http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
		if err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		call, err := decodeMethodCall(bytes.NewReader(body))
		if err != nil {
			e := &Error{Name: "xml.parsers.expat.ExpatError", Message: err.Error()}
			_, _ = w.Write(encodeFault(1, e.traceback()))
			return
		}
		res, oerr := s.dispatchXMLRPC(service, call)
		if service == "object" && oerr == nil && s.dropWriteAnswer(call) {
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					_ = conn.Close() // committed; the answer is lost
					return
				}
			}
		}
		if oerr == nil && res == nil {
			// The method returned None: its transaction is committed, then Python's xmlrpc
			// marshaller refuses the answer (Odoo runs it without allow_none).
			oerr = noneMarshalled()
		}
		if oerr != nil {
			e, ok := oerr.(*Error)
			if !ok {
				e = &Error{Name: "builtins.Exception", Message: oerr.Error()}
			}
			_, _ = w.Write(encodeFault(e.FaultCode(), e.FaultString()))
			return
		}
		_, _ = w.Write(encodeResponse(res))
	}
}

func (s *Server) dispatchXMLRPC(service string, call *xmlrpcCall) (any, error) {
	p := call.Params
	if service == "common" {
		s.mu.Lock()
		s.count("common." + call.Method)
		s.mu.Unlock()
		switch call.Method {
		case "version":
			return s.versionInfo(), nil
		case "authenticate", "login":
			want := 4
			if call.Method == "login" {
				want = 3
			}
			if len(p) != want {
				return nil, typeError("%s() takes %d positional arguments but %d were given", call.Method, want, len(p))
			}
			db, _ := p[0].(string)
			login, _ := p[1].(string)
			pw, _ := p[2].(string)
			if db != s.opts.Database {
				return nil, &Error{Name: excPsycopg, Message: fmt.Sprintf("connection to server on socket \"/var/run/postgresql/.s.PGSQL.5432\" failed: FATAL:  database \"%s\" does not exist", db)}
			}
			if login == s.opts.Login && s.credentialOK(pw) {
				return s.uid, nil
			}
			return false, nil
		case "about":
			return "See http://openerp.com", nil
		}
		return nil, &Error{Name: "builtins.NameError", Message: fmt.Sprintf("Method not available %s", call.Method)}
	}
	switch call.Method {
	case "execute_kw", "execute":
		if len(p) < 5 {
			return nil, typeError("%s() missing required positional arguments", call.Method)
		}
		db, _ := p[0].(string)
		uid, _ := p[1].(int64)
		pw, _ := p[2].(string)
		modelName, _ := p[3].(string)
		method, _ := p[4].(string)
		var args []any
		kwargs := map[string]any{}
		if call.Method == "execute_kw" {
			if len(p) > 5 {
				a, ok := p[5].([]any)
				if !ok {
					return nil, typeError("execute_kw() argument after * must be an iterable")
				}
				args = a
			}
			if len(p) > 6 && p[6] != nil {
				k, ok := p[6].(map[string]any)
				if !ok {
					return nil, typeError("execute_kw() argument after ** must be a mapping")
				}
				kwargs = k
			}
		} else {
			args = p[5:]
		}
		if db != s.opts.Database {
			return nil, &Error{Name: excPsycopg, Message: fmt.Sprintf("connection to server on socket \"/var/run/postgresql/.s.PGSQL.5432\" failed: FATAL:  database \"%s\" does not exist", db)}
		}
		if uid != s.uid || !s.credentialOK(pw) {
			return nil, accessDenied()
		}
		return s.execute(uid, modelName, method, args, kwargs, true)
	}
	return nil, &Error{Name: "builtins.NameError", Message: fmt.Sprintf("Method not available %s", call.Method)}
}

func (s *Server) credentialOK(pw string) bool {
	return pw != "" && (pw == s.opts.Password || pw == s.opts.APIKey)
}

// execute runs model.method with positional args and keyword args under the server lock.
func (s *Server) execute(uid int64, modelName, method string, args []any, kwargs map[string]any, counted bool) (any, error) {
	s.mu.Lock()
	if counted {
		s.count(modelName + "." + method)
	}
	res, e, err := s.executeLocked(uid, modelName, method, args, kwargs, nil, false)
	if afterCall != nil {
		afterCall(s)
	}
	var hooks []webhook
	if err == nil {
		hooks = s.collectWebhooks(e)
	}
	s.mu.Unlock()
	s.fireAutomations(hooks)
	return res, err
}

func (s *Server) executeLocked(uid int64, modelName, method string, args []any, kwargs map[string]any, ids []int64, named bool) (any, *env, error) {
	if strings.HasPrefix(method, "_") {
		return nil, nil, accessError("Private methods (such as %s) cannot be called remotely.", method)
	}
	m, err := s.getModel(modelName)
	if err != nil {
		return nil, nil, err
	}
	spec, ok := m.methods[method]
	if !ok {
		spec, ok = genericMethods[method]
	}
	if !ok {
		return nil, nil, &Error{Name: excAttributeError, Message: fmt.Sprintf("The method '%s' does not exist on the model '%s'", method, modelName)}
	}
	if method == "create" && !named && len(args) == 0 {
		// Odoo's XML-RPC dispatch of api.model_create_multi reads args[0]: a vals_list passed by
		// keyword fails before anything is created (17, 18, 19).
		return nil, nil, &Error{Name: excIndexError, Message: "tuple index out of range"}
	}
	if kwargs == nil {
		kwargs = map[string]any{}
	}
	kwargs = copyMap(kwargs)
	var ctx map[string]any
	if c, ok := kwargs["context"]; ok {
		delete(kwargs, "context")
		if c != nil && c != false {
			ctx, ok = c.(map[string]any)
			if !ok {
				return nil, nil, typeError("context must be a dictionary")
			}
		}
	}
	if !named && spec.Record {
		if len(args) == 0 {
			return nil, nil, typeError("%s() missing 1 required positional argument: 'self'", method)
		}
		ids = toIDs(args[0])
		if _, isList := args[0].([]any); !isList {
			if _, isInt := args[0].(int64); !isInt {
				return nil, nil, typeError("Invalid ids %s", pyRepr(args[0]))
			}
		}
		args = args[1:]
	}
	if named && !spec.Record {
		ids = nil
	}
	params := map[string]any{}
	if len(args) > len(spec.Params) {
		return nil, nil, typeError("%s() takes %d positional arguments but %d were given", method, len(spec.Params)+1, len(args)+1)
	}
	for i, a := range args {
		params[spec.Params[i]] = a
	}
	for k, v := range kwargs {
		if _, dup := params[k]; dup {
			return nil, nil, typeError("%s() got multiple values for argument '%s'", method, k)
		}
		known := false
		for _, p := range spec.Params {
			if p == k {
				known = true
			}
		}
		if !known {
			return nil, nil, typeError("%s() got an unexpected keyword argument '%s'", method, k)
		}
		params[k] = v
	}
	e, err := s.newEnv(uid, ctx)
	if err != nil {
		return nil, nil, err
	}
	var snap *snapshot
	if !spec.ReadOnly {
		snap = s.snapshot()
	}
	res, err := spec.Fn(s, e, m, ids, params)
	if err != nil {
		if snap != nil {
			s.restore(snap)
		}
		return nil, nil, err
	}
	if id, ok := res.(int64); ok && named && method == "create" {
		res = []any{id} // JSON-2 answers the created recordset's ids, also for one dict
	}
	return res, e, nil
}

// snapshot copies all records so a failing call leaves no trace (one transaction per call).
type snapshot struct {
	recs   map[string]map[int64]*record
	nextID map[string]int64
	fields map[string]map[string]*fieldDef
	order  map[string][]string
	seqs   map[string]int
}

func (s *Server) snapshot() *snapshot {
	sn := &snapshot{recs: map[string]map[int64]*record{}, nextID: map[string]int64{}, fields: map[string]map[string]*fieldDef{}, order: map[string][]string{}, seqs: map[string]int{}}
	for name, m := range s.models {
		rs := make(map[int64]*record, len(m.recs))
		for id, r := range m.recs {
			rs[id] = &record{ID: id, Vals: deepCopyVals(r.Vals)}
		}
		sn.recs[name] = rs
		sn.nextID[name] = m.nextID
		fs := make(map[string]*fieldDef, len(m.fields))
		for k, v := range m.fields {
			fs[k] = v
		}
		sn.fields[name] = fs
		sn.order[name] = append([]string(nil), m.fieldOrder...)
	}
	for k, v := range s.seqs {
		sn.seqs[k] = v
	}
	return sn
}

func (s *Server) restore(sn *snapshot) {
	for name, m := range s.models {
		m.recs = sn.recs[name]
		m.nextID = sn.nextID[name]
		m.fields = sn.fields[name]
		m.fieldOrder = sn.order[name]
		m.x2many = nil
		m.reindex()
	}
	s.seqs = sn.seqs
}

func deepCopyVals(v map[string]any) map[string]any {
	out := make(map[string]any, len(v))
	for k, x := range v {
		switch y := x.(type) {
		case []int64:
			out[k] = append([]int64(nil), y...)
		case map[int64]any:
			mp := make(map[int64]any, len(y))
			for a, b := range y {
				mp[a] = b
			}
			out[k] = mp
		default:
			out[k] = x
		}
	}
	return out
}

// ---------------------------------------------------------------------------------------------
// direct access

// Create creates a record as the admin user in the main company, with Odoo semantics.
func (s *Server) Create(modelName string, vals map[string]any) (int64, error) {
	res, err := s.Call(modelName, "create", []any{normalizeValue(vals)}, nil)
	if err != nil {
		return 0, err
	}
	return asInt(res), nil
}

// Write writes records as the admin user, with Odoo semantics.
func (s *Server) Write(modelName string, ids []int64, vals map[string]any) error {
	_, err := s.Call(modelName, "write", []any{idList(ids), normalizeValue(vals)}, nil)
	return err
}

// Call calls any public method as over RPC with uid=admin, without counting it.
func (s *Server) Call(modelName, method string, args []any, kwargs map[string]any) (any, error) {
	a, _ := normalizeValue(args).([]any)
	k, _ := normalizeValue(kwargs).(map[string]any)
	return s.execute(s.uid, modelName, method, a, k, false)
}

// Read returns one record's values as Odoo's read would (all fields but binary ones).
func (s *Server) Read(modelName string, id int64) (map[string]any, error) {
	res, err := s.Call(modelName, "read", []any{[]any{id}}, map[string]any{"context": map[string]any{"allowed_company_ids": idList(s.companies)}})
	if err != nil {
		return nil, err
	}
	rows := res.([]any)
	return rows[0].(map[string]any), nil
}

func idList(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// normalizeValue turns Go values from callers (int, []int64, []map…) into the wire-decoded forms.
func normalizeValue(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case int:
		return int64(x)
	case int32:
		return int64(x)
	case int64, float64, bool, string:
		return x
	case float32:
		return float64(x)
	case []int64:
		return idList(x)
	case []int:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = int64(e)
		}
		return out
	case []string:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = e
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalizeValue(e)
		}
		return out
	case []map[string]any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalizeValue(e)
		}
		return out
	case map[string]any:
		if x == nil {
			return nil
		}
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normalizeValue(e)
		}
		return out
	case time.Time:
		return x.UTC().Format(dtLayout)
	}
	return fmt.Sprint(v)
}

// dropWriteAnswer decides whether the answer of this committed write is lost (Faults.DropWriteAnswers).
func (s *Server) dropWriteAnswer(call *xmlrpcCall) bool {
	if len(call.Params) < 5 {
		return false
	}
	method, _ := call.Params[4].(string)
	write := method == "create" || method == "write" || method == "unlink" || method == "copy" || method == "reconcile" ||
		strings.HasPrefix(method, "action_") || strings.HasPrefix(method, "button_")
	if !write {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	drop := s.faults.DropWriteAnswers > 0 && s.rnd.Float64() < s.faults.DropWriteAnswers
	if drop {
		s.calls.Dropped++
	}
	return drop
}
