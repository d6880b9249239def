// Package exacttest is an in-memory, wire-level fake of Exact Online for tests
// and local development: OAuth2 (authorization code, rotating refresh tokens
// with Exact's timing and grace rules), the REST API under /api/v1 with OData
// v2 verbose JSON, Exact's paging, mandatory $select and $filter rules, rate
// limits and headers, error envelopes, validation errors as HTTP 500, and a
// small Dutch administration with sales/purchase entries, documents and a
// cash-flow model (receivables, payables, payment terms, sync APIs).
//
// It is as strict as the real system where the facts are known (the
// project's Exact API research notes and recorded samples): a lenient fake
// makes client tests lie.
//
// Start one in a test with NewServer; serve New(opts).Handler() elsewhere.
// The command exacttest/exactsim runs it standalone. The operator side of
// Exact (what an accountant does in the web UI) is available as methods —
// ProcessBankStatement, MatchCreditNote, UndoMatch, RecordPayment,
// ProcessEntry, ClosePeriod, RevokeTokens, AddDivision — and, for a person
// or a test driving a running simulator, as POST endpoints under /sim/
// (admin.go; exactsim pay, credit, unmatch, process, close-period call
// them). Entities and Attachment inspect the stored data; Calls counts
// requests per endpoint (Counters.Endpoint, Counters.Division); SetFaults
// injects failures. The seeded administration (codes of journals, G/L
// accounts, VAT codes incl. reverse charge, currencies, document types, cost
// centres and cost units) is listed in seed.go; the cash-flow model in
// cashflow.go. AddVATCode, AddCostCenter and AddCostUnit add reference data
// the simulator's API does not write.
//
// Served entity sets: see EntitySets. Attachments can be downloaded with a
// bearer token from the Url of a DocumentAttachment (&Download=1).
//
// Resource paths are matched case-sensitively, as Exact does: hrm/Costcenters
// is served, hrm/CostCenters is a 404.
//
// Assumptions where Exact's behaviour is undocumented:
//   - string comparisons in $filter follow SQL Server's default collation:
//     case-insensitive, trailing spaces ignored (leading spaces matter, so a
//     padded account Code must be filtered padded or with trim()).
//   - a too-early refresh answers 401 {"error":"invalid_request",
//     "error_description":"Access token not expired"}; the 429 body is an
//     error envelope "Too many requests."; the error-budget block answers 403
//     with Reason "TooManyErrors".
//   - payment terms carry amounts with the entry's sign (positive invoices);
//     a bank line's own term has the opposite sign.
//   - a client's EntryID on POST is ignored (Options.EntryIDPolicy), an entry
//     for a relation without the customer/supplier role is refused
//     (Options.AutoRelationRoles), a blocked relation, G/L account or VAT
//     code is refused, a document belongs to one entry.
//   - an entry line's CostCenter must be the Code of an active cost centre
//     and its CostUnit the Code of a cost unit of the division, compared
//     exactly after trimming spaces ("Ongeldige referentie: Kostenplaats",
//     "Kostenplaats 900 is niet actief.", "Ongeldige referentie:
//     Kostendrager"); empty is none.
//   - a reporting year/period sent must be the entry date's; a closed or
//     missing period, and any change to an entry in a closed period, is
//     "The financial year cannot be changed."; a processed entry or one with
//     a matched term refuses every change ("Reeds verwerkt.").
//   - a charged (reverse-charge) VAT code's VAT is on the line, not in the
//     header's VATAmount, total or payment term.
//   - the rate of a foreign-currency entry is the one sent, else the
//     division's exchange rate on the entry date (none: refused);
//     AmountDC = AmountFC × Rate rounded per line.
//   - undoing a match deletes the matched rows and the open remainder and
//     opens one new row (the stricter reading for a client).
package exacttest
