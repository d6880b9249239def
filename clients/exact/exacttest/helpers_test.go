package exacttest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

const testRedirect = "http://127.0.0.1:8765/callback"

func newFakeClock() *Clock { return NewClock(time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)) }

type tokenBody struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    any    `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
	Error        string `json:"error"`
	Description  string `json:"error_description"`
}

func postToken(t *testing.T, s *Server, form url.Values) (int, tokenBody, string) {
	t.Helper()
	resp, err := http.Post(s.URL()+"/api/oauth2/token", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var tb tokenBody
	_ = json.Unmarshal(raw, &tb)
	return resp.StatusCode, tb, string(raw)
}

func codeForm(s *Server, code string) url.Values {
	return url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {testRedirect},
		"client_id": {s.ClientID()}, "client_secret": {s.ClientSecret()}}
}

func refreshForm(s *Server, rt string) url.Values {
	return url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt},
		"client_id": {s.ClientID()}, "client_secret": {s.ClientSecret()}}
}

// login returns a fresh access token.
func login(t *testing.T, s *Server) tokenBody {
	t.Helper()
	st, tb, raw := postToken(t, s, codeForm(s, s.Authorize(t, testRedirect)))
	if st != 200 {
		t.Fatalf("token exchange: got %d %s, want 200", st, raw)
	}
	return tb
}

type apiResult struct {
	status int
	header http.Header
	body   []byte
}

func (r apiResult) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body is not JSON: %v: %s", err, r.body)
	}
	return m
}

// errMsg extracts error.message.value.
func (r apiResult) errMsg(t *testing.T) string {
	t.Helper()
	m := r.json(t)
	e, _ := m["error"].(map[string]any)
	msg, _ := e["message"].(map[string]any)
	v, _ := msg["value"].(string)
	return v
}

// results returns the rows of a collection reply in either shape, and __next.
func (r apiResult) results(t *testing.T) ([]map[string]any, string) {
	t.Helper()
	m := r.json(t)
	switch d := m["d"].(type) {
	case []any:
		return toMaps(d), ""
	case map[string]any:
		res, ok := d["results"].([]any)
		if !ok {
			t.Fatalf("d has no results: %s", r.body)
		}
		next, _ := d["__next"].(string)
		return toMaps(res), next
	}
	t.Fatalf("unexpected body: %s", r.body)
	return nil, ""
}

func toMaps(a []any) []map[string]any {
	out := make([]map[string]any, len(a))
	for i, v := range a {
		out[i], _ = v.(map[string]any)
	}
	return out
}

type client struct {
	t     *testing.T
	s     *Server
	token string
	div   string
}

func newClient(t *testing.T, s *Server) *client {
	t.Helper()
	return &client{t: t, s: s, token: login(t, s).AccessToken, div: itoa(s.DefaultDivision())}
}

func itoa(n int) string { return strconv.Itoa(n) }

// do sends a request; path is relative to /api/v1/{division}/ unless it
// starts with "/" or "http".
func (c *client) do(method, path string, body any, hdr ...string) apiResult {
	c.t.Helper()
	u := path
	switch {
	case strings.HasPrefix(path, "http"):
	case strings.HasPrefix(path, "/"):
		u = c.s.URL() + path
	default:
		u = c.s.URL() + "/api/v1/" + c.div + "/" + path
	}
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		enc, _ := json.Marshal(b)
		rd = bytes.NewReader(enc)
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	req.Header.Set("Accept", "application/json")
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return apiResult{status: resp.StatusCode, header: resp.Header, body: raw}
}

func (c *client) get(path string) apiResult { return c.do("GET", path, nil) }

// create POSTs with Prefer: return=representation and returns d.
func (c *client) create(path string, body any) map[string]any {
	c.t.Helper()
	r := c.do("POST", path, body, "Prefer", "return=representation")
	if r.status != 201 {
		c.t.Fatalf("POST %s: got %d %s, want 201", path, r.status, r.body)
	}
	d, _ := r.json(c.t)["d"].(map[string]any)
	return d
}

// q builds path?query with proper encoding.
func q(path string, kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return path + "?" + strings.ReplaceAll(v.Encode(), "+", "%20")
}

// seedID returns the ID of a seeded record found by Code.
func seedID(t *testing.T, s *Server, set, code string) string {
	t.Helper()
	for _, r := range s.Entities(s.DefaultDivision(), set) {
		if c, _ := r["Code"].(string); strings.TrimSpace(c) == code {
			return r["ID"].(string)
		}
	}
	t.Fatalf("no %s with code %q", set, code)
	return ""
}
