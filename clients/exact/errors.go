package exact

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Class is the kind of an API failure; callers decide on retries by class.
type Class int

// The classes of API failures.
const (
	// ClassValidation: the request is wrong (400, or 500 carrying a
	// validation message); retrying the same request fails again.
	ClassValidation Class = iota + 1
	// ClassAuthorization: 401, the access token was rejected (after the one refresh).
	ClassAuthorization
	// ClassForbidden: 403, see Error.Reason.
	ClassForbidden
	// ClassNotFound: 404.
	ClassNotFound
	// ClassRateLimit: 429, see RateLimitError.
	ClassRateLimit
	// ClassTransient: 5xx without a validation message, network errors, timeouts.
	ClassTransient
)

func (c Class) String() string {
	switch c {
	case ClassValidation:
		return "validation"
	case ClassAuthorization:
		return "authorization"
	case ClassForbidden:
		return "forbidden"
	case ClassNotFound:
		return "not_found"
	case ClassRateLimit:
		return "rate_limit"
	case ClassTransient:
		return "transient"
	}
	return "unknown"
}

// Sentinels matched by errors.Is against *Error (by class), *RateLimitError
// and *TokenError.
var (
	ErrValidation    = errors.New("exact: validation error")
	ErrUnauthorized  = errors.New("exact: unauthorized")
	ErrForbidden     = errors.New("exact: forbidden")
	ErrNotFound      = errors.New("exact: not found")
	ErrRateLimited   = errors.New("exact: rate limited")
	ErrTransient     = errors.New("exact: transient failure")
	ErrInvalidFilter = errors.New("exact: invalid filter")

	// ErrReconsentNeeded: the refresh-token chain is dead (old refresh token
	// used, refresh token expired, revoked, invalid grant) or no token is
	// stored; a user must authorize the app again in a browser.
	ErrReconsentNeeded = errors.New("exact: new consent needed")
	// ErrRefreshTooEarly: Exact refused a refresh because the access token is
	// younger than 570 s ("Access token not expired").
	ErrRefreshTooEarly = errors.New("exact: refresh refused, access token not expired")
	// ErrInvalidClient: the token endpoint answered invalid_client: the app's
	// client ID or secret is wrong or revoked. Only fixing the app's
	// credentials (and connecting again) can recover.
	ErrInvalidClient = errors.New("exact: the app's client ID or secret is refused")
)

func (c Class) sentinel() error {
	switch c {
	case ClassValidation:
		return ErrValidation
	case ClassAuthorization:
		return ErrUnauthorized
	case ClassForbidden:
		return ErrForbidden
	case ClassNotFound:
		return ErrNotFound
	case ClassRateLimit:
		return ErrRateLimited
	case ClassTransient:
		return ErrTransient
	}
	return nil
}

// Error is a failed API call. It never contains a token: URL is the request
// URL without credentials, Message is Exact's error.message.value.
type Error struct {
	StatusCode int    // 0 for network errors
	Method     string // HTTP method
	URL        string // request URL, credentials removed
	Code       string // error.code (usually empty)
	Message    string // error.message.value, or the plain-text body
	Reason     string // the Reason header (403: NoDivisionAccess, BlockedUser, …)
	Err        error  // underlying network error, if any
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("exact: ")
	b.WriteString(e.Method)
	b.WriteString(" ")
	b.WriteString(e.URL)
	b.WriteString(": ")
	if e.StatusCode == 0 {
		if e.Err != nil {
			b.WriteString(e.Err.Error())
		} else {
			b.WriteString("no response")
		}
		return b.String()
	}
	fmt.Fprintf(&b, "%d %s", e.StatusCode, http.StatusText(e.StatusCode))
	if e.Reason != "" {
		b.WriteString(" (")
		b.WriteString(e.Reason)
		b.WriteString(")")
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// Unwrap returns the network error, if any.
func (e *Error) Unwrap() error { return e.Err }

// Is matches the sentinel of the error's class.
func (e *Error) Is(target error) bool { return target != nil && target == e.Class().sentinel() }

// Class classifies the failure.
func (e *Error) Class() Class {
	s := e.StatusCode
	switch {
	case s == 0:
		return ClassTransient
	case s == http.StatusUnauthorized:
		return ClassAuthorization
	case s == http.StatusForbidden:
		return ClassForbidden
	case s == http.StatusNotFound:
		return ClassNotFound
	case s == http.StatusTooManyRequests:
		return ClassRateLimit
	case s == http.StatusRequestTimeout:
		return ClassTransient
	case s == http.StatusInternalServerError && e.Message != "":
		return ClassValidation
	case s >= 500:
		return ClassTransient
	case s >= 400:
		return ClassValidation
	}
	return ClassTransient
}

// RateLimitError is a 429 answer. Reset is when the exhausted window resets
// (zero when Exact sent no reset header).
type RateLimitError struct {
	APIError *Error // the 429 answer
	Window   string // "minutely", "daily" or "" when unknown
	Reset    time.Time
	Limits   RateLimit // the windows as known after this response
}

func (e *RateLimitError) Error() string {
	s := "exact: rate limited (no call made: the budget is used up)"
	if e.APIError != nil {
		s = e.APIError.Error()
	}
	if !e.Reset.IsZero() {
		s += fmt.Sprintf(" (%s limit, resets %s)", e.Window, e.Reset.UTC().Format(time.RFC3339))
	}
	return s
}

// Unwrap returns the *Error so errors.As finds it.
func (e *RateLimitError) Unwrap() error {
	if e.APIError == nil {
		return nil // a typed nil *Error would not compare equal to nil
	}
	return e.APIError
}

// Is matches ErrRateLimited.
func (e *RateLimitError) Is(target error) bool { return target == ErrRateLimited }

// RetryAfter is how long to wait from now until the window resets; one
// minute when the reset is unknown, never negative.
func (e *RateLimitError) RetryAfter(now time.Time) time.Duration {
	if e.Reset.IsZero() {
		return time.Minute
	}
	return max(0, e.Reset.Sub(now))
}

// RateLimit is the budget of one division as read from the X-RateLimit-*
// headers of the latest responses.
type RateLimit struct {
	DailyLimit, DailyRemaining       int
	DailyReset                       time.Time
	MinutelyLimit, MinutelyRemaining int
	MinutelyReset                    time.Time
}

// errorBody is Exact's error envelope; code is a string.
type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message struct {
			Lang  string `json:"lang"`
			Value string `json:"value"`
		} `json:"message"`
	} `json:"error"`
}

// CheckResponse returns nil for a 2xx response and otherwise an *Error (a
// *RateLimitError for 429). It reads (and leaves consumed) the body of a
// failed response.
func CheckResponse(r *http.Response) error {
	if r.StatusCode >= 200 && r.StatusCode < 300 {
		return nil
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	return checkResponse(r, body)
}

func checkResponse(r *http.Response, body []byte) error {
	if r.StatusCode >= 200 && r.StatusCode < 300 {
		return nil
	}
	e := &Error{StatusCode: r.StatusCode, Reason: r.Header.Get("Reason")}
	if r.Request != nil {
		e.Method = r.Request.Method
		e.URL = redactURL(r.Request.URL)
	}
	var eb errorBody
	trimmed := strings.TrimSpace(string(body))
	switch {
	case strings.HasPrefix(trimmed, "{") && json.Unmarshal(body, &eb) == nil:
		e.Code = eb.Error.Code
		e.Message = eb.Error.Message.Value
	case strings.HasPrefix(trimmed, "<"):
		// An HTML error page (gateway, IIS): no validation message.
	default:
		e.Message = truncate(trimmed, 300)
	}
	if r.StatusCode == http.StatusTooManyRequests {
		rl := RateLimit{}
		applyRateHeaders(&rl, r.Header)
		re := &RateLimitError{APIError: e, Limits: rl}
		_, hasMin := headerInt(r.Header, "X-RateLimit-Minutely-Remaining")
		_, hasDay := headerInt(r.Header, "X-RateLimit-Remaining")
		switch {
		case hasDay && rl.DailyRemaining <= 0 && !rl.DailyReset.IsZero():
			re.Window, re.Reset = "daily", rl.DailyReset
		case hasMin && !rl.MinutelyReset.IsZero():
			re.Window, re.Reset = "minutely", rl.MinutelyReset
		case hasDay && !rl.DailyReset.IsZero():
			re.Window, re.Reset = "daily", rl.DailyReset
		}
		return re
	}
	return e
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// redactURL drops user info and any credential-like query parameter.
func redactURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	c.User = nil
	if c.RawQuery != "" {
		q := c.Query()
		changed := false
		for k := range q {
			switch strings.ToLower(k) {
			case "access_token", "refresh_token", "client_secret", "code", "token":
				q.Set(k, "REDACTED")
				changed = true
			}
		}
		if changed {
			c.RawQuery = q.Encode()
		}
	}
	return c.String()
}

// networkError wraps a transport failure as a transient *Error.
func networkError(req *http.Request, err error) *Error {
	// url.Error repeats the URL; keep the cause only.
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return &Error{Method: req.Method, URL: redactURL(req.URL), Err: err}
}

// isContextErr reports whether err comes from a cancelled or expired context.
func isContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// TokenError codes set by this package (not by Exact).
const (
	CodeNoToken     = "no_token"              // nothing stored for the connection
	CodeStaticToken = "static_token_rejected" // a StaticTokenSource's token was refused
)

// TokenError is a failure of the token endpoint (code exchange or refresh).
// It never contains a token.
type TokenError struct {
	Grant       string // "authorization_code" or "refresh_token"; "" when no token is stored
	StatusCode  int    // 0 for network errors
	Code        string // OAuth "error" (unauthorized_client, invalid_request, invalid_grant, …), or CodeNoToken / CodeStaticToken
	Description string // OAuth "error_description", or the plain-text body
	Err         error  // underlying error

	// For an answer the package does not recognise (see Recognised), set by
	// StoreTokenSource: Failures is the number of such answers in a row for
	// the connection (this one included), NotSent reports that this call was
	// not sent because the source is pausing after the previous one, and
	// RetryAt is when the source will call the token endpoint again.
	Failures int
	NotSent  bool
	RetryAt  time.Time
}

// MaxUnrecognisedTokenAnswers is how many unrecognised answers in a row
// StoreTokenSource accepts before it gives up (GaveUp); Exact allows about
// 200 token calls per app per day.
const MaxUnrecognisedTokenAnswers = 5

// Recognised reports whether the failure is one this package knows how to
// act on: a dead chain (ErrReconsentNeeded), refused app credentials
// (ErrInvalidClient), a refresh too early (ErrRefreshTooEarly) or a
// transient failure (ErrTransient: network, 5xx, 429).
func (e *TokenError) Recognised() bool {
	return e.ReconsentNeeded() || e.Is(ErrInvalidClient) || e.Is(ErrRefreshTooEarly) || e.Is(ErrTransient)
}

// GaveUp reports whether StoreTokenSource stopped retrying an unrecognised
// answer: retrying is pointless until a person looked at it.
func (e *TokenError) GaveUp() bool {
	return !e.Recognised() && e.Failures >= MaxUnrecognisedTokenAnswers
}

func (e *TokenError) Error() string {
	var b strings.Builder
	b.WriteString("exact: token")
	if e.Grant != "" {
		b.WriteString(" (" + e.Grant + ")")
	}
	b.WriteString(": ")
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, "%d", e.StatusCode)
		if e.Code != "" {
			b.WriteString(" " + e.Code)
		}
		if e.Description != "" {
			b.WriteString(": " + e.Description)
		}
	} else if e.Description != "" {
		b.WriteString(e.Description)
	} else if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	switch {
	case e.ReconsentNeeded():
		b.WriteString(" (new consent needed)")
	case e.Is(ErrInvalidClient):
		b.WriteString(" (the app's client ID or secret is refused)")
	case e.NotSent:
		fmt.Fprintf(&b, " (answer %d in a row not understood; not called again before %s)", e.Failures, e.RetryAt.UTC().Format(time.RFC3339))
	case e.Failures > 0:
		fmt.Fprintf(&b, " (answer %d in a row not understood)", e.Failures)
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *TokenError) Unwrap() error { return e.Err }

// ReconsentNeeded reports whether only a new authorization can recover.
func (e *TokenError) ReconsentNeeded() bool {
	desc := strings.ToLower(e.Description)
	switch {
	case e.Code == CodeNoToken || e.Code == CodeStaticToken:
		return true
	case e.Code == "invalid_client":
		return false
	case strings.Contains(desc, "access token not expired"):
		return false
	case strings.Contains(desc, "old refresh token used"),
		strings.Contains(desc, "refresh token expired"),
		strings.Contains(desc, "revoked"):
		return true
	case e.Code == "invalid_grant" || e.Code == "unauthorized_client":
		return true
	case e.Grant == "authorization_code" && e.StatusCode == http.StatusBadRequest:
		return true // code used or expired: the user must consent again
	case e.Grant == "refresh_token" && e.Code == "invalid_request" && e.StatusCode == http.StatusBadRequest:
		return true
	}
	return false
}

// Is matches ErrReconsentNeeded, ErrRefreshTooEarly, ErrInvalidClient and ErrTransient.
func (e *TokenError) Is(target error) bool {
	switch target {
	case ErrReconsentNeeded:
		return e.ReconsentNeeded()
	case ErrRefreshTooEarly:
		return strings.Contains(strings.ToLower(e.Description), "access token not expired")
	case ErrInvalidClient:
		return e.Code == "invalid_client"
	case ErrTransient:
		return e.StatusCode == 0 && e.Err != nil || e.StatusCode >= 500 || e.StatusCode == http.StatusTooManyRequests
	}
	return false
}
