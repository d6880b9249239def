package exact

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/shopspring/decimal"
	"golang.org/x/oauth2"
)

func TestFilterBuilder(t *testing.T) {
	ts := time.Date(2024, 8, 12, 16, 30, 5, 0, time.UTC)
	tests := []struct {
		name string
		f    Filter
		want string
	}{
		{"string", Eq("Name", String("ACME")), "Name eq 'ACME'"},
		{"quote doubled", Eq("Name", String("O'Brien")), "Name eq 'O''Brien'"},
		{"injection stays literal", Eq("Name", String("' or 1 eq 1")), "Name eq ''' or 1 eq 1'"},
		{"closing quote and or", Eq("Name", String("x' or Name ne 'y")), "Name eq 'x'' or Name ne ''y'"},
		{"unicode", Eq("City", String("Zoë 日本 €")), "City eq 'Zoë 日本 €'"},
		{"empty string", Eq("Email", String("")), "Email eq ''"},
		{"guid normalised", Eq("ID", Guid("3F0956D9-C601-4FFB-9D62-F35966E5692D")), "ID eq guid'3f0956d9-c601-4ffb-9d62-f35966e5692d'"},
		{"datetime", Ge("Modified", DateTime(ts)), "Modified ge datetime'2024-08-12T16:30:05'"},
		{"datetime ms", Gt("Modified", DateTime(ts.Add(617*time.Millisecond))), "Modified gt datetime'2024-08-12T16:30:05.617'"},
		{"int64", Gt("Timestamp", Int64(123)), "Timestamp gt 123L"},
		{"int", Eq("Type", Int(20)), "Type eq 20"},
		{"bool", Eq("IsSupplier", Bool(true)), "IsSupplier eq true"},
		{"double", Eq("Percentage", Double(decimal.RequireFromString("0.21"))), "Percentage eq 0.21"},
		{"account code padded", Eq("Code", AccountCode("25")), "Code eq '                25'"},
		{"and", And(Eq("Status", String("C")), Ne("Blocked", Bool(true))), "(Status eq 'C') and (Blocked ne true)"},
		{"or nested", Or(Eq("Name", String("a")), And(Lt("Type", Int(3)), Le("Type", Int(9)))), "(Name eq 'a') or ((Type lt 3) and (Type le 9))"},
		{"and skips empty", And(Filter{}, Eq("Name", String("a"))), "Name eq 'a'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.f.Err(); err != nil {
				t.Fatalf("Err() = %v", err)
			}
			if got := tt.f.String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFilterBuilderRejects(t *testing.T) {
	tests := []struct {
		name string
		f    Filter
	}{
		{"bad guid", Eq("ID", Guid("' or 1 eq 1"))},
		{"field with space", Eq("Name eq 'x' or Name", String("y"))},
		{"field with quote", Eq("Na'me", String("y"))},
		{"zero literal", Eq("Name", Literal{})},
		{"error propagates through and", And(Eq("Name", String("a")), Eq("ID", Guid("nope")))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.f.Err(); !errors.Is(err, ErrInvalidFilter) {
				t.Errorf("Err() = %v, want ErrInvalidFilter", err)
			}
		})
	}
}

func TestPadAndTrimCode(t *testing.T) {
	tests := []struct {
		code  string
		width int
		want  string
	}{
		{"25", 18, "                25"},
		{"0000011", 18, "           0000011"},
		{"  25 ", 18, "                25"},
		{"2", 3, "  2"},
		{"1234567890123456789", 18, "1234567890123456789"},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			got := PadCode(tt.code, tt.width)
			if got != tt.want {
				t.Errorf("PadCode(%q, %d) = %q, want %q", tt.code, tt.width, got, tt.want)
			}
			if back := TrimCode(got); back != strings.TrimSpace(tt.code) {
				t.Errorf("TrimCode(%q) = %q, want %q", got, back, strings.TrimSpace(tt.code))
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
	}{
		// Created of the nango recording: Amsterdam 16:31:00.220 written as UTC.
		{"/Date(1782405060220)/", time.Date(2026, 6, 25, 16, 31, 0, 220e6, time.UTC)},
		// Posted "2024-08-12" comes back as midnight UTC.
		{"/Date(1723420800000)/", time.Date(2024, 8, 12, 0, 0, 0, 0, time.UTC)},
		{"/Date(1382667872203)/", time.Date(2013, 10, 25, 2, 24, 32, 203e6, time.UTC)},
		{"/Date(-86400000)/", time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC)},
		{"/Date(1723420800000+0200)/", time.Date(2024, 8, 12, 0, 0, 0, 0, time.UTC)},
		{"2024-08-12", time.Date(2024, 8, 12, 0, 0, 0, 0, time.UTC)},
		{"2026-06-25T16:30:59", time.Date(2026, 6, 25, 16, 30, 59, 0, time.UTC)},
		{"2024-08-12T00:00:00Z", time.Date(2024, 8, 12, 0, 0, 0, 0, time.UTC)},
		{"2024-08-12T10:00:00+02:00", time.Date(2024, 8, 12, 10, 0, 0, 0, time.UTC)}, // wall clock kept
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDate(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Time.Equal(tt.want) || got.Location() != time.UTC {
				t.Errorf("got %v, want %v", got.Time, tt.want)
			}
		})
	}
	for _, bad := range []string{"/Date(abc)/", "yesterday", ""} {
		if _, err := ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) succeeded, want error", bad)
		}
	}
}

func TestDateJSON(t *testing.T) {
	var d struct {
		A Date `json:"A"`
		B Date `json:"B"`
	}
	if err := jsonUnmarshal(`{"A":"/Date(1782405060220)/","B":null}`, &d); err != nil {
		t.Fatal(err)
	}
	if got, want := d.A.Hour(), 16; got != want {
		t.Errorf("hour: got %d, want %d (wall clock kept)", got, want)
	}
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := d.A.In(ams).UTC(), time.Date(2026, 6, 25, 14, 31, 0, 220e6, time.UTC); !got.Equal(want) {
		t.Errorf("real instant: got %v, want %v", got, want)
	}
	if !d.B.IsZero() {
		t.Errorf("null: got %v, want zero", d.B)
	}
	for _, tt := range []struct {
		d    Date
		want string
	}{
		{NewDate(2024, 8, 12), `"2024-08-12"`},
		{DateOf(time.Date(2024, 8, 12, 9, 5, 0, 0, time.FixedZone("x", 7200))), `"2024-08-12T09:05:00"`},
		{Date{}, `null`},
	} {
		b, err := tt.d.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != tt.want {
			t.Errorf("MarshalJSON: got %s, want %s", b, tt.want)
		}
	}
}

func TestEncodeCreate(t *testing.T) {
	e := &SalesEntry{
		EntryHeader: EntryHeader{Journal: "70", EntryDate: NewDate(2024, 8, 12), YourRef: "INV/2024/0001",
			AmountDC: decimal.RequireFromString("999"), Status: 20}, // read-only: not sent
		Customer: "2f0e4c4e-2d0a-4d62-9b0b-1f0c7c0f6d11",
		SalesEntryLines: Lines[EntryLine]{
			{GLAccount: "6b1f7f40-6f6e-4b8f-8b8c-0e6a2b0b7c11", AmountFC: decimal.RequireFromString("100.10"), VATCode: "2  ", Description: "a"},
			{GLAccount: "6b1f7f40-6f6e-4b8f-8b8c-0e6a2b0b7c11", AmountFC: decimal.Zero, Description: "zero line"},
		},
	}
	got, err := encodeCreate(e)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Journal":"70","EntryDate":"2024-08-12","YourRef":"INV/2024/0001","Customer":"2f0e4c4e-2d0a-4d62-9b0b-1f0c7c0f6d11",` +
		`"SalesEntryLines":[{"GLAccount":"6b1f7f40-6f6e-4b8f-8b8c-0e6a2b0b7c11","Description":"a","AmountFC":100.1,"VATCode":"2  "},` +
		`{"GLAccount":"6b1f7f40-6f6e-4b8f-8b8c-0e6a2b0b7c11","Description":"zero line","AmountFC":0}]}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestFieldsEncode(t *testing.T) {
	got, err := Fields{"Name": "x", "AmountFC": decimal.RequireFromString("12.50"), "EntryDate": NewDate(2024, 1, 2), "Email": nil, "Blocked": true}.encode()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"AmountFC":12.5,"Blocked":true,"Email":null,"EntryDate":"2024-01-02","Name":"x"}`
	if string(got) != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if _, err := (Fields{"Name,x": 1}).encode(); err == nil {
		t.Error("bad property name accepted")
	}
	if _, err := (Fields{}).encode(); err == nil {
		t.Error("empty update accepted")
	}
}

func TestSelectOf(t *testing.T) {
	if got, want := selectOf[SalesEntry](nil), "SalesEntryLines"; strings.Contains(got, want) {
		t.Errorf("select %q contains navigation %q without expand", got, want)
	}
	if got := selectOf[SalesEntry]([]string{"SalesEntryLines"}); !strings.Contains(got, ",SalesEntryLines") || !strings.HasPrefix(got, "EntryID,Journal,") {
		t.Errorf("select with expand: got %q", got)
	}
	if got := selectOf[PaymentTerm](nil); !strings.HasPrefix(got, "ID,Account,") || !strings.HasSuffix(got, ",LineType,Timestamp") {
		t.Errorf("embedded struct select: got %q", got)
	}
	if got, want := selectOf[DocumentAttachment](nil), "ID,Document,FileName,Attachment,FileSize,Url"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestDecodePageShapes(t *testing.T) {
	type row struct {
		ID string `json:"ID"`
	}
	tests := []struct {
		name     string
		body     string
		wantIDs  string
		wantNext string
	}{
		{"results with next", `{"d":{"results":[{"ID":"a"},{"ID":"b"}],"__next":"http://x/y?$skiptoken=guid'1'"}}`, "a,b", "http://x/y?$skiptoken=guid'1'"},
		{"results last page", `{"d":{"results":[{"ID":"a"}]}}`, "a", ""},
		{"bare array", `{"d":[{"ID":"a"},{"ID":"c"}]}`, "a,c", ""},
		{"empty results", `{"d":{"results":[]}}`, "", ""},
		{"single entity", `{"d":{"__metadata":{"uri":"u"},"ID":"z"}}`, "z", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, next, err := decodePage[row]([]byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, it := range items {
				ids = append(ids, it.ID)
			}
			if got := strings.Join(ids, ","); got != tt.wantIDs {
				t.Errorf("ids: got %q, want %q", got, tt.wantIDs)
			}
			if next != tt.wantNext {
				t.Errorf("next: got %q, want %q", next, tt.wantNext)
			}
		})
	}
	if _, _, err := decodePage[row]([]byte(`{"error":{}}`)); err == nil {
		t.Error("body without d accepted")
	}
}

func TestErrorClassification(t *testing.T) {
	envelope := func(msg string) string {
		return `{"error":{"code":"","message":{"lang":"","value":"` + msg + `"}}}`
	}
	tests := []struct {
		name     string
		status   int
		header   http.Header
		body     string
		class    Class
		sentinel error
		message  string
	}{
		{"400 select", 400, nil, envelope("Please add a $select or a $top=1 statement to the query string."), ClassValidation, ErrValidation, "Please add a $select or a $top=1 statement to the query string."},
		{"500 validation", 500, nil, envelope("The financial year cannot be changed."), ClassValidation, ErrValidation, "The financial year cannot be changed."},
		{"500 dutch", 500, nil, envelope("Gegeven bestaat reeds."), ClassValidation, ErrValidation, "Gegeven bestaat reeds."},
		{"500 empty", 500, nil, "", ClassTransient, ErrTransient, ""},
		{"500 empty message", 500, nil, envelope(""), ClassTransient, ErrTransient, ""},
		{"500 html", 500, nil, "<html><body>Runtime Error</body></html>", ClassTransient, ErrTransient, ""},
		{"502", 502, nil, "Bad Gateway", ClassTransient, ErrTransient, "Bad Gateway"},
		{"503 html", 503, nil, "<html><body><h1>Service Unavailable</h1></body></html>", ClassTransient, ErrTransient, ""},
		{"401", 401, nil, envelope("Unauthorized"), ClassAuthorization, ErrUnauthorized, "Unauthorized"},
		{"403 reason", 403, http.Header{"Reason": {"NoDivisionAccess"}}, envelope("Forbidden"), ClassForbidden, ErrForbidden, "Forbidden"},
		{"403 plain", 403, nil, "Forbidden - Application Scope Violated. Cannot read", ClassForbidden, ErrForbidden, "Forbidden - Application Scope Violated. Cannot read"},
		{"404", 404, nil, envelope("Resource not found for the segment 'Accounts'."), ClassNotFound, ErrNotFound, "Resource not found for the segment 'Accounts'."},
		{"405", 405, nil, envelope("The requested resource does not support http method 'PUT'."), ClassValidation, ErrValidation, "The requested resource does not support http method 'PUT'."},
		{"408", 408, nil, "", ClassTransient, ErrTransient, ""},
		{"429", 429, http.Header{"X-Ratelimit-Minutely-Remaining": {"0"}}, "", ClassRateLimit, ErrRateLimited, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, _ := url.Parse("https://start.exactonline.nl/api/v1/1/crm/Accounts?$select=ID")
			h := tt.header
			if h == nil {
				h = http.Header{}
			}
			resp := &http.Response{StatusCode: tt.status, Header: h, Body: io.NopCloser(strings.NewReader(tt.body)),
				Request: &http.Request{Method: "POST", URL: u}}
			err := CheckResponse(resp)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %T %v, want *Error", err, err)
			}
			if got := e.Class(); got != tt.class {
				t.Errorf("class: got %v, want %v", got, tt.class)
			}
			if !errors.Is(err, tt.sentinel) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.sentinel)
			}
			if e.Message != tt.message {
				t.Errorf("message: got %q, want %q", e.Message, tt.message)
			}
			if e.StatusCode != tt.status || e.Method != "POST" || !strings.HasPrefix(e.URL, "https://start.exactonline.nl/api/v1/1/crm/Accounts") {
				t.Errorf("got status %d method %s url %s", e.StatusCode, e.Method, e.URL)
			}
			if r := h.Get("Reason"); e.Reason != r {
				t.Errorf("reason: got %q, want %q", e.Reason, r)
			}
		})
	}
	ok := &http.Response{StatusCode: 204, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(""))}
	if err := CheckResponse(ok); err != nil {
		t.Errorf("204: got %v, want nil", err)
	}
	if got := (&Error{Err: io.ErrUnexpectedEOF}).Class(); got != ClassTransient {
		t.Errorf("network error class: got %v, want transient", got)
	}
}

func TestRateLimitError(t *testing.T) {
	reset := time.UnixMilli(1638447360000).UTC()
	h := http.Header{}
	h.Set("X-RateLimit-Minutely-Limit", "100")
	h.Set("X-RateLimit-Minutely-Remaining", "0")
	h.Set("X-RateLimit-Minutely-Reset", "1638447360000")
	resp := &http.Response{StatusCode: 429, Header: h, Body: io.NopCloser(strings.NewReader("")),
		Request: &http.Request{Method: "GET", URL: &url.URL{Scheme: "https", Host: "h", Path: "/api/v1/1/crm/Accounts"}}}
	err := CheckResponse(resp)
	var re *RateLimitError
	if !errors.As(err, &re) {
		t.Fatalf("got %T, want *RateLimitError", err)
	}
	if !re.Reset.Equal(reset) || re.Window != "minutely" {
		t.Errorf("got reset %v window %q, want %v minutely", re.Reset, re.Window, reset)
	}
	if got, want := re.RetryAfter(reset.Add(-15*time.Second)), 15*time.Second; got != want {
		t.Errorf("RetryAfter: got %v, want %v", got, want)
	}
	if got := re.RetryAfter(reset.Add(time.Second)); got != 0 {
		t.Errorf("RetryAfter after reset: got %v, want 0", got)
	}
	var e *Error
	if !errors.As(err, &e) || e.Class() != ClassRateLimit || !errors.Is(err, ErrRateLimited) {
		t.Errorf("429 not classified as rate limit: %v", err)
	}

	daily := http.Header{}
	daily.Set("X-RateLimit-Limit", "5000")
	daily.Set("X-RateLimit-Remaining", "0")
	daily.Set("X-RateLimit-Reset", "1638489600000")
	resp.Header, resp.Body = daily, io.NopCloser(strings.NewReader(""))
	if !errors.As(CheckResponse(resp), &re) || re.Window != "daily" || !re.Reset.Equal(time.UnixMilli(1638489600000)) {
		t.Errorf("daily 429: got window %q reset %v", re.Window, re.Reset)
	}
	resp.Header, resp.Body = http.Header{}, io.NopCloser(strings.NewReader(""))
	if !errors.As(CheckResponse(resp), &re) || !re.Reset.IsZero() || re.RetryAfter(time.Now()) != time.Minute {
		t.Errorf("429 without headers: got reset %v retry %v", re.Reset, re.RetryAfter(time.Now()))
	}
}

func TestTokenErrorClassification(t *testing.T) {
	tests := []struct {
		name      string
		err       *TokenError
		reconsent bool
		tooEarly  bool
		transient bool
	}{
		{"old refresh token", &TokenError{Grant: "refresh_token", StatusCode: 401, Code: "unauthorized_client", Description: "Old refresh token used."}, true, false, false},
		{"refresh expired", &TokenError{Grant: "refresh_token", StatusCode: 400, Code: "invalid_request", Description: "The refresh token expired at 10/11/2022 9:18:20 PM and it is now 10/28/2022 4:15:50 PM."}, true, false, false},
		{"invalid grant", &TokenError{Grant: "refresh_token", StatusCode: 400, Code: "invalid_grant", Description: "Token is not allowed, because of invalid or empty chainId"}, true, false, false},
		{"revoked", &TokenError{Grant: "refresh_token", StatusCode: 400, Code: "access_denied", Description: "The grant was revoked."}, true, false, false},
		{"code reused", &TokenError{Grant: "authorization_code", StatusCode: 400, Description: "Bad Request"}, true, false, false},
		{"too early", &TokenError{Grant: "refresh_token", StatusCode: 401, Code: "invalid_request", Description: "Access token not expired"}, false, true, false},
		{"invalid client", &TokenError{Grant: "refresh_token", StatusCode: 401, Code: "invalid_client", Description: "Invalid client credentials."}, false, false, false},
		{"server error", &TokenError{Grant: "refresh_token", StatusCode: 503, Description: "Service Unavailable"}, false, false, true},
		{"network", &TokenError{Grant: "refresh_token", Err: io.ErrUnexpectedEOF}, false, false, true},
		{"nothing stored", &TokenError{Code: CodeNoToken, Description: "no token stored for this connection"}, true, false, false},
		{"empty", &TokenError{}, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := errors.Is(tt.err, ErrReconsentNeeded); got != tt.reconsent {
				t.Errorf("reconsent: got %v, want %v (%v)", got, tt.reconsent, tt.err)
			}
			if got := errors.Is(tt.err, ErrRefreshTooEarly); got != tt.tooEarly {
				t.Errorf("too early: got %v, want %v", got, tt.tooEarly)
			}
			if got := errors.Is(tt.err, ErrTransient); got != tt.transient {
				t.Errorf("transient: got %v, want %v", got, tt.transient)
			}
		})
	}
}

func TestRedactURL(t *testing.T) {
	u, _ := url.Parse("https://user:s3cr3t@h/api?code=c0de123&access_token=AAEAtoken9&$filter=Name%20eq%20'x'")
	got := redactURL(u)
	for _, secret := range []string{"s3cr3t", "c0de123", "AAEAtoken9"} {
		if strings.Contains(got, secret) {
			t.Errorf("redactURL = %q, contains %q", got, secret)
		}
	}
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

func TestSites(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"nl", "https://start.exactonline.nl"},
		{"BE", "https://start.exactonline.be"},
		{"de", "https://start.exactonline.de"},
		{"uk", "https://start.exactonline.co.uk"},
		{"fr", "https://start.exactonline.fr"},
		{"es", "https://start.exactonline.es"},
		{" com ", "https://start.exactonline.com"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			s, err := ParseSite(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.BaseURL()
			if err != nil || got != tt.want {
				t.Errorf("got %q %v, want %q", got, err, tt.want)
			}
			cfg := (&Config{Site: s}).OAuth2Config()
			if cfg.Endpoint.AuthURL != tt.want+"/api/oauth2/auth" || cfg.Endpoint.TokenURL != tt.want+"/api/oauth2/token" || cfg.Endpoint.AuthStyle != oauth2.AuthStyleInParams {
				t.Errorf("endpoint: got %+v", cfg.Endpoint)
			}
		})
	}
	if _, err := ParseSite("us"); err == nil {
		t.Error("ParseSite(us) succeeded")
	}
	if got := (&Config{Site: SiteNL, BaseURL: "http://127.0.0.1:8090/"}).OAuth2Config().Endpoint.TokenURL; got != "http://127.0.0.1:8090/api/oauth2/token" {
		t.Errorf("override: got %q", got)
	}
}
