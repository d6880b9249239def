package odoo

import (
	"errors"
	"fmt"
	"strings"
)

// Class says what kind of failure a Fault is and whether retrying can help.
type Class int

const (
	// Transient failures (HTTP 5xx, network errors, unknown server exceptions) may succeed on retry.
	Transient Class = iota
	// Access failures (bad credentials, AccessError, HTTP 401/403) need a human.
	Access
	// Validation failures (UserError, ValidationError, ValueError, missing records,
	// HTTP 404) fail the same way every time.
	Validation
	// Protocol failures are Odoo refusing the shape of the connector's own call
	// (IndexError, TypeError, an unexpected argument, a private method, HTTP
	// 422): no user data can cause them and no retry fixes them; the connector
	// must be fixed.
	Protocol
)

func (c Class) String() string {
	switch c {
	case Access:
		return "access"
	case Validation:
		return "validation"
	case Protocol:
		return "protocol"
	default:
		return "transient"
	}
}

// Sentinels for errors.Is. A *Fault matches ErrAccessDenied when its Class is
// Access, ErrValidation when it is Validation, ErrTransient when it is
// Transient, and ErrNotFound when the record, model or method does not exist.
var (
	ErrAccessDenied = errors.New("odoo: access denied")
	ErrNotFound     = errors.New("odoo: not found")
	ErrValidation   = errors.New("odoo: validation error")
	ErrTransient    = errors.New("odoo: transient error")
	ErrProtocol     = errors.New("odoo: the connector's call is malformed")
)

// Fault is an error reported by Odoo (an XML-RPC fault or a JSON-2 HTTP error)
// or a failure to reach it.
type Fault struct {
	// Code is the XML-RPC faultCode (1 application error, 2 warning/user error,
	// 3 access denied, 4 access error) or, for JSON-2 and HTTP failures, the
	// HTTP status. Zero for network errors.
	Code int
	// HTTPStatus is the HTTP status when the server answered with a non-2xx status.
	HTTPStatus int
	// Name is the Python exception class when known, e.g. "odoo.exceptions.AccessError".
	Name string
	// Message is Odoo's message (for tracebacks: the last line).
	Message string
	// Model and Method name the call that failed.
	Model, Method string

	class    Class
	notFound bool
	err      error // underlying network error, if any
}

func (f *Fault) Error() string {
	var b strings.Builder
	b.WriteString("odoo: ")
	if f.Model != "" {
		b.WriteString(f.Model)
		b.WriteString(".")
	}
	b.WriteString(f.Method)
	b.WriteString(": ")
	switch {
	case f.err != nil:
		fmt.Fprintf(&b, "network error: %s", f.Message)
		return b.String()
	case f.HTTPStatus != 0:
		fmt.Fprintf(&b, "HTTP %d", f.HTTPStatus)
	default:
		fmt.Fprintf(&b, "fault %d", f.Code)
	}
	if f.Name != "" {
		b.WriteString(" ")
		b.WriteString(f.Name)
	}
	if f.Message != "" {
		b.WriteString(": ")
		b.WriteString(f.Message)
	}
	return b.String()
}

// Class tells whether the failure is Transient, Access or Validation.
func (f *Fault) Class() Class { return f.class }

// Retryable reports whether a later retry of the same call may succeed.
func (f *Fault) Retryable() bool { return f.class == Transient }

// Unwrap returns the underlying network error, if any.
func (f *Fault) Unwrap() error { return f.err }

// Is matches the package's sentinel errors.
func (f *Fault) Is(target error) bool {
	switch target {
	case ErrAccessDenied:
		return f.class == Access
	case ErrValidation:
		return f.class == Validation
	case ErrTransient:
		return f.class == Transient
	case ErrProtocol:
		return f.class == Protocol
	case ErrNotFound:
		return f.notFound
	}
	return false
}

// XML-RPC fault codes used by Odoo's /xmlrpc/2 endpoints.
const (
	faultApplication  = 1
	faultWarning      = 2
	faultAccessDenied = 3
	faultAccessError  = 4
)

// validationExceptions are Python exceptions that fail the same way on every retry.
var validationExceptions = []string{
	"ValidationError", "UserError", "ValueError", "MissingError", "RedirectWarning", "CacheMiss", "except_orm",
}

// protocolTexts mark a fault raised by the shape of the call itself, before any record is looked at: real
// Odoo 17 answers a create with a named vals_list with "IndexError: tuple index out of range".
var protocolTexts = []string{
	"IndexError:", "TypeError:", "KeyError:", "AttributeError:", "NameError:",
	"unexpected keyword argument", "required positional argument", "positional arguments but",
	"Private methods", "does not exist on the model",
}

// isProtocolText reports whether a fault's last line says the call's shape was refused.
func isProtocolText(lastLine string) bool { return containsAny(lastLine, protocolTexts) }

func isNotFoundText(s string) bool {
	l := strings.ToLower(s)
	return strings.Contains(s, "MissingError") || strings.Contains(l, "does not exist") ||
		strings.Contains(l, "has been deleted")
}

// newXMLRPCFault classifies an XML-RPC fault. code is the faultCode (Odoo's
// /xmlrpc/2 sends ints; the legacy endpoint sends strings, passed as codeText).
func newXMLRPCFault(model, method string, code int, codeText, text string) *Fault {
	f := &Fault{Code: code, Model: model, Method: method}
	full := text
	if codeText != "" {
		full = codeText + "\n" + text
	}
	f.Message = lastLine(text)
	if f.Message == "" {
		f.Message = lastLine(codeText)
	}
	f.Name = exceptionName(full)
	switch {
	case isProtocolText(f.Message):
		f.class = Protocol
	case code == faultAccessDenied || strings.Contains(full, "Access Denied") || strings.Contains(full, "AccessDenied"):
		f.class = Access
		if f.Name == "" {
			f.Name = "odoo.exceptions.AccessDenied"
		}
	case code == faultAccessError || strings.Contains(full, "AccessError"):
		f.class = Access
		if f.Name == "" {
			f.Name = "odoo.exceptions.AccessError"
		}
	case code == faultWarning || strings.HasPrefix(codeText, "warning"):
		// UserError and its subclasses (ValidationError, MissingError, …);
		// the legacy endpoint sends "warning -- <message>" as the code.
		f.class = Validation
	case containsAny(full, validationExceptions):
		f.class = Validation
	default:
		f.class = Transient
	}
	if isNotFoundText(full) && f.class != Protocol {
		f.notFound = true
		f.class = Validation
		if f.Name == "" {
			f.Name = "odoo.exceptions.MissingError"
		}
	}
	return f
}

// newHTTPFault classifies a non-2xx HTTP answer; name and message come from the
// JSON-2 error body when there is one.
func newHTTPFault(model, method string, status int, name, message string) *Fault {
	f := &Fault{Code: status, HTTPStatus: status, Model: model, Method: method, Name: name, Message: lastLine(message)}
	text := name + "\n" + message
	switch {
	case status == 401 || status == 403:
		f.class = Access
	case strings.Contains(text, "AccessError") || strings.Contains(text, "AccessDenied"):
		f.class = Access
	case isProtocolText(f.Message) || (status == 422 && !containsAny(text, validationExceptions)):
		f.class = Protocol
	case status == 404:
		f.class = Validation
		f.notFound = true
	case status == 429 || status == 408:
		f.class = Transient
	case status >= 500:
		if containsAny(text, validationExceptions) {
			f.class = Validation
		} else {
			f.class = Transient
		}
	case status >= 400:
		f.class = Validation
	default:
		f.class = Transient
	}
	if isNotFoundText(text) {
		f.notFound = true
		if f.class == Transient {
			f.class = Validation
		}
	}
	return f
}

// newNetworkFault wraps a failure to reach the server; always Transient.
func newNetworkFault(model, method string, err error) *Fault {
	return &Fault{Model: model, Method: method, Message: err.Error(), class: Transient, err: err}
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// lastLine returns the last non-empty line of a (traceback) text.
func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		// A MissingError carries "(Record: …, User: 2)" on its own line; keep both lines.
		last := strings.TrimSpace(s[i+1:])
		if strings.HasPrefix(last, "(") {
			prev := strings.TrimSpace(s[:i])
			if j := strings.LastIndexByte(prev, '\n'); j >= 0 {
				prev = strings.TrimSpace(prev[j+1:])
			}
			return prev + " " + last
		}
		return last
	}
	return s
}

// exceptionName extracts "odoo.exceptions.X" or "builtins.X"-style names from a traceback.
func exceptionName(s string) string {
	for _, prefix := range []string{"odoo.exceptions.", "psycopg2."} {
		if i := strings.LastIndex(s, prefix); i >= 0 {
			end := i + len(prefix)
			for end < len(s) && (isIdent(s[end]) || s[end] == '.') {
				end++
			}
			return strings.TrimRight(s[i:end], ".")
		}
	}
	return ""
}

func isIdent(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// redact removes every occurrence of secret from s.
func redact(s, secret string) string {
	if secret == "" || !strings.Contains(s, secret) {
		return s
	}
	return strings.ReplaceAll(s, secret, "[redacted]")
}
