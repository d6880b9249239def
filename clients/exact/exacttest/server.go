package exacttest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	_ "time/tzdata" // Europe/Amsterdam wall-clock without relying on the host
)

// Options configures a Server. Zero values mean Exact's real defaults.
type Options struct {
	// ClientID and ClientSecret of the one registered app.
	// Defaults "exactsync-dev" / "exactsync-dev-secret".
	ClientID, ClientSecret string
	// RedirectURLs are the allowed redirect URIs; empty allows any
	// http://127.0.0.1, http://[::1] or http://localhost URI.
	RedirectURLs []string
	// AutoConsent makes /api/oauth2/auth redirect at once with a code;
	// otherwise a small HTML consent page with an "Allow" button is shown.
	AutoConsent bool
	// TokenLifetime of access tokens (default 600s); expires_in is sent as a JSON string.
	TokenLifetime time.Duration
	// MinRefreshAge: a refresh earlier than this after the chain's previous
	// issue is refused with 401 "Access token not expired". Zero means 95% of
	// TokenLifetime (570s for 600s); negative disables the rule.
	MinRefreshAge time.Duration
	// RefreshTokenTTL: an unused refresh token expires after this (default 30 days).
	RefreshTokenTTL time.Duration
	// StrictRotation is the stricter reading of Exact's rotation rule: the
	// previous refresh token dies as soon as the access token issued with its
	// successor is first used on the API. Off, it dies only when the
	// successor refresh token is first used (invantive's reading). Either
	// way, using a dead refresh token gives 401 "Old refresh token used.".
	StrictRotation bool
	// TokenHook, when set, is called for every token-endpoint request after
	// the answer is decided (and a refresh token rotated) but before it is
	// written, without the server's lock held: tests use it to cancel the
	// caller while the answer is in flight. grant is the grant_type, status
	// the HTTP status about to be sent.
	TokenHook func(grant string, status int)
	// CodeTTL: authorization codes live this long (default 3 minutes).
	CodeTTL time.Duration
	// MinutelyLimit and DailyLimit per division (defaults 60 and 5000).
	MinutelyLimit, DailyLimit int
	// MinuteWindow and DayWindow lengths (defaults 1m and 24h); windows are
	// aligned to multiples of their length since the Unix epoch.
	MinuteWindow, DayWindow time.Duration
	// ErrorBlock blocks an endpoint (403, Reason "TooManyErrors") after 10
	// error responses (400, 401, 403, 404) within an hour.
	ErrorBlock bool
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Seed seeds the default Dutch administration.
	Seed bool
	// Division and DivisionName of the default division (1234567 "Demo BV").
	Division     int
	DivisionName string
	// Logger receives one line per request (method, path, status); never tokens.
	Logger *slog.Logger
	// EntryIDPolicy is what a POST of a sales or purchase entry carrying its own EntryID does; Exact does not
	// document it. The default, EntryIDIgnore, is the stricter one for a client that wants exactly-once: the
	// EntryID sent is ignored and a new one assigned, so a client cannot rely on it. Tests change it with
	// SetEntryIDPolicy.
	EntryIDPolicy EntryIDPolicy
	// AutoRelationRoles: an entry for an account that is not a customer (sales entry: Status "C") or not a
	// supplier (purchase entry: IsSupplier) makes it one, as some remember Exact's web UI doing. Off (the default,
	// the stricter reading, as Exact does not document it), such an entry is refused.
	AutoRelationRoles bool
}

// EntryIDPolicy decides what the simulator does with a client-supplied EntryID on POST.
type EntryIDPolicy int

const (
	// EntryIDIgnore assigns a new EntryID, whatever the client sent (default).
	EntryIDIgnore EntryIDPolicy = iota
	// EntryIDHonour keeps the client's EntryID and refuses a second entry with it: 500 "Gegeven bestaat reeds.".
	EntryIDHonour
)

// SetEntryIDPolicy changes Options.EntryIDPolicy of a running server.
func (s *Server) SetEntryIDPolicy(p EntryIDPolicy) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.EntryIDPolicy = p
}

// Faults are injected failures; see SetFaults.
type Faults struct {
	DropWriteResponses float64       // fraction of POST/PUT/DELETE whose response is dropped after the write committed
	Status5xx          float64       // fraction of requests answered 503 before doing anything
	Burst429           int           // the next N API requests get 429
	Latency            time.Duration // added to every request
	Down               bool          // every request answered 503
	TokenStatus        int           // when set, the token endpoint answers this status with TokenBody, doing nothing else
	TokenBody          string        // body of the TokenStatus answer (JSON when it starts with '{')
	Seed               int64         // seed of the deterministic randomness
}

// Counters is a snapshot of calls per endpoint.
type Counters struct {
	// ByEndpoint is keyed "METHOD division service/Entity", e.g.
	// "POST 1234567 crm/Accounts". current/Me counts under the default
	// division; the token endpoint counts as "POST 0 oauth2/token".
	ByEndpoint map[string]int
	Total      int
	// ByStatus counts the answers by HTTP status (0: a response dropped after the write).
	ByStatus map[int]int
}

// Server is an in-memory Exact Online.
type Server struct {
	opts Options
	ams  *time.Location

	mu       sync.Mutex
	divs     map[int]*division
	codes    map[string]*authCode
	access   map[string]*accessToken
	refresh  map[string]*refreshToken
	calls    map[string]int
	statuses map[int]int
	total    int
	faults   Faults
	rng      *rand.Rand
	burst    int
	userID   string
	revokeAt time.Time

	ts  *httptest.Server
	url string
}

// New returns a server that is not started; serve Handler() anywhere.
func New(opts Options) *Server {
	if opts.ClientID == "" {
		opts.ClientID = "exactsync-dev"
	}
	if opts.ClientSecret == "" {
		opts.ClientSecret = "exactsync-dev-secret"
	}
	if opts.TokenLifetime <= 0 {
		opts.TokenLifetime = 600 * time.Second
	}
	if opts.MinRefreshAge == 0 {
		opts.MinRefreshAge = opts.TokenLifetime * 95 / 100
	}
	if opts.RefreshTokenTTL <= 0 {
		opts.RefreshTokenTTL = 30 * 24 * time.Hour
	}
	if opts.CodeTTL <= 0 {
		opts.CodeTTL = 3 * time.Minute
	}
	if opts.MinutelyLimit <= 0 {
		opts.MinutelyLimit = 60
	}
	if opts.DailyLimit <= 0 {
		opts.DailyLimit = 5000
	}
	if opts.MinuteWindow <= 0 {
		opts.MinuteWindow = time.Minute
	}
	if opts.DayWindow <= 0 {
		opts.DayWindow = 24 * time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Division == 0 {
		opts.Division = 1234567
	}
	if opts.DivisionName == "" {
		opts.DivisionName = "Demo BV"
	}
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		ams = time.FixedZone("CET", 3600)
	}
	s := &Server{
		opts:    opts,
		ams:     ams,
		divs:    map[int]*division{},
		codes:   map[string]*authCode{},
		access:  map[string]*accessToken{},
		refresh: map[string]*refreshToken{},
		calls:   map[string]int{},
		rng:     rand.New(rand.NewPCG(0, 0)),
		userID:  "cc20a11b-c137-48cc-8e55-09d4adbd4ac9",
	}
	s.addDivision(opts.Division, opts.DivisionName, opts.Seed)
	return s
}

// NewServer starts an httptest server with Seed and AutoConsent on, applies
// opts, and closes it at t.Cleanup.
func NewServer(t testing.TB, opts ...func(*Options)) *Server {
	t.Helper()
	o := Options{Seed: true, AutoConsent: true}
	for _, f := range opts {
		f(&o)
	}
	s := New(o)
	s.ts = httptest.NewServer(s.Handler())
	s.url = s.ts.URL
	t.Cleanup(s.ts.Close)
	return s
}

// SetURL records the base URL when the handler is served elsewhere (exactsim).
func (s *Server) SetURL(u string) { s.url = strings.TrimRight(u, "/") }

// URL is the site base URL, e.g. http://127.0.0.1:PORT.
func (s *Server) URL() string { return s.url }

// Handler serves OAuth and the REST API.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

// ClientID of the registered app.
func (s *Server) ClientID() string { return s.opts.ClientID }

// ClientSecret of the registered app.
func (s *Server) ClientSecret() string { return s.opts.ClientSecret }

// DefaultDivision is the user's current division.
func (s *Server) DefaultDivision() int { return s.opts.Division }

// AddDivision adds a second administration, seeded like the first when Seed is on.
func (s *Server) AddDivision(code int, description string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addDivision(code, description, s.opts.Seed)
}

// Calls returns a snapshot of the call counters.
func (s *Server) Calls() Counters {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := Counters{ByEndpoint: make(map[string]int, len(s.calls)), Total: s.total, ByStatus: map[int]int{}}
	for k, v := range s.calls {
		c.ByEndpoint[k] = v
	}
	for k, v := range s.statuses {
		c.ByStatus[k] = v
	}
	return c
}

// Division is the number of calls to one division's API (every endpoint and method, downloads included; the
// token endpoint is not a division's), e.g. the Exact calls one invoice sync made after a ResetCalls.
func (c Counters) Division(division int) int {
	n := 0
	for k, v := range c.ByEndpoint {
		if f := strings.Fields(k); len(f) == 3 && f[1] == strconv.Itoa(division) {
			n += v
		}
	}
	return n
}

// Endpoint is the number of calls of one method to one entity set of a division, e.g.
// Endpoint("POST", 1234567, "salesentry/SalesEntries"); calls by key count under the entity set.
func (c Counters) Endpoint(method string, division int, entitySet string) int {
	return c.ByEndpoint[method+" "+strconv.Itoa(division)+" "+entitySet]
}

// ResetCalls zeroes the call counters.
func (s *Server) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = map[string]int{}
	s.statuses = map[int]int{}
	s.total = 0
}

// SetFaults replaces the injected faults; the random source is reseeded.
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = f
	s.burst = f.Burst429
	s.rng = rand.New(rand.NewPCG(uint64(f.Seed), uint64(f.Seed)^0x9e3779b97f4a7c15))
}

// Entities returns copies of the stored records of an entity set (e.g.
// "crm/Accounts") with typed values: string, int64, decimal.Decimal, bool,
// time.Time or nil. Unknown set or division: nil.
func (s *Server) Entities(division int, entitySet string) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.divs[division]
	es := registry[strings.ToLower(entitySet)]
	if d == nil || es == nil {
		return nil
	}
	rows := d.source(es)
	sortRows(es, rows, nil)
	out := make([]map[string]any, 0, len(rows))
	for _, r := range rows {
		m := map[string]any{}
		for k, v := range r {
			if !strings.HasPrefix(k, "_") {
				m[k] = v
			}
		}
		out = append(out, m)
	}
	return out
}

func (s *Server) now() time.Time { return s.opts.Now() }

// local is the current Amsterdam wall-clock written as UTC (Exact's quirk).
func (s *Server) local() time.Time {
	n := s.now().In(s.ams)
	return time.Date(n.Year(), n.Month(), n.Day(), n.Hour(), n.Minute(), n.Second(), n.Nanosecond()/1e6*1e6, time.UTC)
}

// today is the Amsterdam date as midnight UTC.
func (s *Server) today() time.Time {
	l := s.local()
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)
}

// ---- errors --------------------------------------------------------------

// apiError is rendered as Exact's error envelope.
type apiError struct {
	status int
	msg    string
	reason string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d: %s", e.status, e.msg) }

func badRequest(msg string) error { return &apiError{status: 400, msg: msg} }
func validation(msg string) error { return &apiError{status: 500, msg: msg} }
func notFound(msg string) error   { return &apiError{status: 404, msg: msg} }

func envelope(msg string) []byte {
	b, _ := json.Marshal(map[string]any{"error": map[string]any{"code": "", "message": map[string]any{"lang": "", "value": msg}}})
	return b
}

// ---- HTTP plumbing -------------------------------------------------------

// response is a buffered reply, written after the lock is released.
type response struct {
	status int
	header http.Header
	body   []byte
}

func newResponse() *response { return &response{header: http.Header{}} }

func (r *response) json(status int, body []byte) *response {
	r.status = status
	r.header.Set("Content-Type", "application/json; charset=utf-8")
	r.body = body
	return r
}

func (r *response) errorFrom(err error) *response {
	ae, ok := err.(*apiError)
	if !ok {
		ae = &apiError{status: 500, msg: err.Error()}
	}
	if ae.reason != "" {
		r.header.Set("Reason", ae.reason)
	}
	return r.json(ae.status, envelope(ae.msg))
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/sim/") {
		// The accountant's side (admin.go): no faults, not an Exact call, not counted.
		resp := s.handleAdmin(r)
		for k, v := range resp.header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.status)
		_, _ = w.Write(resp.body)
		if s.opts.Logger != nil {
			s.opts.Logger.Info("exactsim admin", "method", r.Method, "path", r.URL.Path, "status", resp.status)
		}
		return
	}
	s.mu.Lock()
	f := s.faults
	down := f.Down
	fail := !down && f.Status5xx > 0 && s.rng.Float64() < f.Status5xx
	s.mu.Unlock()
	if f.Latency > 0 {
		time.Sleep(f.Latency)
	}
	if down || fail {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("<html><body><h1>Service Unavailable</h1></body></html>"))
		s.log(r, http.StatusServiceUnavailable)
		return
	}
	var resp *response
	path := r.URL.Path
	switch {
	case path == "/api/oauth2/auth":
		resp = s.handleAuth(r)
	case path == "/api/oauth2/token":
		resp = s.handleToken(r)
		if s.opts.TokenHook != nil {
			s.opts.TokenHook(r.PostForm.Get("grant_type"), resp.status)
		}
	case path == "/docs/SysAttachment.aspx":
		resp = s.handleDownload(r)
	case strings.HasPrefix(path, "/api/v1/"):
		var drop bool
		resp, drop = s.handleAPI(r)
		if drop {
			s.log(r, 0)
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					_ = conn.Close()
					return
				}
			}
			w.WriteHeader(http.StatusBadGateway)
			return
		}
	default:
		resp = newResponse().json(404, envelope("Resource not found."))
	}
	for k, v := range resp.header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.status)
	if len(resp.body) > 0 {
		_, _ = w.Write(resp.body)
	}
	s.log(r, resp.status)
}

func (s *Server) log(r *http.Request, status int) {
	s.mu.Lock()
	if s.statuses == nil {
		s.statuses = map[int]int{}
	}
	s.statuses[status]++
	s.mu.Unlock()
	if s.opts.Logger == nil {
		return
	}
	s.opts.Logger.Info("exactsim", "method", r.Method, "path", r.URL.Path, "status", status)
}

func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// ---- rate limits ---------------------------------------------------------

type window struct {
	start time.Time
	used  int
}

func (w *window) roll(now time.Time, length time.Duration) {
	start := now.Truncate(length)
	if !start.Equal(w.start) {
		w.start = start
		w.used = 0
	}
}

// consume takes one call from both windows; it reports which one is exhausted.
func (s *Server) consume(d *division) (minuteOut, dayOut bool) {
	now := s.now()
	d.minute.roll(now, s.opts.MinuteWindow)
	d.day.roll(now, s.opts.DayWindow)
	if d.day.used >= s.opts.DailyLimit {
		return false, true
	}
	if d.minute.used >= s.opts.MinutelyLimit {
		return true, false
	}
	d.minute.used++
	d.day.used++
	return false, false
}

func (s *Server) rateHeaders(h http.Header, d *division, minutely, daily bool) {
	now := s.now()
	d.minute.roll(now, s.opts.MinuteWindow)
	d.day.roll(now, s.opts.DayWindow)
	if daily {
		h.Set("X-RateLimit-Limit", strconv.Itoa(s.opts.DailyLimit))
		h.Set("X-RateLimit-Remaining", strconv.Itoa(max(0, s.opts.DailyLimit-d.day.used)))
		h.Set("X-RateLimit-Reset", strconv.FormatInt(d.day.start.Add(s.opts.DayWindow).UnixMilli(), 10))
	}
	if minutely {
		h.Set("X-RateLimit-Minutely-Limit", strconv.Itoa(s.opts.MinutelyLimit))
		h.Set("X-RateLimit-Minutely-Remaining", strconv.Itoa(max(0, s.opts.MinutelyLimit-d.minute.used)))
		h.Set("X-RateLimit-Minutely-Reset", strconv.FormatInt(d.minute.start.Add(s.opts.MinuteWindow).UnixMilli(), 10))
	}
}

// ---- API dispatch --------------------------------------------------------

func (s *Server) handleAPI(r *http.Request) (*response, bool) {
	rest := strings.TrimPrefix(r.URL.Path, "/api/v1/")
	var divSeg string
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		divSeg, rest = rest[:i], rest[i+1:]
	} else {
		return newResponse().json(404, envelope("Resource not found for the segment '"+rest+"'.")), false
	}
	var body []byte
	if r.Method == http.MethodPost || r.Method == http.MethodPut {
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(http.MaxBytesReader(nil, r.Body, 64<<20))
		body = buf.Bytes()
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	resp := newResponse()

	divCode := s.opts.Division
	if divSeg == "current" {
		rest = "current/" + rest
	} else {
		n, err := strconv.Atoi(divSeg)
		if err != nil {
			s.count(r.Method, 0, rest)
			return resp.json(404, envelope("Resource not found for the segment '"+divSeg+"'.")), false
		}
		divCode = n
	}
	entityPath, keyPart, navPart, perr := splitResource(rest)
	es := registry[strings.ToLower(entityPath)]
	if es != nil && es.name != entityPath {
		es = nil // Exact's resource paths are case-sensitive: hrm/CostCenters is not hrm/Costcenters
	}
	name := entityPath
	if es != nil {
		name = es.name
	}
	s.count(r.Method, divCode, name)

	if s.burst > 0 {
		s.burst--
		if d := s.divs[divCode]; d != nil {
			s.rateHeaders(resp.header, d, true, false)
			resp.header.Set("X-RateLimit-Minutely-Remaining", "0")
		}
		return resp.json(429, envelope("Too many requests.")), false
	}

	// Authentication.
	tok := bearer(r)
	at := s.access[tok]
	now := s.now()
	d := s.divs[divCode]
	endpoint := r.Method + " " + strconv.Itoa(divCode) + " " + name
	if d != nil && s.opts.ErrorBlock && d.blocked(endpoint, now) {
		resp.header.Set("Reason", "TooManyErrors")
		return resp.json(403, envelope("Forbidden - API key temporarily blocked: too many errors for this endpoint.")), false
	}
	finish := func(resp *response) *response {
		if d != nil && s.opts.ErrorBlock {
			switch resp.status {
			case 400, 401, 403, 404:
				d.noteError(endpoint, now)
			}
		}
		return resp
	}
	if tok == "" || at == nil || !now.Before(at.expires) || at.issued.Before(s.revokeAt) {
		resp.header.Set("WWW-Authenticate", `Bearer realm="Exact Online"`)
		if d != nil {
			s.rateHeaders(resp.header, d, true, true)
		}
		return finish(resp.json(401, envelope("Unauthorized: the access token is missing, invalid or expired."))), false
	}
	s.accessUsed(at)
	if d == nil {
		resp.header.Set("Reason", "NoDivisionAccess")
		return finish(resp.json(403, envelope("Forbidden - no access to division "+strconv.Itoa(divCode)+"."))), false
	}
	minuteOut, dayOut := s.consume(d)
	if minuteOut || dayOut {
		s.rateHeaders(resp.header, d, minuteOut, dayOut)
		return resp.json(429, envelope("Too many requests.")), false
	}
	s.rateHeaders(resp.header, d, true, true)

	if perr != nil {
		return finish(resp.errorFrom(perr)), false
	}
	if es == nil {
		return finish(resp.json(404, envelope("Resource not found for the segment '"+lastSegment(entityPath)+"'."))), false
	}
	req := &apiRequest{s: s, d: d, es: es, r: r, base: baseURL(r), key: keyPart, nav: navPart, body: body, resp: resp}
	isWrite := r.Method == http.MethodPost || r.Method == http.MethodPut || r.Method == http.MethodDelete
	req.serve()
	finish(resp)
	drop := isWrite && resp.status < 300 && s.faults.DropWriteResponses > 0 && s.rng.Float64() < s.faults.DropWriteResponses
	return resp, drop
}

func lastSegment(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}

func (s *Server) count(method string, div int, name string) {
	s.calls[method+" "+strconv.Itoa(div)+" "+name]++
	s.total++
}

func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// splitResource splits "crm/Accounts(guid'…')/BankAccounts" into its parts.
func splitResource(rest string) (entity, key, nav string, err error) {
	i := strings.IndexByte(rest, '(')
	if i < 0 {
		return strings.TrimSuffix(rest, "/"), "", "", nil
	}
	j := strings.LastIndexByte(rest, ')')
	if j < i {
		return rest[:i], "", "", badRequest("Bad Request - Error in query syntax.")
	}
	entity, key = rest[:i], rest[i+1:j]
	nav = strings.TrimPrefix(rest[j+1:], "/")
	return entity, key, nav, nil
}

// ---- division state ------------------------------------------------------

type division struct {
	s           *Server
	code        int
	description string
	tables      map[string]map[string]record
	minute, day window
	errs        map[string][]time.Time
	ts          int64 // row-version counter
	hid         int64
}

func (s *Server) addDivision(code int, desc string, seed bool) {
	d := &division{s: s, code: code, description: desc, tables: map[string]map[string]record{}, errs: map[string][]time.Time{}, ts: 100000, hid: 0}
	s.divs[code] = d
	if seed {
		s.seed(d)
	}
}

func (d *division) table(name string) map[string]record {
	t := d.tables[name]
	if t == nil {
		t = map[string]record{}
		d.tables[name] = t
	}
	return t
}

func (d *division) nextTS() int64 { d.ts++; return d.ts }
func (d *division) nextHID() int64 {
	d.hid++
	return d.hid
}

func keyString(v any) string {
	switch x := v.(type) {
	case string:
		return strings.ToLower(x)
	case int64:
		return strconv.FormatInt(x, 10)
	}
	return fmt.Sprint(v)
}

func (d *division) put(table string, key string, rec record) {
	d.table(table)[keyString(rec[key])] = rec
}

// source returns the rows of an entity set (shared records, do not mutate).
func (d *division) source(es *entitySet) []record {
	if es.rows != nil {
		return es.rows(d)
	}
	t := d.tables[es.table]
	out := make([]record, 0, len(t))
	for _, r := range t {
		out = append(out, r)
	}
	return out
}

func (d *division) blocked(endpoint string, now time.Time) bool {
	d.pruneErrs(endpoint, now)
	return len(d.errs[endpoint]) >= 10
}

func (d *division) noteError(endpoint string, now time.Time) {
	d.pruneErrs(endpoint, now)
	d.errs[endpoint] = append(d.errs[endpoint], now)
}

func (d *division) pruneErrs(endpoint string, now time.Time) {
	l := d.errs[endpoint]
	for len(l) > 0 && now.Sub(l[0]) >= time.Hour {
		l = l[1:]
	}
	d.errs[endpoint] = l
}

// sortRows orders rows by the order-by fields then by key.
func sortRows(es *entitySet, rows []record, order []orderTerm) {
	kf := es.keyField()
	sort.SliceStable(rows, func(i, j int) bool {
		for _, o := range order {
			c := compareNullable(evalStored(o.f, rows[i][o.f.name]), evalStored(o.f, rows[j][o.f.name]))
			if c != 0 {
				return (c < 0) != o.desc
			}
		}
		return compareNullable(evalStored(kf, rows[i][kf.name]), evalStored(kf, rows[j][kf.name])) < 0
	})
}

type orderTerm struct {
	f    *field
	desc bool
}

// handleDownload serves an attachment's bytes (the DocumentAttachment Url
// with &Download=1), authenticated with the bearer token.
func (s *Server) handleDownload(r *http.Request) *response {
	resp := newResponse()
	s.mu.Lock()
	defer s.mu.Unlock()
	div, _ := strconv.Atoi(r.URL.Query().Get("_Division_"))
	s.count(r.Method, div, "docs/SysAttachment.aspx")
	at := s.access[bearer(r)]
	if at == nil || !s.now().Before(at.expires) || at.issued.Before(s.revokeAt) {
		return resp.json(401, envelope("Unauthorized: the access token is missing, invalid or expired."))
	}
	s.accessUsed(at)
	d := s.divs[div]
	if d == nil {
		resp.header.Set("Reason", "NoDivisionAccess")
		return resp.json(403, envelope("Forbidden"))
	}
	id, ok := parseGuid(r.URL.Query().Get("ID"))
	a := d.get("documents/DocumentAttachments", id)
	if !ok || a == nil {
		return resp.json(404, envelope("Attachment not found."))
	}
	if r.URL.Query().Get("Download") != "1" {
		resp.status = 200
		resp.header.Set("Content-Type", "text/html; charset=utf-8")
		resp.body = []byte("<html><body>Attachment " + html.EscapeString(a.str("FileName")) + "</body></html>")
		return resp
	}
	b, _ := a["_bytes"].([]byte)
	resp.status = 200
	resp.header.Set("Content-Type", "application/octet-stream")
	resp.header.Set("Content-Disposition", `attachment; filename="`+strings.ReplaceAll(a.str("FileName"), `"`, "")+`"`)
	resp.body = append([]byte(nil), b...)
	return resp
}
