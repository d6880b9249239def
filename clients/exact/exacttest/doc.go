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
// Exact (what an accountant does in the web UI) is available as methods:
// RecordPayment, ClosePeriod, RevokeTokens, AddDivision; Entities and
// Attachment inspect the stored data; Calls counts requests per endpoint;
// SetFaults injects failures.
//
// Served entity sets: see EntitySets. Attachments can be downloaded with a
// bearer token from the Url of a DocumentAttachment (&Download=1).
//
// Assumptions where Exact's behaviour is undocumented:
//   - string comparisons in $filter follow SQL Server's default collation:
//     case-insensitive, trailing spaces ignored (leading spaces matter, so a
//     padded account Code must be filtered padded or with trim()).
//   - a too-early refresh answers 401 {"error":"invalid_request",
//     "error_description":"Access token not expired"}; the 429 body is an
//     error envelope "Too many requests."; the error-budget block answers 403
//     with Reason "TooManyErrors".
//   - payment terms carry amounts with the entry's sign (positive invoices).
package exacttest
