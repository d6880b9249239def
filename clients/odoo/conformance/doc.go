// Package conformance proves that the Odoo simulator (clients/odoo/odootest) answers the
// Odoo client (clients/odoo) the way a real Odoo does.
//
// Run is one scenario that exercises every operation of odoo.Client against a server given by
// URL, database, login and API key: it discovers the accounting setup it needs through the
// client's own operations, creates its own records (a company partner with a bank account, a
// customer invoice and vendor bills, payments, a custom field, a webhook rule), and provokes the
// faults that matter (a missing record, posting twice, deleting a posted move, a wrong API key,
// a private method, a field created twice in parallel). Capture is an http.RoundTripper that
// records every request and answer of such a run, normalised (ids, dates, datetimes, move
// names, the run's unique suffix, PDF content and credentials masked) so that two runs on two
// servers can be compared.
//
// The command clients/odoo/conformance/record runs the scenario against a real Odoo and writes
// the recordings to clients/odoo/odootest/testdata/odoo<version>/, one JSON file per step. The
// replay test in this package runs the same scenario against a fresh odootest server and fails
// with a readable diff wherever the simulator answers differently: another fault code,
// exception or message, or a value of another shape (types; key sets of mappings; the element
// shape of lists, not their length).
//
// Adding an operation to odoo.Client means adding it to Run and recording again against a real
// Odoo (see the record command); the replay test then holds the simulator to the new answers.
package conformance
