// Package odootest is a wire-level simulator of an Odoo server (versions 16–19, Community with
// the Invoicing app) for tests and demos.
//
// It speaks real XML-RPC on /xmlrpc/2/common and /xmlrpc/2/object (written with encoding/xml)
// and, for version 19 only, JSON-2 on POST /json/2/<model>/<method>. It implements a small
// in-memory ORM with Odoo's value shapes (false for empty values, many2one as [id, "name"],
// x2many as lists of ids), domains in prefix notation, ordering, multi-company visibility,
// archived records, company-dependent fields, and the accounting flows the connector uses:
// posting and numbering of invoices; their tax lines as Odoo 17 computes them (per line or
// globally, repartition lines and reverse charge, price-included taxes, currency rates, cash
// rounding); registering, finding and cancelling payments and reconciling credit notes through
// real partial reconciliations (payment states, lock dates); generating the invoice PDF with the
// side effects of each version's Send & Print wizard; custom x_ fields and webhook automation rules.
//
// The simulator is strict on purpose: unknown fields, models and methods, private methods,
// wrong credentials and forbidden state transitions fail with the faults real Odoo sends.
// testdata/odoo17 holds what a real Odoo 17 answered to the client's every operation (recorded by
// clients/odoo/conformance/record); the replay test in clients/odoo/conformance fails wherever
// this simulator answers otherwise. Like PostgreSQL under Odoo, it stores write_date with
// microseconds (from Options.Now), reads it in whole seconds and compares the precise value.
package odootest
