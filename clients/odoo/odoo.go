package odoo

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"
)

// Config says which Odoo to reach and as whom.
type Config struct {
	// URL is the server's base URL, e.g. https://mycompany.odoo.com.
	URL string
	// Database is the database name (sent with every call).
	Database string
	// Login is the user's login (e-mail); needed by authenticate.
	Login string
	// APIKey is the user's API key (or password, XML-RPC only). Never logged.
	APIKey string
	// CompanyID, when set, restricts every call to this company through the
	// context key allowed_company_ids.
	CompanyID int64
	// Transport is TransportAuto (or ""), TransportXMLRPC or TransportJSON2.
	Transport string
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient sets the HTTP client used for every request (timeouts, proxies, TLS).
func WithHTTPClient(hc *http.Client) Option { return func(c *Client) { c.http = hc } }

// WithLogger logs every call (model, method, duration; never arguments) at debug level.
func WithLogger(l *zap.Logger) Option { return func(c *Client) { c.log = l } }

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option { return func(c *Client) { c.userAgent = ua } }

// ServerVersion is what common.version() reports.
type ServerVersion struct {
	Version  string // "17.0", "saas~17.1", "19.0"
	Major    int
	Minor    int
	Serie    string
	Protocol int
}

func (v ServerVersion) String() string { return v.Version }

// Client talks to one Odoo database as one user. It is safe for concurrent use.
type Client struct {
	http      *http.Client
	log       *zap.Logger
	userAgent string

	base      string
	db        string
	companyID int64
	version   ServerVersion
	uid       int64
	transport Transport

	mu         sync.Mutex
	fields     map[string]map[string]Field
	countries  map[int64]string
	currencies map[int64]Currency
}

// Dial connects to Odoo: it reads the server version, picks the transport
// (JSON-2 for 19+ in auto mode, XML-RPC otherwise), and authenticates.
// Wrong credentials give a *Fault matching ErrAccessDenied.
func Dial(ctx context.Context, cfg Config, opts ...Option) (*Client, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	c := &Client{
		base:      strings.TrimRight(cfg.URL, "/"),
		db:        cfg.Database,
		companyID: cfg.CompanyID,
		userAgent: "exactsync-odoo",
	}
	for _, o := range opts {
		o(c)
	}
	if c.http == nil {
		c.http = &http.Client{Timeout: 2 * time.Minute}
	}
	if c.log == nil {
		c.log = zap.NewNop()
	}

	x := &xmlrpcTransport{base: c.base, http: c.http, userAgent: c.userAgent, db: cfg.Database, key: cfg.APIKey}

	start := time.Now()
	raw, err := x.version(ctx)
	c.logCall("common", "version", TransportXMLRPC, start, err)
	if err != nil {
		return nil, err
	}
	if c.version, err = parseVersion(raw); err != nil {
		return nil, err
	}

	start = time.Now()
	raw, err = x.authenticate(ctx, cfg.Login)
	c.logCall("common", "authenticate", TransportXMLRPC, start, err)
	if err != nil {
		return nil, err
	}
	uid, ok := asInt(raw)
	if !ok || uid <= 0 {
		return nil, &Fault{Code: faultAccessDenied, Model: "common", Method: "authenticate",
			Name: "odoo.exceptions.AccessDenied", Message: "Access Denied (wrong login or API key)", class: Access}
	}
	c.uid = uid
	x.uid = uid

	switch cfg.Transport {
	case TransportXMLRPC:
		c.transport = x
	case TransportJSON2:
		if c.version.Major < 19 {
			return nil, fmt.Errorf("odoo: JSON-2 needs Odoo 19 or later, server is %s", c.version.Version)
		}
		c.transport = &json2Transport{base: c.base, http: c.http, userAgent: c.userAgent, db: cfg.Database, key: cfg.APIKey}
	default:
		if c.version.Major >= 19 {
			c.transport = &json2Transport{base: c.base, http: c.http, userAgent: c.userAgent, db: cfg.Database, key: cfg.APIKey}
		} else {
			c.transport = x
		}
	}
	c.log.Debug("odoo connected", zap.String("odoo_version", c.version.Version),
		zap.String("odoo_transport", c.transport.Name()), zap.Int64("odoo_uid", uid),
		zap.Int64("odoo_company", c.companyID))
	return c, nil
}

func (cfg Config) validate() error {
	var missing []string
	if cfg.URL == "" {
		missing = append(missing, "URL")
	}
	if cfg.Database == "" {
		missing = append(missing, "Database")
	}
	if cfg.Login == "" {
		missing = append(missing, "Login")
	}
	if cfg.APIKey == "" {
		missing = append(missing, "APIKey")
	}
	if len(missing) > 0 {
		return fmt.Errorf("odoo: config is missing %s", strings.Join(missing, ", "))
	}
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("odoo: config URL %q is not an http(s) URL", cfg.URL)
	}
	switch cfg.Transport {
	case "", TransportAuto, TransportXMLRPC, TransportJSON2:
	default:
		return fmt.Errorf("odoo: config Transport %q: want auto, xmlrpc or json2", cfg.Transport)
	}
	return nil
}

func parseVersion(raw any) (ServerVersion, error) {
	m, ok := raw.(map[string]any)
	if !ok {
		return ServerVersion{}, fmt.Errorf("odoo: version(): unexpected answer %T", raw)
	}
	var v ServerVersion
	v.Version, _ = m["server_version"].(string)
	v.Serie, _ = m["server_serie"].(string)
	if p, ok := asInt(m["protocol_version"]); ok {
		v.Protocol = int(p)
	}
	if info, ok := m["server_version_info"].([]any); ok && len(info) >= 2 {
		if n, ok := asInt(info[0]); ok {
			v.Major = int(n)
		} else if s, ok := info[0].(string); ok {
			v.Major = leadingInt(strings.TrimPrefix(s, "saas~"))
		}
		if n, ok := asInt(info[1]); ok {
			v.Minor = int(n)
		}
	}
	if v.Major == 0 {
		s := strings.TrimPrefix(v.Version, "saas~")
		v.Major = leadingInt(s)
		if i := strings.IndexByte(s, '.'); i >= 0 {
			v.Minor = leadingInt(s[i+1:])
		}
	}
	if v.Major == 0 {
		return v, fmt.Errorf("odoo: version(): cannot read server version from %q", v.Version)
	}
	return v, nil
}

func leadingInt(s string) int {
	end := 0
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	n, _ := strconv.Atoi(s[:end])
	return n
}

// ServerVersion is the version reported by the server at Dial.
func (c *Client) ServerVersion() ServerVersion { return c.version }

// UID is the authenticated user's id.
func (c *Client) UID() int64 { return c.uid }

// TransportName is "xmlrpc" or "json2".
func (c *Client) TransportName() string { return c.transport.Name() }

// CompanyID is the company every call is restricted to (0: the user's default).
func (c *Client) CompanyID() int64 { return c.companyID }

// Execute calls any public model method (the escape hatch under the typed
// operations). args is empty or holds one []int64 of record ids; everything
// else is named in kwargs. The company context is merged into kwargs["context"].
func (c *Client) Execute(ctx context.Context, model, method string, args []any, kwargs map[string]any) (any, error) {
	return c.call(ctx, model, method, args, kwargs)
}

func (c *Client) call(ctx context.Context, model, method string, args []any, kwargs map[string]any) (any, error) {
	kw := make(map[string]any, len(kwargs)+1)
	for k, v := range kwargs {
		kw[k] = v
	}
	callCtx := map[string]any{}
	if c.companyID != 0 {
		callCtx["allowed_company_ids"] = []int64{c.companyID}
	}
	if extra, ok := kwargs["context"].(map[string]any); ok {
		for k, v := range extra {
			callCtx[k] = v
		}
	}
	if len(callCtx) > 0 {
		kw["context"] = callCtx
	}
	start := time.Now()
	res, err := c.transport.Call(ctx, model, method, args, kw)
	c.logCall(model, method, c.transport.Name(), start, err)
	return res, err
}

func (c *Client) logCall(model, method, transport string, start time.Time, err error) {
	if !c.log.Core().Enabled(zap.DebugLevel) && err == nil {
		return
	}
	fields := []zap.Field{
		zap.String("odoo_model", model), zap.String("odoo_method", method),
		zap.String("odoo_transport", transport), zap.Duration("duration", time.Since(start)),
	}
	if err != nil {
		var f *Fault
		if errors.As(err, &f) {
			fields = append(fields, zap.String("odoo_error_class", f.Class().String()))
		}
		c.log.Debug("odoo call failed", append(fields, zap.Error(err))...)
		return
	}
	c.log.Debug("odoo call", fields...)
}
