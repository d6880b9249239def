package exacttest

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

type authCode struct {
	redirect string
	expires  time.Time
	used     bool
}

type accessToken struct {
	issued, expires time.Time
	chain           *chain
	gen             int // the generation of the refresh token issued with it
}

type chain struct {
	maxUsedGen int // refresh tokens of an older generation are dead
	lastIssued time.Time
	revoked    bool
}

type refreshToken struct {
	chain  *chain
	gen    int
	issued time.Time
}

func randomToken(prefix string, n int, enc *base64.Encoding) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return prefix + enc.EncodeToString(b)
}

func (s *Server) redirectAllowed(u string) bool {
	if len(s.opts.RedirectURLs) > 0 {
		for _, a := range s.opts.RedirectURLs {
			if a == u {
				return true
			}
		}
		return false
	}
	p, err := url.Parse(u)
	if err != nil || p.Scheme != "http" {
		return false
	}
	h := p.Hostname()
	return h == "127.0.0.1" || h == "localhost" || h == "::1"
}

// newCode issues a single-use authorization code; callers hold s.mu.
func (s *Server) newCode(redirect string) string {
	code := randomToken("stampNL001.", 48, base64.RawURLEncoding)
	s.codes[code] = &authCode{redirect: redirect, expires: s.now().Add(s.opts.CodeTTL)}
	return code
}

// Authorize is the shortcut for a user consenting in the browser: it returns
// a fresh code for redirectURI.
func (s *Server) Authorize(t testing.TB, redirectURI string) string {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.redirectAllowed(redirectURI) {
		t.Fatalf("exacttest: redirect URI %q not allowed", redirectURI)
	}
	return s.newCode(redirectURI)
}

// RevokeTokens kills every refresh chain and access token (the user revoked
// consent); a new authorization is needed.
func (s *Server) RevokeTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, rt := range s.refresh {
		rt.chain.revoked = true
	}
	s.revokeAt = s.now().Add(time.Nanosecond)
	for k := range s.access {
		delete(s.access, k)
	}
}

const consentPage = `<!DOCTYPE html>
<html><head><title>Exact Online - Toegang verlenen</title></head>
<body><h1>Exact Online (simulator)</h1>
<p>The application <b>%CLIENT%</b> requests access to your Exact Online administrations.</p>
<form method="post" action="/api/oauth2/auth">%HIDDEN%
<button type="submit" name="consent" value="allow">Allow</button>
<button type="submit" name="consent" value="deny">Deny</button>
</form></body></html>`

func (s *Server) handleAuth(r *http.Request) *response {
	resp := newResponse()
	if err := r.ParseForm(); err != nil {
		return plain(resp, 400, "Bad Request")
	}
	clientID := r.Form.Get("client_id")
	redirect := r.Form.Get("redirect_uri")
	state := r.Form.Get("state")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.count(r.Method, 0, "oauth2/auth")
	if clientID != s.opts.ClientID {
		return plain(resp, 400, "Bad Request: unknown client_id")
	}
	if !s.redirectAllowed(redirect) {
		return plain(resp, 400, "Bad Request: redirect_uri is not registered for this app")
	}
	target, _ := url.Parse(redirect)
	q := target.Query()
	if state != "" {
		q.Set("state", state)
	}
	if r.Form.Get("response_type") != "code" {
		q.Set("error", "unsupported_response_type")
		target.RawQuery = q.Encode()
		resp.header.Set("Location", target.String())
		resp.status = http.StatusFound
		return resp
	}
	switch {
	case r.Method == http.MethodPost && r.PostForm.Get("consent") == "deny":
		q.Set("error", "access_denied")
	case s.opts.AutoConsent || (r.Method == http.MethodPost && r.PostForm.Get("consent") == "allow"):
		q.Set("code", s.newCode(redirect))
	default:
		var hidden strings.Builder
		for _, k := range []string{"client_id", "redirect_uri", "response_type", "state"} {
			hidden.WriteString(`<input type="hidden" name="` + k + `" value="` + html.EscapeString(r.Form.Get(k)) + `">`)
		}
		page := strings.NewReplacer("%CLIENT%", html.EscapeString(clientID), "%HIDDEN%", hidden.String()).Replace(consentPage)
		resp.status = 200
		resp.header.Set("Content-Type", "text/html; charset=utf-8")
		resp.body = []byte(page)
		return resp
	}
	target.RawQuery = q.Encode()
	resp.header.Set("Location", target.String())
	resp.status = http.StatusFound
	return resp
}

func plain(resp *response, status int, msg string) *response {
	resp.status = status
	resp.header.Set("Content-Type", "text/plain; charset=utf-8")
	resp.body = []byte(msg)
	return resp
}

func tokenError(resp *response, status int, code, desc string) *response {
	b, _ := json.Marshal(map[string]string{"error": code, "error_description": desc})
	resp.header.Set("Cache-Control", "no-store")
	return resp.json(status, b)
}

const dotnetTime = "1/2/2006 3:04:05 PM"

func (s *Server) handleToken(r *http.Request) *response {
	resp := newResponse()
	s.mu.Lock()
	s.count(r.Method, 0, "oauth2/token")
	fault := s.faults
	s.mu.Unlock()
	if fault.TokenStatus != 0 {
		if strings.HasPrefix(fault.TokenBody, "{") {
			return resp.json(fault.TokenStatus, []byte(fault.TokenBody))
		}
		resp.header.Set("Content-Type", "text/html; charset=utf-8")
		resp.status, resp.body = fault.TokenStatus, []byte(fault.TokenBody)
		return resp
	}
	if r.Method != http.MethodPost {
		return plain(resp, 405, "Method Not Allowed")
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return plain(resp, 400, "Bad Request")
	}
	if err := r.ParseForm(); err != nil {
		return plain(resp, 400, "Bad Request")
	}
	f := r.PostForm // the body only: query-string credentials are not read
	id, secret := f.Get("client_id"), f.Get("client_secret")
	if id == "" || secret == "" {
		return tokenError(resp, 400, "invalid_client", "client_id and client_secret must be sent in the request body")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if id != s.opts.ClientID || secret != s.opts.ClientSecret {
		return tokenError(resp, 401, "invalid_client", "Invalid client credentials.")
	}
	now := s.now()
	switch f.Get("grant_type") {
	case "authorization_code":
		c := s.codes[f.Get("code")]
		if c == nil || c.used || !now.Before(c.expires) || c.redirect != f.Get("redirect_uri") {
			return plain(resp, 400, "Bad Request")
		}
		c.used = true
		ch := &chain{lastIssued: now}
		return s.issue(resp, ch, 0, now)
	case "refresh_token":
		rt := s.refresh[f.Get("refresh_token")]
		if rt == nil || rt.chain.revoked {
			return tokenError(resp, 400, "invalid_grant", "Token is not allowed, because of invalid or empty chainId")
		}
		if exp := rt.issued.Add(s.opts.RefreshTokenTTL); !now.Before(exp) {
			return tokenError(resp, 400, "invalid_request", "The refresh token expired at "+exp.Format(dotnetTime)+" and it is now "+now.Format(dotnetTime)+".")
		}
		if rt.gen < rt.chain.maxUsedGen {
			return tokenError(resp, 401, "unauthorized_client", "Old refresh token used.")
		}
		if s.opts.MinRefreshAge > 0 && now.Before(rt.chain.lastIssued.Add(s.opts.MinRefreshAge)) {
			return tokenError(resp, 401, "invalid_request", "Access token not expired")
		}
		rt.chain.maxUsedGen = rt.gen
		rt.chain.lastIssued = now
		return s.issue(resp, rt.chain, rt.gen+1, now)
	case "":
		return tokenError(resp, 400, "invalid_request", "grant_type is required")
	default:
		return tokenError(resp, 400, "unsupported_grant_type", "The authorization grant type is not supported.")
	}
}

// accessUsed applies StrictRotation when an access token is accepted on the
// API: the refresh tokens older than the one issued with it die. Callers hold s.mu.
func (s *Server) accessUsed(at *accessToken) {
	if s.opts.StrictRotation && at.chain != nil && at.gen > at.chain.maxUsedGen {
		at.chain.maxUsedGen = at.gen
	}
}

func (s *Server) issue(resp *response, ch *chain, gen int, now time.Time) *response {
	at := randomToken("gAAAA", 420, base64.RawURLEncoding)
	rt := randomToken("yIA2!IAAA", 96, base64.StdEncoding) // contains '!', '+', '/', '=': must be form-encoded
	s.access[at] = &accessToken{issued: now, expires: now.Add(s.opts.TokenLifetime), chain: ch, gen: gen}
	s.refresh[rt] = &refreshToken{chain: ch, gen: gen, issued: now}
	b, _ := json.Marshal(map[string]string{
		"access_token":  at,
		"token_type":    "bearer",
		"expires_in":    strconv.Itoa(int(s.opts.TokenLifetime.Round(time.Second) / time.Second)),
		"refresh_token": rt,
	})
	resp.header.Set("Cache-Control", "no-store")
	return resp.json(200, b)
}
