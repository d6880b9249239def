package main

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/exactsync/exactsync/activities"
	"github.com/exactsync/exactsync/clients/exact"
	"github.com/exactsync/exactsync/clients/odoo/odootest"
	"github.com/exactsync/exactsync/store"
	"github.com/exactsync/exactsync/workflows"
)

// addConnection stores a second connection the way `starter connect` does: the stack's Odoo database, another
// company, another Exact division (added to the simulator), its own Exact token and the same payment terms.
func (s *stack) addConnection(name string, company int64, division int) store.Connection {
	s.t.Helper()
	ctx := context.Background()
	s.exact.AddDivision(division, name)
	if _, err := s.st.SaveOdoo(ctx, store.Connection{Name: name, OdooURL: s.odoo.URL(), OdooDatabase: s.odoo.Database(),
		OdooLogin: s.odoo.Login(), OdooAPIKey: s.odoo.APIKey(), OdooCompanyID: company, WebhookSecret: "hook-secret-" + name + "-0123456789"}); err != nil {
		s.t.Fatal(err)
	}
	id, err := s.st.SaveExact(ctx, store.Connection{Name: name, ExactSite: "nl", ExactBaseURL: s.exact.URL(),
		ExactClientID: s.exact.ClientID(), ExactClientSecret: s.exact.ClientSecret(), ExactRedirectURL: testRedirect, ExactDivision: division})
	if err != nil {
		s.t.Fatal(err)
	}
	cfg := &exact.Config{ClientID: s.exact.ClientID(), ClientSecret: s.exact.ClientSecret(), RedirectURL: testRedirect, BaseURL: s.exact.URL()}
	tok, err := cfg.Exchange(ctx, s.exact.Authorize(s.t, testRedirect))
	if err != nil {
		s.t.Fatal(err)
	}
	if err := exact.SaveToken(ctx, s.st, id, tok); err != nil {
		s.t.Fatal(err)
	}
	ms, err := s.st.Mappings(ctx, s.conn.ID, store.MapPaymentTerm)
	if err != nil {
		s.t.Fatal(err)
	}
	for _, m := range ms {
		if err := s.st.SaveMapping(ctx, id, m); err != nil {
			s.t.Fatal(err)
		}
	}
	conn, err := s.st.Connection(ctx, name)
	if err != nil {
		s.t.Fatal(err)
	}
	return conn
}

// detectOn runs the change detector of one connection to its end and waits for every sync it started.
func (s *stack) detectOn(conn store.Connection) workflows.DetectResult {
	s.t.Helper()
	ctx := context.Background()
	run, err := s.ts.Client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: fmt.Sprintf("detect-test-%s-%d", conn.Name, time.Now().UnixNano()),
		TaskQueue: workflows.TaskQueue}, workflows.DetectContacts, workflows.DetectInput{Connection: conn.Name, ConnectionID: conn.ID})
	if err != nil {
		s.t.Fatal(err)
	}
	var res workflows.DetectResult
	if err := run.Get(ctx, &res); err != nil {
		s.t.Fatalf("DetectContacts %s: %v", conn.Name, err)
	}
	for _, id := range res.PartnerIDs {
		var out workflows.ContactResult
		err := workflows.AwaitSync(ctx, s.ts.Client, workflows.ContactWorkflowID(conn.Name, id), &out)
		var nf *serviceerror.NotFound
		if errors.As(err, &nf) {
			s.t.Fatalf("%s: no sync ran for partner %d", conn.Name, id)
		}
		if err != nil {
			s.t.Fatalf("%s: sync of partner %d: %v", conn.Name, id, err)
		}
	}
	return res
}

// readUnder reads a partner's field as a user working in one company sees it.
func (s *stack) readUnder(company, partner int64, field string) any {
	s.t.Helper()
	out, err := s.odoo.Call("res.partner", "read", []any{[]any{partner}}, map[string]any{"fields": []any{field},
		"context": map[string]any{"allowed_company_ids": []any{company}}})
	if err != nil {
		s.t.Fatal(err)
	}
	return out.([]any)[0].(map[string]any)[field]
}

func (s *stack) accountWrites(div int) int {
	c := s.exact.Calls()
	return c.ByEndpoint[fmt.Sprintf("POST %d crm/Accounts", div)] + c.ByEndpoint[fmt.Sprintf("PUT %d crm/Accounts", div)]
}

// Two connections on two companies of one Odoo database and two Exact divisions share partners. Each keeps its
// own Exact ID: in the partner's x_ fields per company where Odoo can make them company dependent (18 and later),
// in its links alone where the fields are shared by all companies (Odoo 17: the oldest connection writes them).
// Neither's write-back wakes the other's detector: after the syncs, passes on both start nothing and write
// nothing, and an edit reaches each division once.
func TestTwoCompaniesShareOneOdooDatabase(t *testing.T) {
	for _, tc := range []struct {
		version    int
		perCompany bool
	}{{17, false}, {19, true}} {
		t.Run(fmt.Sprint("Odoo ", tc.version), func(t *testing.T) {
			s := newStackOn(t, []func(*odootest.Options){func(o *odootest.Options) { o.Version = tc.version }})
			ctx := context.Background()
			companies := s.odoo.CompanyIDs()
			a := s.conn
			b := s.addConnection("demo-be", companies[1], s.div+1)
			divOf := map[int64]int{a.ID: a.ExactDivision, b.ID: b.ExactDivision}

			shared := s.createPartners("Gedeeld", 3)
			onlyA := s.createPartners("AlleenA1", 1)[0] // prefixes of different lengths get different VAT numbers
			onlyB := s.createPartners("EigenB", 1)[0]
			for id, company := range map[int64]int64{onlyA: companies[0], onlyB: companies[1]} {
				if err := s.odoo.Write("res.partner", []int64{id}, map[string]any{"company_id": company}); err != nil {
					t.Fatal(err)
				}
			}
			for range 2 {
				s.detectOn(a)
				s.detectOn(b)
			}

			t.Run("each connection's Exact ID, per company where Odoo can", func(t *testing.T) {
				for _, id := range shared {
					la, err := s.st.Link(ctx, a.ID, activities.ModelPartner, id)
					if err != nil {
						t.Fatalf("partner %d: no link of %s: %v", id, a.Name, err)
					}
					lb, err := s.st.Link(ctx, b.ID, activities.ModelPartner, id)
					if err != nil {
						t.Fatalf("partner %d: no link of %s: %v", id, b.Name, err)
					}
					if la.ExactID == lb.ExactID {
						t.Errorf("partner %d: both connections linked to %s", id, la.ExactID)
					}
					wantB := la.ExactID // shared fields: the oldest connection's
					if tc.perCompany {
						wantB = lb.ExactID
					}
					if got := s.readUnder(companies[0], id, activities.FieldExactID); got != la.ExactID {
						t.Errorf("partner %d under company %d: x_exact_account_id = %v, want %s", id, companies[0], got, la.ExactID)
					}
					if got := s.readUnder(companies[1], id, activities.FieldExactID); got != wantB {
						t.Errorf("partner %d under company %d: x_exact_account_id = %v, want %s", id, companies[1], got, wantB)
					}
				}
				for _, tt := range []struct {
					partner      int64
					conn, other  store.Connection
					company      int64
					wantWritten  bool
					otherCompany int64
				}{
					{onlyA, a, b, companies[0], true, companies[1]},
					{onlyB, b, a, companies[1], tc.perCompany, companies[0]},
				} {
					l, err := s.st.Link(ctx, tt.conn.ID, activities.ModelPartner, tt.partner)
					if err != nil {
						t.Fatalf("partner %d of company %d: no link of %s: %v", tt.partner, tt.company, tt.conn.Name, err)
					}
					if _, err := s.st.Link(ctx, tt.other.ID, activities.ModelPartner, tt.partner); !errors.Is(err, store.ErrNotFound) {
						t.Errorf("partner %d of company %d: %s linked it too (%v)", tt.partner, tt.company, tt.other.Name, err)
					}
					want := any(false) // links only
					if tt.wantWritten {
						want = l.ExactID
					}
					if got := s.readUnder(tt.company, tt.partner, activities.FieldExactID); got != want {
						t.Errorf("partner %d under company %d: x_exact_account_id = %v, want %v", tt.partner, tt.company, got, want)
					}
				}
				for _, div := range []int{a.ExactDivision, b.ExactDivision} {
					for _, prefix := range []string{"Gedeeld 00 BV", "Gedeeld 01 BV", "Gedeeld 02 BV"} {
						n := 0
						for _, acc := range s.exact.Entities(div, "crm/Accounts") {
							if acc["Name"] == prefix {
								n++
							}
						}
						if n != 1 {
							t.Errorf("division %d: %d accounts %q, want 1", div, n, prefix)
						}
					}
				}
			})

			quiet := func(t *testing.T, when string) {
				t.Helper()
				s.clock.Advance(3 * time.Second) // every second written so far is over by Odoo's clock
				before := s.odoo.Calls().ByMethod["res.partner.write"]
				exactBefore := s.accountWrites(a.ExactDivision) + s.accountWrites(b.ExactDivision)
				for pass := range 3 {
					for _, conn := range []store.Connection{a, b} {
						if res := s.detectOn(conn); len(res.PartnerIDs) != 0 {
							t.Errorf("%s, pass %d: %s's detector started %v (own write-backs skipped: %d), want nothing", when, pass+1, conn.Name, res.PartnerIDs, res.Own)
						}
					}
				}
				if n := s.odoo.Calls().ByMethod["res.partner.write"] - before; n != 0 {
					t.Errorf("%s: %d writes to Odoo partners, want 0", when, n)
				}
				if n := s.accountWrites(a.ExactDivision) + s.accountWrites(b.ExactDivision) - exactBefore; n != 0 {
					t.Errorf("%s: %d writes to Exact accounts, want 0", when, n)
				}
			}
			t.Run("no loop after the first syncs", func(t *testing.T) { quiet(t, "after the first syncs") })

			t.Run("an edit reaches each division that has the partner once", func(t *testing.T) {
				for _, tt := range []struct {
					partner int64
					want    []store.Connection
				}{{shared[1], []store.Connection{a, b}}, {onlyB, []store.Connection{b}}} {
					s.exact.ResetCalls()
					if err := s.odoo.Write("res.partner", []int64{tt.partner}, map[string]any{"city": "Amersfoort"}); err != nil {
						t.Fatal(err)
					}
					s.clock.Advance(3 * time.Second)
					wanted := map[int64]bool{}
					for _, conn := range tt.want {
						wanted[conn.ID] = true
					}
					for _, conn := range []store.Connection{a, b} {
						res := s.detectOn(conn)
						want := 0
						if wanted[conn.ID] {
							want = 1
						}
						if len(res.PartnerIDs) != want || want == 1 && res.PartnerIDs[0] != tt.partner {
							t.Errorf("partner %d edited: %s started %v, want %d sync of it", tt.partner, conn.Name, res.PartnerIDs, want)
						}
						c := s.exact.Calls()
						if got := c.ByEndpoint[fmt.Sprintf("PUT %d crm/Accounts", divOf[conn.ID])]; got != want {
							t.Errorf("partner %d edited: %d PUTs in %s's division, want %d", tt.partner, got, conn.Name, want)
						}
						if got := c.ByEndpoint[fmt.Sprintf("POST %d crm/Accounts", divOf[conn.ID])]; got != 0 {
							t.Errorf("partner %d edited: %d POSTs in %s's division, want 0", tt.partner, got, conn.Name)
						}
					}
					for _, conn := range tt.want {
						l, err := s.st.Link(ctx, conn.ID, activities.ModelPartner, tt.partner)
						if err != nil {
							t.Fatal(err)
						}
						for _, acc := range s.exact.Entities(divOf[conn.ID], "crm/Accounts") {
							if acc["ID"] == l.ExactID && acc["City"] != "Amersfoort" {
								t.Errorf("%s's account of partner %d: City = %v, want Amersfoort", conn.Name, tt.partner, acc["City"])
							}
						}
					}
				}
				quiet(t, "after the edits")
			})
		})
	}
}
