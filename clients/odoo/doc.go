// Package odoo is a client for Odoo's external API (Odoo 16–19, Invoicing app).
//
// It speaks two transports behind one interface: XML-RPC (/xmlrpc/2/common and
// /xmlrpc/2/object, execute_kw) for every version, and JSON-2 (POST
// /json/2/<model>/<method>, bearer API key) for Odoo 19 and later. Dial asks the
// server for its version, picks the transport (or honours a forced one),
// authenticates, and returns a Client whose typed operations (Partners,
// PostedMoves, MovesChangedSince, InvoicePDF, BillDocument, RegisterPayment,
// FindPayments, CancelPayment, ReconcileCreditNote, InvoicePayments,
// EnsureCustomField, …) read and write
// Odoo records in a constant number of round trips per page.
//
// Odoo's value shapes are decoded into Go types: false means empty, many2one
// values become Many2One, x2many values []int64, dates and datetimes time.Time
// in UTC, and money decimal.Decimal rounded at the currency's precision (never
// float arithmetic).
//
// The client never retries. Every server-side error is a *Fault whose Class
// says whether a retry can help (Transient) or not (Access, Validation); use
// errors.Is with ErrAccessDenied, ErrNotFound, ErrValidation and ErrTransient.
// The API key is never logged and never put into an error.
package odoo
