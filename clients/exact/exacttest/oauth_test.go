package exacttest

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestAuthEndpointRedirectsWithCodeAndState(t *testing.T) {
	s := NewServer(t)
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	u := s.URL() + "/api/oauth2/auth?" + url.Values{"client_id": {s.ClientID()}, "redirect_uri": {testRedirect},
		"response_type": {"code"}, "state": {"xyz"}, "force_login": {"0"}}.Encode()
	resp, err := noFollow.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got, want := resp.StatusCode, http.StatusFound; got != want {
		t.Fatalf("status: got %d, want %d", got, want)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := loc.Scheme+"://"+loc.Host+loc.Path, testRedirect; got != want {
		t.Errorf("redirect: got %q, want %q", got, want)
	}
	if got, want := loc.Query().Get("state"), "xyz"; got != want {
		t.Errorf("state: got %q, want %q", got, want)
	}
	st, tb, raw := postToken(t, s, codeForm(s, loc.Query().Get("code")))
	if st != 200 {
		t.Fatalf("exchange: got %d %s", st, raw)
	}
	if got, want := tb.ExpiresIn, any("600"); got != want {
		t.Errorf("expires_in: got %#v, want the JSON string %#v", got, want)
	}
	if got, want := tb.TokenType, "bearer"; got != want {
		t.Errorf("token_type: got %q, want %q", got, want)
	}
	if !strings.Contains(tb.RefreshToken, "!") {
		t.Errorf("refresh token %q should contain '!' like Exact's", tb.RefreshToken[:10])
	}
}

func TestAuthEndpointRejects(t *testing.T) {
	s := NewServer(t, func(o *Options) { o.RedirectURLs = []string{testRedirect} })
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	tests := []struct {
		name     string
		clientID string
		redirect string
		want     int
	}{
		{"unknown client", "nope", testRedirect, 400},
		{"unregistered redirect", s.ClientID(), "http://127.0.0.1:1/other", 400},
		{"registered", s.ClientID(), testRedirect, 302},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u := s.URL() + "/api/oauth2/auth?" + url.Values{"client_id": {tc.clientID}, "redirect_uri": {tc.redirect}, "response_type": {"code"}}.Encode()
			resp, err := noFollow.Get(u)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := resp.StatusCode; got != tc.want {
				t.Errorf("status: got %d, want %d", got, tc.want)
			}
		})
	}
}

func TestConsentPage(t *testing.T) {
	s := NewServer(t, func(o *Options) { o.AutoConsent = false })
	params := url.Values{"client_id": {s.ClientID()}, "redirect_uri": {testRedirect}, "response_type": {"code"}, "state": {"s1"}}
	resp, err := http.Get(s.URL() + "/api/oauth2/auth?" + params.Encode())
	if err != nil {
		t.Fatal(err)
	}
	buf := new(strings.Builder)
	_, _ = fmt.Fprint(buf, readAll(t, resp))
	if got := buf.String(); !strings.Contains(got, `value="allow"`) || !strings.Contains(got, "<form") {
		t.Fatalf("consent page lacks the Allow form: %s", got)
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	params.Set("consent", "allow")
	resp, err = noFollow.PostForm(s.URL()+"/api/oauth2/auth", params)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if loc == nil || loc.Query().Get("code") == "" || loc.Query().Get("state") != "s1" {
		t.Fatalf("allow: got Location %q, want code and state", resp.Header.Get("Location"))
	}
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b := new(strings.Builder)
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			return b.String()
		}
	}
}

func TestTokenEndpointErrors(t *testing.T) {
	clock := newFakeClock()
	s := NewServer(t, func(o *Options) { o.Now = clock.Now })
	used := s.Authorize(t, testRedirect)
	if st, _, raw := postToken(t, s, codeForm(s, used)); st != 200 {
		t.Fatalf("first exchange: %d %s", st, raw)
	}
	expired := s.Authorize(t, testRedirect)
	clock.Advance(4 * time.Minute)

	basic := func() (int, string) {
		form := codeForm(s, s.Authorize(t, testRedirect))
		form.Del("client_id")
		form.Del("client_secret")
		req, _ := http.NewRequest("POST", s.URL()+"/api/oauth2/token", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(s.ClientID(), s.ClientSecret())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, readAll(t, resp)
	}

	tests := []struct {
		name      string
		form      url.Values
		wantCode  int
		wantError string
		wantBody  string
	}{
		{"code reused", codeForm(s, used), 400, "", "Bad Request"},
		{"code expired", codeForm(s, expired), 400, "", "Bad Request"},
		{"unknown code", codeForm(s, "nope"), 400, "", "Bad Request"},
		{"wrong secret", func() url.Values {
			f := codeForm(s, s.Authorize(t, testRedirect))
			f.Set("client_secret", "x")
			return f
		}(), 401, "invalid_client", ""},
		{"redirect mismatch", func() url.Values {
			f := codeForm(s, s.Authorize(t, testRedirect))
			f.Set("redirect_uri", "http://127.0.0.1:1/x")
			return f
		}(), 400, "", "Bad Request"},
		{"unknown refresh token", refreshForm(s, "yIA2!nope"), 400, "invalid_grant", ""},
		{"unsupported grant", url.Values{"grant_type": {"client_credentials"}, "client_id": {s.ClientID()}, "client_secret": {s.ClientSecret()}}, 400, "unsupported_grant_type", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, tb, raw := postToken(t, s, tc.form)
			if st != tc.wantCode {
				t.Fatalf("status: got %d (%s), want %d", st, raw, tc.wantCode)
			}
			if tc.wantError != "" && tb.Error != tc.wantError {
				t.Errorf("error: got %q, want %q", tb.Error, tc.wantError)
			}
			if tc.wantBody != "" && raw != tc.wantBody {
				t.Errorf("body: got %q, want %q", raw, tc.wantBody)
			}
		})
	}
	t.Run("basic auth not accepted", func(t *testing.T) {
		if st, body := basic(); st != 400 {
			t.Errorf("got %d %s, want 400", st, body)
		}
	})
}

func TestRefreshRotationAndGraceRule(t *testing.T) {
	clock := newFakeClock()
	s := NewServer(t, func(o *Options) { o.Now = clock.Now })
	rt0 := login(t, s).RefreshToken

	// Too early: 570 s rule.
	clock.Advance(569 * time.Second)
	st, tb, _ := postToken(t, s, refreshForm(s, rt0))
	if st != 401 || tb.Description != "Access token not expired" {
		t.Fatalf("early refresh: got %d %q, want 401 %q", st, tb.Description, "Access token not expired")
	}
	clock.Advance(2 * time.Second)
	st, tb1, raw := postToken(t, s, refreshForm(s, rt0))
	if st != 200 {
		t.Fatalf("refresh rt0: got %d %s", st, raw)
	}
	if tb1.RefreshToken == rt0 {
		t.Fatal("refresh token did not rotate")
	}
	// RT0 stays valid until RT1 is used: a second refresh with RT0 forks.
	clock.Advance(600 * time.Second)
	st, tbFork, raw := postToken(t, s, refreshForm(s, rt0))
	if st != 200 {
		t.Fatalf("grace refresh with rt0: got %d %s, want 200", st, raw)
	}
	clock.Advance(600 * time.Second)
	if st, _, raw := postToken(t, s, refreshForm(s, tb1.RefreshToken)); st != 200 {
		t.Fatalf("refresh rt1: got %d %s", st, raw)
	}
	// Now RT1 was used: RT0 is dead.
	clock.Advance(600 * time.Second)
	st, tb, _ = postToken(t, s, refreshForm(s, rt0))
	if st != 401 || tb.Error != "unauthorized_client" || tb.Description != "Old refresh token used." {
		t.Errorf("old rt0: got %d %q %q, want 401 unauthorized_client \"Old refresh token used.\"", st, tb.Error, tb.Description)
	}
	// The sibling fork of RT1 is still the same generation and usable once.
	if st, _, raw := postToken(t, s, refreshForm(s, tbFork.RefreshToken)); st != 200 {
		t.Errorf("fork sibling: got %d %s, want 200", st, raw)
	}
}

// TestRotationReadings: the old refresh token dies when the new refresh token
// is first used (both readings), and under StrictRotation already when the
// new access token is first used on the API.
func TestRotationReadings(t *testing.T) {
	tests := []struct {
		name                 string
		strict               bool
		oldAliveAfterNewUsed bool
	}{
		{"new refresh token used (default)", false, true},
		{"new access token used (strict)", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewServer(t, func(o *Options) { o.MinRefreshAge = -1; o.StrictRotation = tt.strict })
			rt0 := login(t, s).RefreshToken
			st, tb1, raw := postToken(t, s, refreshForm(s, rt0))
			if st != 200 {
				t.Fatalf("refresh rt0: got %d %s", st, raw)
			}
			// The new access token is used; rt0 is not.
			c := &client{t: t, s: s, token: tb1.AccessToken, div: itoa(s.DefaultDivision())}
			if got := c.get("/api/v1/current/Me").status; got != 200 {
				t.Fatalf("API with the new access token: got %d, want 200", got)
			}
			st, tb, raw := postToken(t, s, refreshForm(s, rt0))
			if got := st == 200; got != tt.oldAliveAfterNewUsed {
				t.Fatalf("rt0 after the new access token was used: got %d %s, want alive = %t", st, raw, tt.oldAliveAfterNewUsed)
			}
			if !tt.oldAliveAfterNewUsed && (st != 401 || tb.Error != "unauthorized_client" || tb.Description != "Old refresh token used.") {
				t.Errorf("old rt0: got %d %q %q, want 401 unauthorized_client \"Old refresh token used.\"", st, tb.Error, tb.Description)
			}
			// Either way the new refresh token works, and using it kills rt0.
			if st, _, raw := postToken(t, s, refreshForm(s, tb1.RefreshToken)); st != 200 {
				t.Fatalf("refresh rt1: got %d %s", st, raw)
			}
			if st, tb, _ := postToken(t, s, refreshForm(s, rt0)); st != 401 || tb.Description != "Old refresh token used." {
				t.Errorf("rt0 after rt1 was used: got %d %q, want 401 \"Old refresh token used.\"", st, tb.Description)
			}
		})
	}
}

// TestTokenHook: the hook sees every token answer (grant and status) after
// the rotation happened and before the answer is written.
func TestTokenHook(t *testing.T) {
	type call struct {
		grant  string
		status int
		issued int // refresh tokens issued so far
	}
	var s *Server
	var calls []call
	s = NewServer(t, func(o *Options) {
		o.MinRefreshAge = -1
		o.TokenHook = func(grant string, status int) {
			s.mu.Lock() // not held by the server while the hook runs
			defer s.mu.Unlock()
			calls = append(calls, call{grant, status, len(s.refresh)})
		}
	})
	rt0 := login(t, s).RefreshToken
	if st, _, raw := postToken(t, s, refreshForm(s, rt0)); st != 200 {
		t.Fatalf("refresh: got %d %s", st, raw)
	}
	form := refreshForm(s, rt0)
	form.Set("client_secret", "wrong")
	if st, _, _ := postToken(t, s, form); st != 401 {
		t.Fatalf("wrong secret: got %d, want 401", st)
	}
	want := []call{{"authorization_code", 200, 1}, {"refresh_token", 200, 2}, {"refresh_token", 401, 2}}
	if len(calls) != len(want) {
		t.Fatalf("hook calls: got %+v, want %+v", calls, want)
	}
	for i := range want {
		if calls[i] != want[i] {
			t.Errorf("hook call %d: got %+v, want %+v", i, calls[i], want[i])
		}
	}
}

func TestRefreshTokenExpires(t *testing.T) {
	clock := newFakeClock()
	s := NewServer(t, func(o *Options) { o.Now = clock.Now })
	rt := login(t, s).RefreshToken
	clock.Advance(31 * 24 * time.Hour)
	st, tb, _ := postToken(t, s, refreshForm(s, rt))
	if st != 400 || tb.Error != "invalid_request" || !strings.HasPrefix(tb.Description, "The refresh token expired at ") {
		t.Errorf("got %d %q %q, want 400 invalid_request \"The refresh token expired at …\"", st, tb.Error, tb.Description)
	}
}

func TestRevokeTokens(t *testing.T) {
	s := NewServer(t, func(o *Options) { o.MinRefreshAge = -1 })
	c := newClient(t, s)
	tb := login(t, s)
	s.RevokeTokens()
	if got := c.get("current/Me").status; got != 401 {
		t.Errorf("API after revoke: got %d, want 401", got)
	}
	st, body, _ := postToken(t, s, refreshForm(s, tb.RefreshToken))
	if st != 400 || body.Error != "invalid_grant" {
		t.Errorf("refresh after revoke: got %d %q, want 400 invalid_grant", st, body.Error)
	}
}

func TestAPIAuthentication(t *testing.T) {
	clock := newFakeClock()
	s := NewServer(t, func(o *Options) { o.Now = clock.Now; o.TokenLifetime = time.Second })
	c := newClient(t, s)
	if got := c.get("/api/v1/current/Me").status; got != 200 {
		t.Fatalf("fresh token: got %d, want 200", got)
	}
	clock.Advance(time.Second)
	tests := []struct {
		name, token string
	}{
		{"expired", c.token},
		{"unknown", "gAAAAnope"},
		{"missing", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cc := *c
			cc.t = t
			cc.token = tc.token
			r := cc.get("/api/v1/current/Me")
			if r.status != 401 {
				t.Fatalf("got %d, want 401", r.status)
			}
			if r.errMsg(t) == "" {
				t.Errorf("401 without error envelope: %s", r.body)
			}
		})
	}
}

func TestConcurrentHammering(t *testing.T) {
	s := NewServer(t, func(o *Options) { o.MinutelyLimit = 100000; o.DailyLimit = 100000; o.MinRefreshAge = -1 })
	c := newClient(t, s)
	var wg sync.WaitGroup
	errs := make(chan string, 400)
	for g := 0; g < 40; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 5; i++ {
				cc := *c
				body := map[string]any{"Name": fmt.Sprintf("Hammer %d-%d", g, i)}
				r := cc.do("POST", "crm/Accounts", body)
				if r.status != 201 {
					errs <- fmt.Sprintf("POST: %d %s", r.status, r.body)
				}
				if r := cc.get(q("crm/Accounts", "$filter", "Name eq 'Hammer 1-1'", "$select", "ID")); r.status != 200 {
					errs <- fmt.Sprintf("GET: %d %s", r.status, r.body)
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if got, want := len(s.Entities(s.DefaultDivision(), "crm/Accounts")), 200; got != want {
		t.Errorf("accounts: got %d, want %d", got, want)
	}
	codes := map[string]bool{}
	for _, a := range s.Entities(s.DefaultDivision(), "crm/Accounts") {
		codes[a["Code"].(string)] = true
	}
	if len(codes) != 200 {
		t.Errorf("auto-assigned codes not unique: %d distinct", len(codes))
	}
}

func TestConcurrentRefreshOnlyOneWins(t *testing.T) {
	clock := newFakeClock()
	s := NewServer(t, func(o *Options) { o.Now = clock.Now })
	rt := login(t, s).RefreshToken
	clock.Advance(571 * time.Second)
	var wg sync.WaitGroup
	results := make(chan int, 40)
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, _, _ := postToken(t, s, refreshForm(s, rt))
			results <- st
		}()
	}
	wg.Wait()
	close(results)
	counts := map[int]int{}
	for st := range results {
		counts[st]++
	}
	if counts[200] != 1 || counts[401] != 39 {
		t.Errorf("got %v, want one 200 and 39 401 (Access token not expired)", counts)
	}
}
