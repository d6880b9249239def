package odootest

import (
	"fmt"
	"net/http"
	"strings"
)

// Error is an Odoo exception as the simulator raises it. Over XML-RPC it becomes a fault whose
// code follows Odoo's xmlrpc/2 handler (AccessDenied 3, AccessError 4, UserError and its
// subclasses 2, anything else 1 with a Python traceback); over JSON-2 it becomes an HTTP status
// with Odoo's JSON error body.
type Error struct {
	// Name is the Python exception class, e.g. "odoo.exceptions.UserError" or "builtins.ValueError".
	Name string
	// Message is str(exception).
	Message string
}

func (e *Error) Error() string { return e.Name + ": " + e.Message }

// FaultCode is the XML-RPC faultCode Odoo sends for this exception.
func (e *Error) FaultCode() int {
	switch e.Name {
	case excAccessDenied:
		return 3
	case excAccessError:
		return 4
	case excUserError, excValidationError, excMissingError, excRedirectWarning:
		return 2
	}
	return 1
}

// FaultString is the XML-RPC faultString Odoo sends for this exception.
func (e *Error) FaultString() string {
	if e.FaultCode() != 1 {
		return e.Message
	}
	return e.traceback()
}

func (e *Error) traceback() string {
	short := strings.TrimPrefix(e.Name, "builtins.")
	return "Traceback (most recent call last):\n" +
		"  File \"/usr/lib/python3/dist-packages/odoo/addons/base/controllers/rpc.py\", line 150, in xmlrpc_2\n" +
		"    response = self._xmlrpc(service)\n" +
		"  File \"/usr/lib/python3/dist-packages/odoo/service/model.py\", line 156, in execute_kw\n" +
		"    return execute(db, uid, obj, method, *args, **kw or {})\n" +
		"  File \"/usr/lib/python3/dist-packages/odoo/api.py\", line 468, in call_kw\n" +
		"    result = _call_kw_multi(method, model, args, kwargs)\n" +
		short + ": " + e.Message + "\n"
}

// HTTPStatus is the status JSON-2 answers with for this exception.
func (e *Error) HTTPStatus() int {
	switch e.Name {
	case excAccessDenied:
		return http.StatusUnauthorized
	case excAccessError:
		return http.StatusForbidden
	case excMissingError, excNotFound:
		return http.StatusNotFound
	case excUserError, excValidationError, excRedirectWarning, excTypeError, excUnprocessable:
		return http.StatusUnprocessableEntity
	}
	return http.StatusInternalServerError
}

const (
	excAccessDenied    = "odoo.exceptions.AccessDenied"
	excAccessError     = "odoo.exceptions.AccessError"
	excUserError       = "odoo.exceptions.UserError"
	excValidationError = "odoo.exceptions.ValidationError"
	excMissingError    = "odoo.exceptions.MissingError"
	excRedirectWarning = "odoo.exceptions.RedirectWarning"
	excValueError      = "builtins.ValueError"
	excTypeError       = "builtins.TypeError"
	excIndexError      = "builtins.IndexError"
	excKeyError        = "builtins.KeyError"
	excAttributeError  = "builtins.AttributeError"
	excNotFound        = "werkzeug.exceptions.NotFound"
	excUnprocessable   = "werkzeug.exceptions.UnprocessableEntity"
	excUnauthorized    = "werkzeug.exceptions.Unauthorized"
	excPsycopg         = "psycopg2.OperationalError"
)

func accessDenied() *Error { return &Error{Name: excAccessDenied, Message: "Access Denied"} }

func userError(format string, a ...any) *Error {
	return &Error{Name: excUserError, Message: fmt.Sprintf(format, a...)}
}

func validationError(format string, a ...any) *Error {
	return &Error{Name: excValidationError, Message: fmt.Sprintf(format, a...)}
}

func accessError(format string, a ...any) *Error {
	return &Error{Name: excAccessError, Message: fmt.Sprintf(format, a...)}
}

func valueError(format string, a ...any) *Error {
	return &Error{Name: excValueError, Message: fmt.Sprintf(format, a...)}
}

func typeError(format string, a ...any) *Error {
	return &Error{Name: excTypeError, Message: fmt.Sprintf(format, a...)}
}

func invalidField(field, model string) *Error {
	return valueError("Invalid field '%s' on model '%s'", field, model)
}

func missingError(model string, ids []int64, uid int64) *Error {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = fmt.Sprint(id)
	}
	return &Error{Name: excMissingError, Message: fmt.Sprintf(
		"Record does not exist or has been deleted.\n(Record: %s(%s,), User: %d)", model, strings.Join(parts, ", "), uid)}
}

// noneMarshalled is the fault Odoo's XML-RPC answers after a method returned None (and its changes
// were committed): fault 1 whose traceback ends in "TypeError: cannot marshal None unless
// allow_none is enabled".
func noneMarshalled() *Error {
	return &Error{Name: excTypeError, Message: "cannot marshal None unless allow_none is enabled"}
}

// postedUnlinkError is Odoo 17's UserError for deleting a posted move or one of its lines.
const postedUnlinkError = "You can't delete a posted journal item. Don\u2019t play games with your accounting records; reset the journal entry to draft before deleting it."
