package odoo_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"testing"

	"github.com/exactsync/exactsync/clients/odoo"
	"github.com/exactsync/exactsync/clients/odoo/odootest"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// seedInvoices creates and posts n customer invoices of lines lines each,
// directly in the simulator (no RPC counted).
func seedInvoices(tb testing.TB, srv *odootest.Server, n, lines int) []int64 {
	tb.Helper()
	ids := srv.Seeded()
	partners := []int64{ids.Partners["Van der Berg Installatietechniek B.V."], ids.Partners["Bakkerij De Gouden Korst"],
		ids.Partners["Müller & Söhne GmbH"], ids.Partners["Sanne Bakker"]}
	tax := ids.Taxes["sale 21%"]
	taxes := []any{[]any{6, 0, []any{tax}}}
	valsList := make([]any, 0, n)
	for i := range n {
		cmds := make([]any, 0, lines)
		for j := range lines {
			cmds = append(cmds, []any{0, 0, map[string]any{"name": fmt.Sprintf("Artikel %d-%d — ø", i, j),
				"quantity": float64(1 + j%7), "price_unit": 3.35 + float64(j%13)*1.1, "tax_ids": taxes}})
		}
		valsList = append(valsList, map[string]any{"move_type": "out_invoice", "partner_id": partners[i%len(partners)],
			"invoice_date": "2026-01-15", "invoice_line_ids": cmds})
	}
	// one create of all moves with their lines (x2many commands), then one action_post:
	// two transactions whatever n, each move recomputed from its own lines only
	res, err := srv.Call("account.move", "create", []any{valsList}, nil)
	if err != nil {
		tb.Fatalf("seed %d invoices: %v", n, err)
	}
	moveIDs, _ := res.([]any)
	if len(moveIDs) != n {
		tb.Fatalf("seed: got %d ids, want %d", len(moveIDs), n)
	}
	if _, err := srv.Call("account.move", "action_post", []any{moveIDs}, nil); err != nil {
		tb.Fatalf("post: %v", err)
	}
	out := make([]int64, n)
	for i, id := range moveIDs {
		out[i], _ = id.(int64)
	}
	return out
}

// Lines per invoice in TestPostedMovesCallBudget. `make test` reads 1,000
// posted invoices with 2 lines each on every backend: the call count does not
// depend on the line count (all lines of a page come in one search_read).
// `make volume` reads the full volume the issue states, 1,000 invoices of 200
// lines each (200,000 lines) on every transport:
//
//	go test ./clients/odoo -run CallBudget -odoo.volume-lines=200
var volumeLines = flag.Int("odoo.volume-lines", 2, "lines per invoice in TestPostedMovesCallBudget")

// Reading 1,000 posted invoices (with volumeLines lines each) costs a bounded number of calls whatever their
// line count: per page of 200 moves at most 5 (moves, lines, partners, bank
// accounts, banks) plus at most 7 per connection (fields_get of account.move,
// account.move.line, res.currency, res.partner, res.partner.bank; the
// currencies; the countries). Over 6 pages that is at most 37 calls.
func TestPostedMovesCallBudget(t *testing.T) {
	const (
		invoices    = 1000
		pageSize    = 200
		perPage     = 5
		perConn     = 7
		seededMoves = 20 // generous: the demo data's own posted moves
	)
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel() // the simulators are independent
			lines := *volumeLines
			srv := odootest.NewServer(t, func(o *odootest.Options) { o.Version = b.version })
			seeded := seedInvoices(t, srv, invoices, lines)
			c := dial(t, srv, b.transport, srv.CompanyID())
			srv.ResetCalls()

			want := map[int64]bool{}
			for _, id := range seeded {
				want[id] = true
			}
			f := odoo.MoveFilter{Types: []string{odoo.MoveOutInvoice}}
			pages := 0
			for {
				page, err := c.PostedMoves(context.Background(), f, pageSize)
				if err != nil {
					t.Fatalf("PostedMoves page %d: %v", pages, err)
				}
				pages++
				for _, m := range page.Moves {
					if want[m.ID] {
						if len(m.InvoiceLines) != lines {
							t.Fatalf("move %d: got %d invoice lines, want %d", m.ID, len(m.InvoiceLines), lines)
						}
						delete(want, m.ID)
					}
				}
				if !page.More {
					break
				}
				f.Cursor = page.Next
			}
			if len(want) != 0 {
				t.Errorf("%d seeded invoices not read", len(want))
			}
			maxPages := (invoices+seededMoves)/pageSize + 1
			if pages > maxPages {
				t.Errorf("pages: got %d, want at most %d", pages, maxPages)
			}
			calls := srv.Calls()
			if bound := perPage*pages + perConn; calls.Total > bound {
				t.Errorf("calls: got %d for %d pages, want at most %d (%d per page + %d): %v",
					calls.Total, pages, bound, perPage, perConn, calls.ByMethod)
			}
			if got := calls.ByMethod["account.move.line.search_read"]; got > pages {
				t.Errorf("line reads: got %d, want at most one per page (%d)", got, pages)
			}
		})
	}
}

// The API key travels with every XML-RPC call and every JSON-2 header; it must
// never reach the logs, not even at debug level and not on failures.
func TestLogsNeverContainTheKey(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			srv := odootest.NewServer(t, func(o *odootest.Options) { o.Version = b.version })
			var buf bytes.Buffer
			core := zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewDevelopmentEncoderConfig()), zapcore.AddSync(&buf), zapcore.DebugLevel)
			log := zap.New(core)
			c := dial(t, srv, b.transport, srv.CompanyID(), odoo.WithLogger(log))
			ids := srv.Seeded()
			if _, err := c.Partners(ctx, []int64{ids.Partners["Van der Berg Installatietechniek B.V."]}); err != nil {
				t.Fatal(err)
			}
			if _, err := c.Partners(ctx, []int64{999999}); !errors.Is(err, odoo.ErrNotFound) {
				t.Fatalf("got %v, want ErrNotFound", err)
			}
			srv.SetFaults(odootest.Faults{Fault5xx: 1})
			if _, err := c.Companies(ctx); !errors.Is(err, odoo.ErrTransient) {
				t.Fatalf("with 503s: got %v, want a transient error", err)
			}
			srv.SetFaults(odootest.Faults{})
			cfg := config(srv, b.transport, 0)
			cfg.APIKey = srv.APIKey() + "-wrong"
			if _, err := odoo.Dial(ctx, cfg, odoo.WithLogger(log)); !errors.Is(err, odoo.ErrAccessDenied) {
				t.Fatalf("wrong key: got %v, want ErrAccessDenied", err)
			}
			out := buf.String()
			if !strings.Contains(out, `"odoo_model":"res.partner"`) || !strings.Contains(out, `"odoo_method":"read"`) || !strings.Contains(out, "duration") {
				t.Errorf("debug log lacks model, method or duration:\n%s", out)
			}
			if strings.Contains(out, srv.APIKey()) {
				t.Errorf("the API key is in the log:\n%s", out)
			}
		})
	}
}

// BenchmarkPostedMoves measures reading and decoding one page of 40 posted
// invoices with 50 lines each through the simulator (BenchmarkDecode* isolate
// the client's decoding).
func BenchmarkPostedMoves(b *testing.B) {
	for _, be := range []backend{backends[0], backends[1]} {
		b.Run(be.name, func(b *testing.B) {
			srv := odootest.NewServer(b, func(o *odootest.Options) { o.Version = be.version })
			seedInvoices(b, srv, 40, 50)
			c, err := odoo.Dial(context.Background(), config(srv, be.transport, srv.CompanyID()))
			if err != nil {
				b.Fatal(err)
			}
			f := odoo.MoveFilter{Types: []string{odoo.MoveOutInvoice}}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				page, err := c.PostedMoves(context.Background(), f, 40)
				if err != nil {
					b.Fatal(err)
				}
				if len(page.Moves) != 40 {
					b.Fatalf("got %d moves, want 40", len(page.Moves))
				}
			}
		})
	}
}
