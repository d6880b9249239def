package exact

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// Site is an Exact Online country site; a user's data lives on exactly one.
type Site string

// The Exact Online sites.
const (
	SiteNL  Site = "nl"
	SiteBE  Site = "be"
	SiteDE  Site = "de"
	SiteUK  Site = "uk"
	SiteFR  Site = "fr"
	SiteES  Site = "es"
	SiteCOM Site = "com"
)

var siteURLs = map[Site]string{
	SiteNL:  "https://start.exactonline.nl",
	SiteBE:  "https://start.exactonline.be",
	SiteDE:  "https://start.exactonline.de",
	SiteUK:  "https://start.exactonline.co.uk",
	SiteFR:  "https://start.exactonline.fr",
	SiteES:  "https://start.exactonline.es",
	SiteCOM: "https://start.exactonline.com",
}

// ParseSite validates a site name (nl, be, de, uk, fr, es, com; case-insensitive).
func ParseSite(s string) (Site, error) {
	site := Site(strings.ToLower(strings.TrimSpace(s)))
	if _, err := site.BaseURL(); err != nil {
		return "", err
	}
	return site, nil
}

// BaseURL returns the site's base URL, used for both OAuth and the API.
func (s Site) BaseURL() (string, error) {
	u, ok := siteURLs[Site(strings.ToLower(string(s)))]
	if !ok {
		return "", fmt.Errorf("exact: unknown site %q (want nl, be, de, uk, fr, es or com)", string(s))
	}
	return u, nil
}

// Config is the registered app plus the site it talks to.
type Config struct {
	ClientID     string
	ClientSecret string
	RedirectURL  string
	// Site selects the base URL; BaseURL, when set, overrides it (simulator).
	Site    Site
	BaseURL string
	// HTTPClient is used for the token endpoint; nil means http.DefaultClient.
	HTTPClient *http.Client
	// Now is the clock (default time.Now).
	Now func() time.Time
}

func (c *Config) base() (string, error) {
	if c.BaseURL != "" {
		return strings.TrimRight(c.BaseURL, "/"), nil
	}
	return c.Site.BaseURL()
}

func (c *Config) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// OAuth2Config returns the x/oauth2 configuration: credentials in the form
// body (Exact rejects HTTP Basic), AuthURL {base}/api/oauth2/auth and
// TokenURL {base}/api/oauth2/token. With an unknown site the URLs are empty.
func (c *Config) OAuth2Config() *oauth2.Config {
	base, _ := c.base()
	return &oauth2.Config{
		ClientID:     c.ClientID,
		ClientSecret: c.ClientSecret,
		RedirectURL:  c.RedirectURL,
		Endpoint: oauth2.Endpoint{
			AuthURL:   base + "/api/oauth2/auth",
			TokenURL:  base + "/api/oauth2/token",
			AuthStyle: oauth2.AuthStyleInParams,
		},
	}
}

// AuthCodeURL is the consent URL to send the user's browser to.
func (c *Config) AuthCodeURL(state string) string {
	return c.OAuth2Config().AuthCodeURL(state)
}

// Exchange trades an authorization code for the first token pair.
func (c *Config) Exchange(ctx context.Context, code string) (*Token, error) {
	if _, err := c.base(); err != nil {
		return nil, err
	}
	start := c.now()
	t, err := c.OAuth2Config().Exchange(c.ctx(ctx), code)
	if err != nil {
		return nil, tokenError("authorization_code", err)
	}
	return c.fromOAuth2(t, start), nil
}

// Refresh uses refreshToken once and returns the new pair. Exact rotates
// refresh tokens: persist the result before using it. Most callers want a
// StoreTokenSource instead.
func (c *Config) Refresh(ctx context.Context, refreshToken string) (*Token, error) {
	if _, err := c.base(); err != nil {
		return nil, err
	}
	start := c.now()
	// An empty access token makes x/oauth2 refresh at once.
	t, err := c.OAuth2Config().TokenSource(c.ctx(ctx), &oauth2.Token{RefreshToken: refreshToken}).Token()
	if err != nil {
		return nil, tokenError("refresh_token", err)
	}
	return c.fromOAuth2(t, start), nil
}

func (c *Config) ctx(ctx context.Context) context.Context {
	if c.HTTPClient != nil {
		return context.WithValue(ctx, oauth2.HTTPClient, c.HTTPClient)
	}
	return ctx
}

// fromOAuth2 converts: Expiry counts from before the request (never later
// than Exact's), IssuedAt is after the answer (never earlier than Exact's).
func (c *Config) fromOAuth2(t *oauth2.Token, start time.Time) *Token {
	issued := c.now()
	expiry := t.Expiry
	if t.ExpiresIn > 0 {
		expiry = start.Add(time.Duration(t.ExpiresIn) * time.Second)
	}
	if expiry.IsZero() {
		expiry = start.Add(600 * time.Second)
	}
	return &Token{AccessToken: t.AccessToken, RefreshToken: t.RefreshToken, Expiry: expiry, IssuedAt: issued}
}

func tokenError(grant string, err error) error {
	te := &TokenError{Grant: grant, Err: err}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		te.Err = nil // RetrieveError's text repeats the body; keep the parsed parts
		if re.Response != nil {
			te.StatusCode = re.Response.StatusCode
		}
		te.Code = re.ErrorCode
		te.Description = re.ErrorDescription
		if te.Code == "" && te.Description == "" {
			te.Description = truncate(strings.TrimSpace(string(re.Body)), 300)
		}
	}
	return te
}

// Token is an Exact token pair. Marshal it with encoding/json for storage
// (the JSON holds the secrets; never log it). String redacts.
type Token struct {
	AccessToken  string    `json:"access_token"`
	RefreshToken string    `json:"refresh_token"`
	Expiry       time.Time `json:"expiry"`
	IssuedAt     time.Time `json:"issued_at"`
}

// String describes the token without its secrets.
func (t *Token) String() string {
	if t == nil {
		return "<nil token>"
	}
	return fmt.Sprintf("exact.Token{issued %s, expires %s}", t.IssuedAt.Format(time.RFC3339), t.Expiry.Format(time.RFC3339))
}

// GoString redacts like String.
func (t *Token) GoString() string { return t.String() }

// ParseToken decodes stored token bytes.
func ParseToken(b []byte) (*Token, error) {
	var t Token
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("exact: stored token is not valid JSON: %w", err)
	}
	if t.RefreshToken == "" {
		return nil, errors.New("exact: stored token has no refresh token")
	}
	return &t, nil
}

// TokenStore persists one token pair per connection.
type TokenStore interface {
	// LoadToken returns the stored bytes, nil, nil when none are stored.
	LoadToken(ctx context.Context, connectionID int64) ([]byte, error)
	// UpdateToken holds an exclusive cross-process lock for connectionID
	// while fn runs, passes the currently stored bytes, and persists what fn
	// returns (nil = unchanged) before releasing the lock.
	UpdateToken(ctx context.Context, connectionID int64, fn func(current []byte) ([]byte, error)) error
}

// SaveToken stores t for connectionID (after Exchange).
func SaveToken(ctx context.Context, store TokenStore, connectionID int64, t *Token) error {
	b, err := json.Marshal(t)
	if err != nil {
		return err
	}
	return store.UpdateToken(ctx, connectionID, func([]byte) ([]byte, error) { return b, nil })
}
