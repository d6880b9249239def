// Package exact is a client for the Exact Online REST API (OData v2 JSON):
// OAuth2 with rotating refresh tokens kept in a TokenStore, one Client with
// a service per API area, typed resources, a literal-escaping $filter
// builder, paging as iterators, rate-limit budgets read from headers (a
// request the division's budget cannot pay for is not sent), and
// one CheckResponse that turns every non-2xx answer into a typed error.
//
// The client never retries, except once after a 401 (refresh the token under
// the store's lock, repeat that one request). Callers (Temporal activities)
// decide on retries with Error.Class, RateLimitError.RetryAfter and
// errors.Is(err, ErrReconsentNeeded).
//
// Exact quirks handled here: "/Date(ms)/" is Amsterdam wall-clock written as
// UTC (see Date); codes are space-padded (PadCode, TrimCode); amounts are
// decimal.Decimal and travel as JSON numbers; collections come as
// {"d":{"results":[…],"__next":…}} or as a bare {"d":[…]}; $select is always
// sent. The simulator in package exacttest speaks the same wire protocol.
package exact

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"
)

// Client talks to one Exact Online site for one connection (token source).
// Every call names its division explicitly; CurrentDivision is never used.
type Client struct {
	baseURL    *url.URL
	httpClient *http.Client
	tokens     TokenSource
	logger     *zap.Logger
	userAgent  string
	now        func() time.Time

	rateMu sync.Mutex
	rates  map[int]RateLimit

	common service

	Accounts            *AccountsService
	BankAccounts        *BankAccountsService
	PaymentConditions   *PaymentConditionsService
	VATCodes            *VATCodesService
	GLAccounts          *GLAccountsService
	Journals            *JournalsService
	FinancialPeriods    *FinancialPeriodsService
	CostCenters         *CostCentersService
	CostUnits           *CostUnitsService
	SalesEntries        *SalesEntriesService
	PurchaseEntries     *PurchaseEntriesService
	Documents           *DocumentsService
	DocumentAttachments *DocumentAttachmentsService
	DocumentTypes       *DocumentTypesService
	Cashflow            *CashflowService
	Deleted             *DeletedService
}

type service struct{ client *Client }

// Option configures a Client.
type Option func(*Client) error

// WithSite selects the Exact Online site (nl, be, de, uk, fr, es, com).
func WithSite(s Site) Option {
	return func(c *Client) error {
		u, err := s.BaseURL()
		if err != nil {
			return err
		}
		return WithBaseURL(u)(c)
	}
}

// WithBaseURL sets the site base URL directly (the simulator's URL).
func WithBaseURL(base string) Option {
	return func(c *Client) error {
		u, err := url.Parse(strings.TrimRight(base, "/"))
		if err != nil || u.Scheme == "" || u.Host == "" {
			return fmt.Errorf("exact: bad base URL %q", base)
		}
		c.baseURL = u
		return nil
	}
}

// WithHTTPClient sets the HTTP client (timeouts, transport).
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error { c.httpClient = hc; return nil }
}

// WithTokenSource sets where access tokens come from (required).
func WithTokenSource(ts TokenSource) Option {
	return func(c *Client) error { c.tokens = ts; return nil }
}

// WithLogger logs every request at debug level (method, path, status,
// duration, division); never tokens.
func WithLogger(l *zap.Logger) Option {
	return func(c *Client) error {
		if l != nil {
			c.logger = l
		}
		return nil
	}
}

// WithClock sets the clock the budget check compares rate-limit resets with
// (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(c *Client) error {
		if now != nil {
			c.now = now
		}
		return nil
	}
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(c *Client) error { c.userAgent = ua; return nil }
}

// NewClient builds a client; WithSite or WithBaseURL and WithTokenSource are required.
func NewClient(opts ...Option) (*Client, error) {
	c := &Client{
		httpClient: &http.Client{Timeout: 60 * time.Second},
		logger:     zap.NewNop(),
		userAgent:  "exactsync",
		now:        time.Now,
		rates:      map[int]RateLimit{},
	}
	for _, o := range opts {
		if err := o(c); err != nil {
			return nil, err
		}
	}
	if c.baseURL == nil {
		return nil, errors.New("exact: no site or base URL configured")
	}
	if c.tokens == nil {
		return nil, errors.New("exact: no token source configured")
	}
	c.common.client = c
	c.Accounts = (*AccountsService)(&c.common)
	c.BankAccounts = (*BankAccountsService)(&c.common)
	c.PaymentConditions = (*PaymentConditionsService)(&c.common)
	c.VATCodes = (*VATCodesService)(&c.common)
	c.GLAccounts = (*GLAccountsService)(&c.common)
	c.Journals = (*JournalsService)(&c.common)
	c.FinancialPeriods = (*FinancialPeriodsService)(&c.common)
	c.CostCenters = (*CostCentersService)(&c.common)
	c.CostUnits = (*CostUnitsService)(&c.common)
	c.SalesEntries = newSalesEntries(c)
	c.PurchaseEntries = newPurchaseEntries(c)
	c.Documents = (*DocumentsService)(&c.common)
	c.DocumentAttachments = (*DocumentAttachmentsService)(&c.common)
	c.DocumentTypes = (*DocumentTypesService)(&c.common)
	c.Cashflow = (*CashflowService)(&c.common)
	c.Deleted = (*DeletedService)(&c.common)
	return c, nil
}

// BaseURL is the site base URL.
func (c *Client) BaseURL() string { return c.baseURL.String() }

// RateLimits returns the last known budget of division (zero when unknown).
func (c *Client) RateLimits(division int) RateLimit {
	c.rateMu.Lock()
	defer c.rateMu.Unlock()
	return c.rates[division]
}

func (c *Client) noteRates(division int, h http.Header) {
	if division == 0 {
		return
	}
	c.rateMu.Lock()
	defer c.rateMu.Unlock()
	rl := c.rates[division]
	if applyRateHeaders(&rl, h) {
		c.rates[division] = rl
	}
}

func headerInt(h http.Header, k string) (int64, bool) {
	v := h.Get(k)
	if v == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	return n, err == nil
}

// budgetLeft refuses a call that could only earn a 429: the division's last
// answer said its daily or minutely budget is used up until a reset that has
// not come yet. The *RateLimitError has no APIError: no request was sent.
func (c *Client) budgetLeft(division int) error {
	if division == 0 {
		return nil
	}
	rl := c.RateLimits(division)
	now := c.now()
	switch {
	case rl.DailyLimit > 0 && rl.DailyRemaining <= 0 && rl.DailyReset.After(now):
		return &RateLimitError{Window: "daily", Reset: rl.DailyReset, Limits: rl}
	case rl.MinutelyLimit > 0 && rl.MinutelyRemaining <= 0 && rl.MinutelyReset.After(now):
		return &RateLimitError{Window: "minutely", Reset: rl.MinutelyReset, Limits: rl}
	}
	return nil
}

// applyRateHeaders updates rl with the headers present; absent ones keep
// their previous values (a 429 carries only the exhausted window).
func applyRateHeaders(rl *RateLimit, h http.Header) bool {
	changed := false
	if n, ok := headerInt(h, "X-RateLimit-Limit"); ok {
		rl.DailyLimit, changed = int(n), true
	}
	if n, ok := headerInt(h, "X-RateLimit-Remaining"); ok {
		rl.DailyRemaining, changed = int(n), true
	}
	if n, ok := headerInt(h, "X-RateLimit-Reset"); ok {
		rl.DailyReset, changed = time.UnixMilli(n).UTC(), true
	}
	if n, ok := headerInt(h, "X-RateLimit-Minutely-Limit"); ok {
		rl.MinutelyLimit, changed = int(n), true
	}
	if n, ok := headerInt(h, "X-RateLimit-Minutely-Remaining"); ok {
		rl.MinutelyRemaining, changed = int(n), true
	}
	if n, ok := headerInt(h, "X-RateLimit-Minutely-Reset"); ok {
		rl.MinutelyReset, changed = time.UnixMilli(n).UTC(), true
	}
	return changed
}

// request is one API call, re-playable for the single 401 retry.
type request struct {
	method   string
	url      *url.URL
	division int
	body     []byte
	prefer   bool
}

// apiURL builds {base}/api/v1/{division}/{resource} with an encoded query.
func (c *Client) apiURL(division int, resource string, query [][2]string) (*url.URL, error) {
	seg := strconv.Itoa(division)
	if division == 0 {
		seg = "current"
	}
	var q strings.Builder
	for i, kv := range query {
		if i > 0 {
			q.WriteByte('&')
		}
		q.WriteString(kv[0])
		q.WriteByte('=')
		q.WriteString(escapeQueryValue(kv[1]))
	}
	raw := c.baseURL.String() + "/api/v1/" + seg + "/" + resource
	if q.Len() > 0 {
		raw += "?" + q.String()
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("exact: build URL: %w", err)
	}
	return u, nil
}

// escapeQueryValue percent-encodes everything but unreserved characters and
// the OData punctuation Exact writes literally (spaces as %20, never '+').
func escapeQueryValue(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || strings.IndexByte("-_.~,$", ch) >= 0 {
			b.WriteByte(ch)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", ch)
	}
	return b.String()
}

// sameOrigin reports whether u may receive the bearer token.
func (c *Client) sameOrigin(u *url.URL) bool {
	return strings.EqualFold(u.Scheme, c.baseURL.Scheme) && strings.EqualFold(u.Host, c.baseURL.Host)
}

// do sends r, refreshing the token and repeating once after a 401, checks
// the response and returns the body of a 2xx answer. A request whose
// division has no budget left until a future reset is not sent (see send).
func (c *Client) do(ctx context.Context, r *request) ([]byte, error) {
	if !c.sameOrigin(r.url) {
		return nil, fmt.Errorf("exact: refusing to send credentials to %s://%s", r.url.Scheme, r.url.Host)
	}
	if err := c.budgetLeft(r.division); err != nil {
		return nil, err // before the token: a used-up budget needs no refresh either
	}
	tok, err := c.tokens.Token(ctx)
	if err != nil {
		return nil, err
	}
	resp, body, err := c.send(ctx, r, tok.AccessToken)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusUnauthorized {
		tok, err = c.tokens.Reject(ctx, tok.AccessToken)
		if err != nil {
			return nil, fmt.Errorf("exact: %s %s: 401, token refresh failed: %w", r.method, redactURL(r.url), err)
		}
		resp, body, err = c.send(ctx, r, tok.AccessToken)
		if err != nil {
			return nil, err
		}
	}
	if err := checkResponse(resp, body); err != nil {
		var re *RateLimitError
		if errors.As(err, &re) {
			re.Limits = c.RateLimits(r.division)
		}
		return nil, err
	}
	return body, nil
}

// send makes one request, unless the division's budget is known to be used up.
func (c *Client) send(ctx context.Context, r *request, accessToken string) (*http.Response, []byte, error) {
	if err := c.budgetLeft(r.division); err != nil {
		c.logger.Debug("exact request not sent: budget used up", zap.String("method", r.method), zap.String("path", r.url.Path),
			zap.Int("division", r.division), zap.String("error_class", ClassRateLimit.String()))
		return nil, nil, err
	}
	var rd io.Reader
	if r.body != nil {
		rd = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, r.url.String(), rd)
	if err != nil {
		return nil, nil, fmt.Errorf("exact: build request: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if r.prefer {
		req.Header.Set("Prefer", "return=representation")
	}
	start := time.Now()
	resp, err := c.httpClient.Do(req)
	if err != nil {
		c.logger.Debug("exact request failed", zap.String("method", r.method), zap.String("path", r.url.Path),
			zap.Int("division", r.division), zap.Duration("duration", time.Since(start)), zap.String("error_class", ClassTransient.String()))
		return nil, nil, networkError(req, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 256<<20))
	if err != nil {
		return nil, nil, networkError(req, err)
	}
	c.noteRates(r.division, resp.Header)
	c.logger.Debug("exact request", zap.String("method", r.method), zap.String("path", r.url.Path),
		zap.Int("status", resp.StatusCode), zap.Int("division", r.division), zap.Duration("duration", time.Since(start)))
	return resp, body, nil
}

// ---- generic operations ----------------------------------------------------

// ListOptions narrows a List.
type ListOptions struct {
	// Filter is the $filter (build it with Eq, And, …). Some endpoints
	// (crm/Accounts) demand one.
	Filter Filter
	// OrderBy is the $orderby, e.g. "Modified asc".
	OrderBy string
	// Top caps the number of records (0 = all).
	Top int
	// Expand names navigation properties to expand (e.g. "SalesEntryLines").
	Expand []string
}

var orderByPattern = fieldName

func listQuery[T any](opts *ListOptions) ([][2]string, error) {
	if opts == nil {
		opts = &ListOptions{}
	}
	q := [][2]string{{"$select", selectOf[T](opts.Expand)}}
	if err := opts.Filter.Err(); err != nil {
		return nil, err
	}
	if f := opts.Filter.String(); f != "" {
		q = append(q, [2]string{"$filter", f})
	}
	if opts.OrderBy != "" {
		for _, part := range strings.Split(opts.OrderBy, ",") {
			fs := strings.Fields(part)
			if len(fs) == 0 || len(fs) > 2 || !orderByPattern.MatchString(fs[0]) ||
				(len(fs) == 2 && !strings.EqualFold(fs[1], "asc") && !strings.EqualFold(fs[1], "desc")) {
				return nil, fmt.Errorf("%w: bad $orderby %q", ErrInvalidFilter, opts.OrderBy)
			}
		}
		q = append(q, [2]string{"$orderby", opts.OrderBy})
	}
	for _, e := range opts.Expand {
		if !fieldName.MatchString(e) {
			return nil, fmt.Errorf("%w: bad $expand %q", ErrInvalidFilter, e)
		}
	}
	if len(opts.Expand) > 0 {
		q = append(q, [2]string{"$expand", strings.Join(opts.Expand, ",")})
	}
	if opts.Top > 0 {
		q = append(q, [2]string{"$top", strconv.Itoa(opts.Top)})
	}
	return q, nil
}

// list pages through resource, following __next verbatim.
func list[T any](ctx context.Context, c *Client, division int, resource string, opts *ListOptions) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		q, err := listQuery[T](opts)
		if err != nil {
			yield(nil, err)
			return
		}
		u, err := c.apiURL(division, resource, q)
		if err != nil {
			yield(nil, err)
			return
		}
		top := 0
		if opts != nil {
			top = opts.Top
		}
		n := 0
		for u != nil {
			body, err := c.do(ctx, &request{method: http.MethodGet, url: u, division: division})
			if err != nil {
				yield(nil, err)
				return
			}
			items, next, err := decodePage[T](body)
			if err != nil {
				yield(nil, err)
				return
			}
			for i := range items {
				if !yield(&items[i], nil) {
					return
				}
				n++
				if top > 0 && n >= top {
					return
				}
			}
			u = nil
			if next != "" {
				nu, err := url.Parse(next)
				if err != nil {
					yield(nil, fmt.Errorf("exact: bad __next link: %w", err))
					return
				}
				u = nu
			}
		}
	}
}

// Collect drains a List iterator into a slice.
func Collect[T any](seq iter.Seq2[*T, error]) ([]T, error) {
	var out []T
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, *v)
	}
	return out, nil
}

func guidKey(resource, id string) (string, error) {
	lit := Guid(id)
	if lit.err != nil {
		return "", fmt.Errorf("exact: %s: %w", resource, lit.err)
	}
	return resource + "(" + lit.text + ")", nil
}

func get[T any](ctx context.Context, c *Client, division int, keyed string, expand []string) (*T, error) {
	q := [][2]string{{"$select", selectOf[T](expand)}}
	if len(expand) > 0 {
		q = append(q, [2]string{"$expand", strings.Join(expand, ",")})
	}
	u, err := c.apiURL(division, keyed, q)
	if err != nil {
		return nil, err
	}
	body, err := c.do(ctx, &request{method: http.MethodGet, url: u, division: division})
	if err != nil {
		return nil, err
	}
	return decodeOne[T](body)
}

func getByGUID[T any](ctx context.Context, c *Client, division int, resource, id string, expand ...string) (*T, error) {
	keyed, err := guidKey(resource, id)
	if err != nil {
		return nil, err
	}
	return get[T](ctx, c, division, keyed, expand)
}

// create POSTs v with Prefer: return=representation and decodes the created entity.
func create[T any](ctx context.Context, c *Client, division int, resource string, v *T) (*T, error) {
	body, err := encodeCreate(v)
	if err != nil {
		return nil, err
	}
	u, err := c.apiURL(division, resource, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.do(ctx, &request{method: http.MethodPost, url: u, division: division, body: body, prefer: true})
	if err != nil {
		return nil, err
	}
	return decodeOne[T](resp)
}

// update PUTs only the given fields (Exact answers 204).
func update(ctx context.Context, c *Client, division int, resource, id string, fields Fields) error {
	keyed, err := guidKey(resource, id)
	if err != nil {
		return err
	}
	body, err := fields.encode()
	if err != nil {
		return err
	}
	u, err := c.apiURL(division, keyed, nil)
	if err != nil {
		return err
	}
	_, err = c.do(ctx, &request{method: http.MethodPut, url: u, division: division, body: body})
	return err
}

func remove(ctx context.Context, c *Client, division int, resource, id string) error {
	keyed, err := guidKey(resource, id)
	if err != nil {
		return err
	}
	u, err := c.apiURL(division, keyed, nil)
	if err != nil {
		return err
	}
	_, err = c.do(ctx, &request{method: http.MethodDelete, url: u, division: division})
	return err
}
