package odootest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestWireShapes(t *testing.T) {
	s := NewServer(t)
	r := newRPC(t, s)
	vdb := s.Seeded().Partners["Van der Berg Installatietechniek B.V."]

	t.Run("version", func(t *testing.T) {
		var got map[string]any
		if err := r.common.Call("version", nil, &got); err != nil {
			t.Fatal(err)
		}
		if got["server_version"] != "17.0" || got["server_serie"] != "17.0" || got["protocol_version"] != int64(1) {
			t.Errorf("version() = %v", got)
		}
		info := got["server_version_info"].([]any)
		if info[0] != int64(17) || info[3] != "final" {
			t.Errorf("server_version_info = %v, want [17 0 0 final 0 '']", info)
		}
	})
	auth := []struct {
		name     string
		login    string
		password string
		want     any
	}{
		{"api key", "admin", s.APIKey(), s.UID()},
		{"password", "admin", s.Password(), s.UID()},
		{"wrong password", "admin", "nope", false},
		{"wrong login", "root", s.APIKey(), false},
	}
	for _, tc := range auth {
		t.Run("authenticate/"+tc.name, func(t *testing.T) {
			var got any
			if err := r.common.Call("authenticate", []any{s.Database(), tc.login, tc.password, map[string]any{}}, &got); err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("authenticate = %v, want %v", got, tc.want)
			}
		})
	}
	faults := []struct {
		name       string
		password   string
		model      string
		method     string
		args       []any
		kwargs     map[string]any
		wantCode   int
		wantString string // exact, or suffix when it starts with "..."
	}{
		{"wrong credentials", "bad", "res.partner", "search", []any{[]any{}}, nil, 3, "Access Denied"},
		{"write missing record", "", "res.partner", "write", []any{[]any{int64(999999)}, map[string]any{"name": "x"}}, nil, 2,
			fmt.Sprintf("Record does not exist or has been deleted.\n(Record: res.partner(999999,), User: %d)", s.UID())},
		{"private method", "", "account.move", "_render_qweb_pdf", []any{[]any{int64(1)}}, nil, 4, "Private methods (such as _render_qweb_pdf) cannot be called remotely."},
		{"unknown model", "", "x.nothing", "search", []any{[]any{}}, nil, 2, "Object x.nothing doesn't exist"},
		{"unknown field in domain", "", "res.partner", "search", []any{[]any{[]any{"foo", "=", 1}}}, nil, 1, "...ValueError: Invalid field 'foo' on model 'res.partner'\n"},
		{"unknown field in fields", "", "res.partner", "search_read", []any{[]any{}}, map[string]any{"fields": []any{"foo"}}, 1, "...ValueError: Invalid field 'foo' on model 'res.partner'\n"},
		{"unknown field in write", "", "res.partner", "write", []any{[]any{vdb}, map[string]any{"x_exact_id": "1"}}, nil, 1, "...ValueError: Invalid field 'x_exact_id' on model 'res.partner'\n"},
		{"validation", "", "res.partner", "create", []any{map[string]any{"email": "a@b.c"}}, nil, 2, "Contacts require a name"},
		{"base_automation not installed", "", "base.automation", "search", []any{[]any{}}, nil, 2, "Object base.automation doesn't exist"},
		{"unknown method", "", "res.partner", "frobnicate", []any{[]any{}}, nil, 1, "...AttributeError: The method 'frobnicate' does not exist on the model 'res.partner'\n"},
	}
	for _, tc := range faults {
		t.Run("fault/"+tc.name, func(t *testing.T) {
			pw := tc.password
			if pw == "" {
				pw = s.APIKey()
			}
			kw := tc.kwargs
			if kw == nil {
				kw = map[string]any{}
			}
			var out any
			err := r.object.Call("execute_kw", []any{s.Database(), s.UID(), pw, tc.model, tc.method, tc.args, kw}, &out)
			f := faultOf(t, err)
			if f.Code != tc.wantCode {
				t.Errorf("faultCode = %d, want %d (%q)", f.Code, tc.wantCode, f.String)
			}
			if suffix, ok := strings.CutPrefix(tc.wantString, "..."); ok {
				if !strings.HasSuffix(f.String, suffix) || !strings.HasPrefix(f.String, "Traceback (most recent call last):") {
					t.Errorf("faultString = %q, want a traceback ending in %q", f.String, suffix)
				}
			} else if f.String != tc.wantString {
				t.Errorf("faultString = %q, want %q", f.String, tc.wantString)
			}
		})
	}
	t.Run("search_read values", func(t *testing.T) {
		rows := r.searchRead("res.partner", []any{[]any{"name", "=", "Sanne Bakker"}}, []any{"name", "vat", "country_id", "parent_id", "bank_ids", "customer_rank", "is_company", "commercial_partner_id", "write_date", "street"}, nil)
		if len(rows) != 1 {
			t.Fatalf("got %d rows, want 1", len(rows))
		}
		got := rows[0]
		id := got["id"].(int64)
		want := map[string]any{"id": id, "name": "Sanne Bakker", "vat": false, "country_id": false, "parent_id": false, "bank_ids": []any{},
			"customer_rank": int64(1), "is_company": false, "commercial_partner_id": []any{id, "Sanne Bakker"}, "street": false, "write_date": got["write_date"]}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("search_read = %#v\nwant %#v", got, want)
		}
		if !regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$`).MatchString(got["write_date"].(string)) {
			t.Errorf("write_date = %q, want YYYY-MM-DD HH:MM:SS", got["write_date"])
		}
		inv := r.readOne("account.move", s.Seeded().Moves[fmt.Sprintf("INV/%d/00001", time.Now().UTC().AddDate(0, 0, -45).Year())], "partner_id", "amount_total", "invoice_line_ids", "line_ids", "currency_id", "invoice_pdf_report_id")
		if pair := inv["partner_id"].([]any); pair[0] != vdb || pair[1] != "Van der Berg Installatietechniek B.V." {
			t.Errorf("partner_id = %v, want [%d, name]", pair, vdb)
		}
		if _, ok := inv["amount_total"].(float64); !ok {
			t.Errorf("amount_total = %T, want a double", inv["amount_total"])
		}
		if n := len(inv["invoice_line_ids"].([]any)); n != 5 {
			t.Errorf("invoice_line_ids has %d lines, want 5 (section, 2 products, note, zero-quantity line)", n)
		}
		if inv["invoice_pdf_report_id"] != false {
			t.Errorf("invoice_pdf_report_id = %v, want false before sending", inv["invoice_pdf_report_id"])
		}
	})
	t.Run("calls counted", func(t *testing.T) {
		s.ResetCalls()
		r.must("res.partner", "search_count", []any{[]any{}}, nil)
		var v any
		_ = r.common.Call("version", nil, &v)
		c := s.Calls()
		if c.ByMethod["res.partner.search_count"] != 1 || c.ByMethod["common.version"] != 1 || c.Total != 2 {
			t.Errorf("Calls() = %+v", c)
		}
	})
}

func TestDomains(t *testing.T) {
	s := NewServer(t)
	r := newRPC(t, s)
	cases := []struct {
		name   string
		model  string
		domain []any
		want   []string
	}{
		{"=", "res.country", []any{[]any{"code", "=", "NL"}}, []string{"Netherlands"}},
		{"!=", "res.country", []any{[]any{"code", "!=", "NL"}}, []string{"Belgium", "France", "Germany", "United Kingdom", "United States"}},
		{"in", "res.country", []any{[]any{"code", "in", []any{"BE", "DE"}}}, []string{"Belgium", "Germany"}},
		{"not in", "res.country", []any{[]any{"code", "not in", []any{"BE", "DE", "NL"}}}, []string{"France", "United Kingdom", "United States"}},
		{"like is case-sensitive", "res.country", []any{[]any{"name", "like", "land"}}, []string{"Netherlands"}},
		{"ilike", "res.country", []any{[]any{"name", "ilike", "UNITED"}}, []string{"United Kingdom", "United States"}},
		{"=like", "res.country", []any{[]any{"name", "=like", "B%"}}, []string{"Belgium"}},
		{"=ilike", "res.country", []any{[]any{"name", "=ilike", "g_rmany"}}, []string{"Germany"}},
		{"not ilike", "res.country", []any{[]any{"name", "not ilike", "e"}}, []string{}},
		{"implicit and", "res.country", []any{[]any{"name", "ilike", "united"}, []any{"code", "=", "US"}}, []string{"United States"}},
		{"or", "res.country", []any{"|", []any{"code", "=", "NL"}, []any{"code", "=", "FR"}}, []string{"France", "Netherlands"}},
		{"not", "res.country", []any{"!", []any{"name", "ilike", "e"}}, []string{}},
		{"nested prefix", "res.country", []any{"&", "|", []any{"code", "=", "NL"}, []any{"code", "=", "BE"}, "!", []any{"code", "=", "BE"}}, []string{"Netherlands"}},
		{"< on float", "res.currency", []any{[]any{"rate", "<", 1.0}}, []string{}},
		{">= on float", "res.currency", []any{[]any{"rate", ">=", 1.08}}, []string{"JPY", "USD"}},
		{"= false on char", "res.partner", []any{[]any{"is_company", "=", true}, []any{"vat", "=", false}}, []string{"Acme Corp"}},
		{"!= false", "res.partner", []any{[]any{"company_registry", "!=", false}, []any{"country_id.code", "=", "DE"}}, []string{"Müller & Söhne GmbH"}},
		{"many2one by id", "res.partner", []any{[]any{"parent_id", "=", s.Seeded().Partners["Brouwerij Het Anker NV"]}}, []string{"Brouwerij Het Anker NV, Els Peeters"}},
		{"many2one by name", "res.partner", []any{[]any{"country_id", "=", "Germany"}}, []string{"Müller & Söhne GmbH"}},
		{"many2one ilike", "res.partner", []any{[]any{"parent_id", "ilike", "anker"}}, []string{"Brouwerij Het Anker NV, Els Peeters"}},
		{"dotted path", "account.move", []any{[]any{"partner_id.country_id.code", "=", "US"}, []any{"move_type", "=", "out_invoice"}}, []string{fmt.Sprintf("INVUS/%d/00001", time.Now().UTC().AddDate(0, 0, -15).Year())}},
		{"x2many any", "res.partner", []any{[]any{"bank_ids.acc_number", "=", "NL91ABNA0417164300"}}, []string{"Van der Berg Installatietechniek B.V."}},
		{"x2many empty", "res.partner", []any{[]any{"bank_ids", "=", false}, []any{"is_company", "=", true}, []any{"customer_rank", ">", 0}}, []string{"Acme Corp"}},
		{"child_of", "res.partner", []any{[]any{"id", "child_of", s.Seeded().Partners["Brouwerij Het Anker NV"]}}, []string{"Brouwerij Het Anker NV", "Brouwerij Het Anker NV, Els Peeters"}},
		{"archived hidden", "res.partner", []any{[]any{"name", "ilike", "Oude Klant"}}, []string{}},
		{"archived when domain mentions active", "res.partner", []any{[]any{"name", "ilike", "Oude Klant"}, []any{"active", "=", false}}, []string{"Oude Klant B.V."}},
		{"true leaf", "res.country", []any{[]any{int64(1), "=", int64(1)}, []any{"code", "=", "FR"}}, []string{"France"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rows := r.searchRead(tc.model, tc.domain, []any{"display_name"}, nil)
			got := []string{}
			for _, row := range rows {
				got = append(got, row["display_name"].(string))
			}
			sort.Strings(got)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("search_read(%v) = %q, want %q", tc.domain, got, tc.want)
			}
		})
	}
	t.Run("active_test false", func(t *testing.T) {
		n := r.must("res.partner", "search_count", []any{[]any{[]any{"name", "=", "Oude Klant B.V."}}}, map[string]any{"context": map[string]any{"active_test": false}})
		if n != int64(1) {
			t.Errorf("search_count with active_test false = %v, want 1", n)
		}
	})
	t.Run("bad operator", func(t *testing.T) {
		_, err := r.call("res.country", "search", []any{[]any{[]any{"code", "~", "NL"}}}, nil)
		if f := faultOf(t, err); f.Code != 1 {
			t.Errorf("faultCode = %d, want 1", f.Code)
		}
	})
}

func TestOrderLimitOffset(t *testing.T) {
	s := NewServer(t)
	r := newRPC(t, s)
	cases := []struct {
		order         string
		offset, limit int64
		want          []string
	}{
		{"code asc", 0, 3, []string{"BE", "DE", "FR"}},
		{"code desc", 0, 2, []string{"US", "NL"}},
		{"code asc", 2, 2, []string{"FR", "GB"}},
		{"name desc, id asc", 5, 10, []string{"BE"}},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s/%d/%d", tc.order, tc.offset, tc.limit), func(t *testing.T) {
			rows := r.searchRead("res.country", []any{}, []any{"code"}, map[string]any{"order": tc.order, "offset": tc.offset, "limit": tc.limit})
			var got []string
			for _, row := range rows {
				got = append(got, row["code"].(string))
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	t.Run("invalid order", func(t *testing.T) {
		_, err := r.call("res.country", "search", []any{[]any{}}, map[string]any{"order": "nope asc"})
		faultOf(t, err)
	})
}

// TestWriteDateMicroseconds: like PostgreSQL under Odoo, write_date keeps microseconds, is read in
// whole seconds, and domains and ordering use the precise value.
// postedUnlinkMessage is real Odoo 17's answer to unlink of a posted move (testdata/odoo17).
const postedUnlinkMessage = "You can't delete a posted journal item. Don’t play games with your accounting records; reset the journal entry to draft before deleting it."

// wantNoneFault checks the fault real Odoo answers over XML-RPC when a method returned None.
func wantNoneFault(t *testing.T, err error) {
	t.Helper()
	f := faultOf(t, err)
	if f.Code != 1 || !strings.HasSuffix(strings.TrimSpace(f.String), "TypeError: cannot marshal None unless allow_none is enabled") {
		t.Errorf("fault = %d %q, want 1 ending in TypeError: cannot marshal None unless allow_none is enabled", f.Code, f.String)
	}
}

// TestReadLeavesOutMissingRecords: real Odoo 17's read answers the records that exist and no fault
// (recorded in testdata/odoo17, step "read a missing record"); write on them is a MissingError.
func TestReadLeavesOutMissingRecords(t *testing.T) {
	s := NewServer(t)
	r := newRPC(t, s)
	vdb := s.Seeded().Partners["Van der Berg Installatietechniek B.V."]
	got := r.must("res.partner", "read", []any{[]any{int64(999999), vdb}}, map[string]any{"fields": []any{"name"}}).([]any)
	if len(got) != 1 || got[0].(map[string]any)["id"] != vdb {
		t.Errorf("read of a missing and an existing partner = %v, want only partner %d", got, vdb)
	}
	_, err := r.call("res.partner", "write", []any{[]any{int64(999999)}, map[string]any{"name": "x"}}, nil)
	if f := faultOf(t, err); f.Code != 2 || !strings.HasPrefix(f.String, "Record does not exist or has been deleted.") {
		t.Errorf("write on a missing partner: fault %d %q", f.Code, f.String)
	}
}

func TestWriteDateMicroseconds(t *testing.T) {
	sec := time.Date(2026, 12, 1, 23, 14, 5, 0, time.UTC)
	clk := NewClock(sec.Add(-time.Hour))
	s := NewServer(t, func(o *Options) { o.Now = clk.Now })
	r := newRPC(t, s)
	create := func(name string, at time.Time) int64 {
		t.Helper()
		clk.Set(at)
		return r.must("res.partner", "create", []any{map[string]any{"name": name}}, nil).(int64)
	}
	before := create("Cursor before", sec.Add(-time.Second+100*time.Millisecond))
	a := create("Cursor A", sec.Add(200*time.Millisecond))
	b := create("Cursor B", sec.Add(500*time.Millisecond))
	clk.Set(sec.Add(800 * time.Millisecond))
	r.must("res.partner", "write", []any{[]any{a}, map[string]any{"city": "Delft"}}, nil)
	clk.Set(sec.Add(900 * time.Millisecond))
	pair := r.must("res.partner", "create", []any{[]any{map[string]any{"name": "Cursor C"}, map[string]any{"name": "Cursor D"}}}, nil).([]any)

	const S = "2026-12-01 23:14:05"
	rows := r.searchRead("res.partner", []any{[]any{"id", "in", []any{a, b, pair[0], pair[1]}}}, []any{"write_date", "create_date"}, nil)
	for _, row := range rows {
		if row["write_date"] != S {
			t.Errorf("partner %v write_date = %v, want %s (whole seconds, shared within the second)", row["id"], row["write_date"], S)
		}
	}
	ids := func(domain []any, order string) []int64 {
		t.Helper()
		domain = append([]any{[]any{"name", "=like", "Cursor %"}}, domain...)
		var out []int64
		for _, row := range r.searchRead("res.partner", domain, []any{"id"}, map[string]any{"order": order}) {
			out = append(out, row["id"].(int64))
		}
		return out
	}
	c, d := pair[0].(int64), pair[1].(int64)
	for _, tc := range []struct {
		op   string
		val  string
		want []int64
	}{
		{">", S, []int64{a, b, c, d}},
		{">=", S, []int64{a, b, c, d}},
		{"=", S, nil},
		{"<", S, []int64{before}},
		{"<=", S, []int64{before}},
		{">", "2026-12-01 23:14:04", []int64{before, a, b, c, d}},
		{"<", "2026-12-01 23:14:06", []int64{before, a, b, c, d}},
		{">", "2026-12-01", nil},
		{">=", "2026-12-01", []int64{before, a, b, c, d}},
	} {
		got := ids([]any{[]any{"write_date", tc.op, tc.val}}, "id")
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("write_date %s %q = %v, want %v", tc.op, tc.val, got, tc.want)
		}
	}
	// b (S.5) before a (written at S.8), though both read S and a has the lower id
	if got, want := ids(nil, "write_date asc, id asc"), []int64{before, b, a, c, d}; !reflect.DeepEqual(got, want) {
		t.Errorf("order write_date asc = %v, want %v", got, want)
	}
	if got, want := ids(nil, "write_date desc, id asc"), []int64{c, d, a, b, before}; !reflect.DeepEqual(got, want) {
		t.Errorf("order write_date desc = %v, want %v", got, want)
	}
}

// newInvoice creates a draft customer invoice with one 21% line of qty × price.
func newInvoice(t *testing.T, r *rpc, s *Server, moveType string, qty, price float64) int64 {
	t.Helper()
	use := "sale"
	partner := s.Seeded().Partners["Van der Berg Installatietechniek B.V."]
	if strings.HasPrefix(moveType, "in_") {
		use = "purchase"
		partner = s.Seeded().Partners["Groothandel Jansen B.V."]
	}
	vals := map[string]any{"move_type": moveType, "partner_id": partner, "invoice_line_ids": []any{
		[]any{0, 0, map[string]any{"name": "Consultancy", "quantity": qty, "price_unit": price, "tax_ids": []any{[]any{6, 0, []any{s.Seeded().Taxes[use+" 21%"]}}}}},
	}}
	if use == "purchase" {
		vals["invoice_date"] = time.Now().UTC().Format(dateLayout)
		vals["ref"] = "EXT-1"
	}
	return r.must("account.move", "create", []any{vals}, nil).(int64)
}

func TestPostingAndNumbering(t *testing.T) {
	s := NewServer(t)
	r := newRPC(t, s)
	year := time.Now().UTC().Year()
	nextNumber := func(prefix string) string {
		rows := r.searchRead("account.move", []any{[]any{"name", "=like", fmt.Sprintf("%s/%d/%%", prefix, year)}}, []any{"name"}, map[string]any{"order": "name desc", "limit": int64(1)})
		n := 0
		if len(rows) > 0 {
			n, _ = strconv.Atoi(rows[0]["name"].(string)[len(prefix)+6:])
		}
		return fmt.Sprintf("%s/%d/%05d", prefix, year, n+1)
	}
	cases := []struct {
		moveType, prefix string
		wantRef          bool
	}{
		{"out_invoice", "INV", true},
		{"out_refund", "RINV", false},
		{"in_invoice", "BILL", false},
		{"in_refund", "RBILL", false},
	}
	for _, tc := range cases {
		t.Run(tc.moveType, func(t *testing.T) {
			want := nextNumber(tc.prefix)
			id := newInvoice(t, r, s, tc.moveType, 3, 33.33)
			draft := r.readOne("account.move", id, "name", "state", "amount_untaxed", "amount_tax", "amount_total", "line_ids", "display_name")
			if draft["name"] != "/" || draft["state"] != "draft" {
				t.Errorf("draft name/state = %v/%v, want / and draft", draft["name"], draft["state"])
			}
			if draft["amount_untaxed"] != 99.99 || draft["amount_tax"] != 21.0 || draft["amount_total"] != 120.99 {
				t.Errorf("amounts = %v/%v/%v, want 99.99/21.0/120.99", draft["amount_untaxed"], draft["amount_tax"], draft["amount_total"])
			}
			if n := len(draft["line_ids"].([]any)); n != 3 {
				t.Errorf("line_ids = %d lines, want 3 (product, tax, payment_term)", n)
			}
			got := r.must("account.move", "action_post", []any{[]any{id}}, nil)
			if got != false {
				t.Errorf("action_post returned %v, want false", got)
			}
			posted := r.readOne("account.move", id, "name", "state", "payment_reference", "invoice_date", "payment_state", "amount_residual")
			if posted["name"] != want || posted["state"] != "posted" {
				t.Errorf("posted name/state = %v/%v, want %s/posted", posted["name"], posted["state"], want)
			}
			if tc.wantRef && posted["payment_reference"] != want {
				t.Errorf("payment_reference = %v, want %s", posted["payment_reference"], want)
			}
			if posted["invoice_date"] == false || posted["payment_state"] != "not_paid" || posted["amount_residual"] != 120.99 {
				t.Errorf("posted = %v", posted)
			}
			// texts and codes as real Odoo 17 answers them (testdata/odoo17)
			_, err := r.call("account.move", "action_post", []any{[]any{id}}, nil)
			if f := faultOf(t, err); f.Code != 2 || f.String != fmt.Sprintf("The entry %s (id %d) must be in draft.", want, id) {
				t.Errorf("second action_post fault = %d %q", f.Code, f.String)
			}
			_, err = r.call("account.move", "unlink", []any{[]any{id}}, nil)
			if f := faultOf(t, err); f.Code != 2 || f.String != postedUnlinkMessage {
				t.Errorf("unlink fault = %d %q", f.Code, f.String)
			}
			// button_cancel on a posted move cancels it (keeping name and posted_before) and,
			// returning None, answers the marshal fault after committing.
			_, err = r.call("account.move", "button_cancel", []any{[]any{id}}, nil)
			wantNoneFault(t, err)
			if got := r.readOne("account.move", id, "state", "name", "posted_before"); got["state"] != "cancel" || got["name"] != want || got["posted_before"] != true {
				t.Errorf("after button_cancel on posted = %v, want cancel keeping %s, posted_before", got, want)
			}
			_, err = r.call("account.move", "button_cancel", []any{[]any{id}}, nil)
			if f := faultOf(t, err); f.Code != 2 || f.String != "Only draft journal entries can be cancelled." {
				t.Errorf("button_cancel on cancelled = %d %q", f.Code, f.String)
			}
			_, err = r.call("account.move", "action_post", []any{[]any{id}}, nil)
			if f := faultOf(t, err); f.Code != 2 || f.String != fmt.Sprintf("The entry %s (id %d) must be in draft.", want, id) {
				t.Errorf("action_post on cancelled = %d %q", f.Code, f.String)
			}
			_, err = r.call("account.move", "button_draft", []any{[]any{id}}, nil)
			wantNoneFault(t, err)
			if got := r.readOne("account.move", id, "state", "name"); got["state"] != "draft" || got["name"] != want {
				t.Errorf("after button_draft = %v, want draft keeping %s", got, want)
			}
			_, err = r.call("account.move", "button_draft", []any{[]any{id}}, nil)
			if f := faultOf(t, err); f.Code != 2 || f.String != "Only posted/cancelled journal entries can be reset to draft." {
				t.Errorf("button_draft on draft = %d %q", f.Code, f.String)
			}
		})
	}
	t.Run("posting requires a partner and a line", func(t *testing.T) {
		id := r.must("account.move", "create", []any{map[string]any{"move_type": "out_invoice"}}, nil).(int64)
		_, err := r.call("account.move", "action_post", []any{[]any{id}}, nil)
		if f := faultOf(t, err); f.String != "The field 'Customer' is required, please complete it to validate the Customer Invoice." {
			t.Errorf("fault = %q", f.String)
		}
		r.must("account.move", "write", []any{[]any{id}, map[string]any{"partner_id": s.Seeded().Partners["Acme Corp"]}}, nil)
		_, err = r.call("account.move", "action_post", []any{[]any{id}}, nil)
		if f := faultOf(t, err); f.String != "You need to add a line before posting." {
			t.Errorf("fault = %q", f.String)
		}
		r.must("account.move", "unlink", []any{[]any{id}}, nil)
	})
	t.Run("payment terms split", func(t *testing.T) {
		id := newInvoice(t, r, s, "out_invoice", 1, 1000)
		r.must("account.move", "write", []any{[]any{id}, map[string]any{"invoice_payment_term_id": s.Seeded().Terms["30% Now, Balance 60 Days"], "invoice_date": "2026-03-01"}}, nil)
		rows := r.searchRead("account.move.line", []any{[]any{"move_id", "=", id}, []any{"display_type", "=", "payment_term"}}, []any{"debit", "date_maturity"}, map[string]any{"order": "id"})
		got := [][2]any{}
		for _, row := range rows {
			got = append(got, [2]any{row["debit"], row["date_maturity"]})
		}
		want := [][2]any{{363.0, "2026-03-01"}, {847.0, "2026-04-30"}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("payment term lines = %v, want %v", got, want)
		}
	})
}

func TestPaymentRegister(t *testing.T) {
	s := NewServer(t)
	r := newRPC(t, s)
	id := newInvoice(t, r, s, "out_invoice", 1, 100) // 121.00
	r.must("account.move", "action_post", []any{[]any{id}}, nil)
	ctx := map[string]any{"context": map[string]any{"active_model": "account.move", "active_ids": []any{id}}}
	register := func(amount float64) error {
		t.Helper()
		wid, err := r.call("account.payment.register", "create", []any{map[string]any{"amount": amount, "payment_date": "2026-05-01", "journal_id": s.Seeded().Journals["BNK1"], "communication": "test"}}, ctx)
		if err != nil {
			return err
		}
		_, err = r.call("account.payment.register", "action_create_payments", []any{[]any{wid}}, ctx)
		return err
	}
	steps := []struct {
		amount       float64
		wantErr      string
		wantState    string
		wantResidual float64
	}{
		// real 17: a zero amount makes a zero payment that pays nothing; a negative one is refused by a constraint
		{0, "", "not_paid", 121},
		{-5, "The operation cannot be completed: The payment amount cannot be negative.", "not_paid", 121},
		{21, "", "partial", 100},
		// more than is due: allowed, the 0.50 stays open on the payment
		{100.5, "", "paid", 0},
	}
	for _, st := range steps {
		t.Run(fmt.Sprint(st.amount), func(t *testing.T) {
			err := register(st.amount)
			if st.wantErr != "" {
				if f := faultOf(t, err); f.Code != 2 || f.String != st.wantErr {
					t.Errorf("fault = %d %q, want 2 %q", f.Code, f.String, st.wantErr)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			got := r.readOne("account.move", id, "payment_state", "amount_residual")
			if got["payment_state"] != st.wantState || got["amount_residual"] != st.wantResidual {
				t.Errorf("after %v: %v, want %s %v", st.amount, got, st.wantState, st.wantResidual)
			}
		})
	}
	t.Run("nothing left to pay", func(t *testing.T) {
		_, err := r.call("account.payment.register", "create", []any{map[string]any{"amount": 1.0}}, ctx)
		if f := faultOf(t, err); !strings.Contains(f.String, "nothing left to pay") {
			t.Errorf("fault = %q", f.String)
		}
	})
	t.Run("payments", func(t *testing.T) {
		rows := r.searchRead("account.payment", []any{[]any{"ref", "=", "test"}}, []any{"amount", "state", "payment_type", "ref", "is_reconciled", "reconciled_invoice_ids"}, map[string]any{"order": "id"})
		if len(rows) != 3 || rows[0]["amount"] != 0.0 || rows[1]["amount"] != 21.0 || rows[2]["amount"] != 100.5 || rows[1]["payment_type"] != "inbound" || rows[1]["state"] != "posted" {
			t.Fatalf("payments = %v", rows)
		}
		for i, want := range []bool{true, true, false} {
			if rows[i]["is_reconciled"] != want {
				t.Errorf("payment %v: is_reconciled %v, want %v", rows[i]["amount"], rows[i]["is_reconciled"], want)
			}
		}
		if fmt.Sprint(rows[1]["reconciled_invoice_ids"]) != fmt.Sprintf("[%d]", id) || fmt.Sprint(rows[0]["reconciled_invoice_ids"]) != "[]" {
			t.Errorf("reconciled invoices: %v", rows)
		}
	})
	t.Run("draft invoice refused", func(t *testing.T) {
		_, err := r.call("account.payment.register", "create", []any{map[string]any{}}, map[string]any{"context": map[string]any{"active_model": "account.move", "active_ids": []any{s.Seeded().Moves["draft-invoice"]}}})
		if f := faultOf(t, err); f.String != "You can only register payment for posted journal entries." {
			t.Errorf("fault = %q", f.String)
		}
	})
}

func TestInvoicePDF(t *testing.T) {
	for _, v := range []int{16, 17} {
		t.Run(fmt.Sprint(v), func(t *testing.T) {
			s := NewServer(t, func(o *Options) { o.Version = v })
			r := newRPC(t, s)
			id := newInvoice(t, r, s, "out_invoice", 2, 50)
			r.must("account.move", "action_post", []any{[]any{id}}, nil)
			ctx := map[string]any{"context": map[string]any{"active_model": "account.move", "active_ids": []any{id}}}
			var attID int64
			if v == 16 {
				if _, err := r.call("account.move", "read", []any{[]any{id}}, map[string]any{"fields": []any{"invoice_pdf_report_id"}}); err == nil {
					t.Fatal("invoice_pdf_report_id readable on 16")
				}
				wid := r.must("account.invoice.send", "create", []any{map[string]any{"is_email": false, "is_print": true}}, ctx)
				r.must("account.invoice.send", "send_and_print_action", []any{[]any{wid}}, ctx)
				attID = r.readOne("account.move", id, "message_main_attachment_id")["message_main_attachment_id"].([]any)[0].(int64)
			} else {
				wid := r.must("account.move.send", "create", []any{map[string]any{"checkbox_send_mail": false, "checkbox_download": true}}, ctx)
				r.must("account.move.send", "action_send_and_print", []any{[]any{wid}}, ctx)
				got := r.readOne("account.move", id, "invoice_pdf_report_id", "is_move_sent", "message_main_attachment_id")
				if got["is_move_sent"] != true {
					t.Errorf("is_move_sent = %v", got["is_move_sent"])
				}
				attID = got["invoice_pdf_report_id"].([]any)[0].(int64)
				if main, _ := got["message_main_attachment_id"].([]any); len(main) != 2 || main[0] != attID {
					t.Errorf("message_main_attachment_id = %v, want the PDF %d (as real 17 sets it)", got["message_main_attachment_id"], attID)
				}
			}
			att := r.readOne("ir.attachment", attID, "name", "datas", "mimetype", "res_model", "res_id")
			if att["mimetype"] != "application/pdf" || att["res_model"] != "account.move" || att["res_id"] != id {
				t.Errorf("attachment = %v", att)
			}
			pdf, err := base64.StdEncoding.DecodeString(att["datas"].(string))
			if err != nil {
				t.Fatal(err)
			}
			name := r.readOne("account.move", id, "name")["name"].(string)
			checkPDF(t, pdf, name, "Total: 121.00")
		})
	}
}

// checkPDF parses the cross-reference table and checks every object offset.
func checkPDF(t *testing.T, pdf []byte, texts ...string) {
	t.Helper()
	if !bytes.HasPrefix(pdf, []byte("%PDF-1.4")) || !bytes.HasSuffix(bytes.TrimSpace(pdf), []byte("%%EOF")) {
		t.Fatalf("not a PDF: %q", pdf[:min(20, len(pdf))])
	}
	m := regexp.MustCompile(`startxref\n(\d+)\n`).FindSubmatch(pdf)
	if m == nil {
		t.Fatal("no startxref")
	}
	xref, _ := strconv.Atoi(string(m[1]))
	if !bytes.HasPrefix(pdf[xref:], []byte("xref\n")) {
		t.Fatalf("startxref %d does not point at xref", xref)
	}
	lines := strings.Split(string(pdf[xref:]), "\n")
	var n int
	fmt.Sscanf(lines[1], "0 %d", &n)
	for i := 1; i < n; i++ {
		off, _ := strconv.Atoi(lines[2+i][:10])
		if want := fmt.Sprintf("%d 0 obj", i); !bytes.HasPrefix(pdf[off:], []byte(want)) {
			t.Errorf("xref entry %d points at %q, want %q", i, pdf[off:off+10], want)
		}
	}
	for _, txt := range texts {
		if !bytes.Contains(pdf, []byte(pdfText(txt))) {
			t.Errorf("PDF does not contain %q", txt)
		}
	}
}

func TestCustomFields(t *testing.T) {
	s := NewServer(t)
	r := newRPC(t, s)
	partner := s.Seeded().Partners["Acme Corp"]
	_, err := r.call("res.partner", "write", []any{[]any{partner}, map[string]any{"x_exact_id": "abc"}}, nil)
	faultOf(t, err)
	modelID := r.searchRead("ir.model", []any{[]any{"model", "=", "res.partner"}}, []any{"model"}, nil)[0]["id"].(int64)
	_, err = r.call("ir.model.fields", "create", []any{map[string]any{"name": "exact_id", "model_id": modelID, "ttype": "char", "field_description": "Exact ID"}}, nil)
	if f := faultOf(t, err); f.Code != 2 || !strings.Contains(f.String, "x_") {
		t.Errorf("fault for a name without x_ = %d %q", f.Code, f.String)
	}
	r.must("ir.model.fields", "create", []any{map[string]any{"name": "x_exact_id", "model_id": modelID, "ttype": "char", "field_description": "Exact ID"}}, nil)
	r.must("ir.model.fields", "create", []any{map[string]any{"name": "x_exact_version", "model_id": modelID, "ttype": "integer", "field_description": "Exact Version"}}, nil)
	r.must("res.partner", "write", []any{[]any{partner}, map[string]any{"x_exact_id": "7f3c-11", "x_exact_version": int64(4)}}, nil)
	got := r.readOne("res.partner", partner, "x_exact_id", "x_exact_version")
	if got["x_exact_id"] != "7f3c-11" || got["x_exact_version"] != int64(4) {
		t.Errorf("read x_ fields = %v", got)
	}
	if n := r.must("res.partner", "search_count", []any{[]any{[]any{"x_exact_id", "=", false}}}, nil).(int64); n == 0 {
		t.Error("no partner without x_exact_id")
	}
	fg := r.must("res.partner", "fields_get", []any{[]any{"x_exact_id"}}, map[string]any{"attributes": []any{"type", "string"}}).(map[string]any)
	if !reflect.DeepEqual(fg["x_exact_id"], map[string]any{"type": "char", "string": "Exact ID"}) {
		t.Errorf("fields_get = %v", fg)
	}
	_, err = r.call("ir.model.fields", "create", []any{map[string]any{"name": "x_exact_id", "model_id": modelID, "ttype": "char", "field_description": "Again"}}, nil)
	faultOf(t, err)
}

func TestJSON2(t *testing.T) {
	post := postJSON2
	s19 := NewServer(t, func(o *Options) { o.Version = 19 })
	s17 := NewServer(t)
	partner := s19.Seeded().Partners["Acme Corp"]
	cases := []struct {
		name     string
		s        *Server
		path     string
		key      string
		body     any
		want     int
		wantName string
	}{
		{"search_read", s19, "/json/2/res.country/search_read", s19.APIKey(), map[string]any{"domain": []any{[]any{"code", "=", "NL"}}, "fields": []any{"code", "currency_id"}}, 200, ""},
		{"read with ids", s19, "/json/2/res.partner/read", s19.APIKey(), map[string]any{"ids": []any{partner}, "fields": []any{"name", "vat"}}, 200, ""},
		{"password is not a key", s19, "/json/2/res.partner/search", s19.Password(), map[string]any{"domain": []any{}}, 401, "werkzeug.exceptions.Unauthorized"},
		{"bad key", s19, "/json/2/res.partner/search", "nope", map[string]any{"domain": []any{}}, 401, "werkzeug.exceptions.Unauthorized"},
		{"unknown model", s19, "/json/2/x.y/search", s19.APIKey(), map[string]any{"domain": []any{}}, 404, "werkzeug.exceptions.NotFound"},
		{"unknown method", s19, "/json/2/res.partner/frob", s19.APIKey(), map[string]any{}, 404, "werkzeug.exceptions.NotFound"},
		{"unknown argument", s19, "/json/2/res.partner/search", s19.APIKey(), map[string]any{"domain": []any{}, "bogus": 1}, 422, "builtins.TypeError"},
		{"user error", s19, "/json/2/res.partner/create", s19.APIKey(), map[string]any{"vals_list": []any{map[string]any{"email": "x@y"}}}, 422, "odoo.exceptions.ValidationError"},
		{"missing record", s19, "/json/2/res.partner/write", s19.APIKey(), map[string]any{"ids": []any{999999}, "vals": map[string]any{"name": "x"}}, 404, "odoo.exceptions.MissingError"},
		{"read leaves out missing records", s19, "/json/2/res.partner/read", s19.APIKey(), map[string]any{"ids": []any{999999}, "fields": []any{"name"}}, 200, ""},
		{"not on 17", s17, "/json/2/res.partner/search", s17.APIKey(), map[string]any{"domain": []any{}}, 404, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, body := post(t, tc.s, tc.path, tc.key, tc.body)
			if code != tc.want {
				t.Fatalf("status = %d, want %d (%v)", code, tc.want, body)
			}
			if tc.wantName != "" {
				m, _ := body.(map[string]any)
				if m["name"] != tc.wantName || m["message"] == "" || m["arguments"] == nil {
					t.Errorf("error body = %v, want name %s", body, tc.wantName)
				}
			}
		})
	}
	t.Run("values", func(t *testing.T) {
		_, body := post(t, s19, "/json/2/res.partner/read", s19.APIKey(), map[string]any{"ids": []any{partner}, "fields": []any{"vat", "country_id"}})
		row := body.([]any)[0].(map[string]any)
		if row["vat"] != false || !reflect.DeepEqual(row["country_id"], []any{float64(s19.Seeded().Countries["US"]), "United States"}) {
			t.Errorf("row = %v", row)
		}
		code, id := post(t, s19, "/json/2/res.partner/create", s19.APIKey(), map[string]any{"vals_list": []any{map[string]any{"name": "Json Two"}}})
		if code != 200 || len(id.([]any)) != 1 {
			t.Errorf("create = %d %v", code, id)
		}
	})
}

func TestMultiCompany(t *testing.T) {
	s := NewServer(t)
	r := newRPC(t, s)
	main, be := s.CompanyIDs()[0], s.CompanyIDs()[1]
	ctx := func(ids ...int64) map[string]any {
		return map[string]any{"context": map[string]any{"allowed_company_ids": idList(ids)}}
	}
	count := func(model string, domain []any, kw map[string]any) int64 {
		return r.must(model, "search_count", []any{domain}, kw).(int64)
	}
	dupont := s.Seeded().Partners["Boulangerie Dupont SPRL"]
	if n := count("res.partner", []any{[]any{"id", "=", dupont}}, ctx(main)); n != 0 {
		t.Errorf("partner of company 2 visible in company 1: %d", n)
	}
	if n := count("res.partner", []any{[]any{"id", "=", dupont}}, ctx(be)); n != 1 {
		t.Errorf("partner of company 2 invisible in company 2: %d", n)
	}
	if n := count("account.move", []any{[]any{"move_type", "=", "out_invoice"}}, ctx(be)); n != 1 {
		t.Errorf("company 2 invoices = %d, want 1", n)
	}
	_, err := r.call("res.partner", "read", []any{[]any{dupont}}, map[string]any{"fields": []any{"name"}, "context": map[string]any{"allowed_company_ids": []any{main}}})
	if f := faultOf(t, err); f.Code != 4 {
		t.Errorf("reading another company's record: fault %d, want 4", f.Code)
	}
	_, err = r.call("res.partner", "search", []any{[]any{}}, ctx(999))
	if f := faultOf(t, err); f.Code != 4 || f.String != "Access to unauthorized or invalid companies." {
		t.Errorf("unknown company: %d %q", f.Code, f.String)
	}
	vdb := s.Seeded().Partners["Van der Berg Installatietechniek B.V."]
	term := func(c int64) any {
		out := r.must("res.partner", "read", []any{[]any{vdb}}, map[string]any{"fields": []any{"property_payment_term_id"}, "context": map[string]any{"allowed_company_ids": []any{c}}})
		return out.([]any)[0].(map[string]any)["property_payment_term_id"].([]any)[1]
	}
	if a, b := term(main), term(be); a != "30 Days" || b != "14 Days" {
		t.Errorf("company-dependent payment terms = %v / %v, want 30 Days / 14 Days", a, b)
	}
}

func TestWebhooks(t *testing.T) {
	got := make(chan map[string]any, 100)
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m map[string]any
		if r.Header.Get("Content-Type") == "application/json" && json.NewDecoder(r.Body).Decode(&m) == nil {
			got <- m
		}
	}))
	defer recv.Close()
	s := NewServer(t)
	r := newRPC(t, s)
	mod := r.searchRead("ir.module.module", []any{[]any{"name", "=", "base_automation"}}, []any{"state"}, nil)[0]
	if mod["state"] != "uninstalled" {
		t.Fatalf("base_automation state = %v", mod["state"])
	}
	r.must("ir.module.module", "button_immediate_install", []any{[]any{mod["id"]}}, nil)
	modelID := r.searchRead("ir.model", []any{[]any{"model", "=", "res.partner"}}, []any{"model"}, nil)[0]["id"].(int64)
	fieldIDs := r.must("ir.model.fields", "search", []any{[]any{[]any{"model", "=", "res.partner"}, []any{"name", "in", []any{"name", "country_id", "write_date"}}}}, nil)
	r.must("base.automation", "create", []any{map[string]any{
		"name": "exactsync partners", "model_id": modelID, "trigger": "on_create_or_write", "filter_domain": "[('is_company', '=', True)]",
		"action_server_ids": []any{[]any{0, 0, map[string]any{"name": "Notify exactsync", "state": "webhook", "webhook_url": recv.URL + "/hook/secret", "webhook_field_ids": []any{[]any{6, 0, fieldIDs}}}}},
	}}, nil)
	r.must("res.partner", "create", []any{map[string]any{"name": "Private person"}}, nil) // filtered out
	id := r.must("res.partner", "create", []any{map[string]any{"name": "Hook BV", "is_company": true, "country_id": s.Seeded().Countries["NL"]}}, nil).(int64)
	for i := 0; i < 2; i++ {
		select {
		case m := <-got:
			if m["_model"] != "res.partner" || m["_id"] != float64(id) || m["name"] != "Hook BV" || m["country_id"] != float64(s.Seeded().Countries["NL"]) {
				t.Errorf("payload = %v", m)
			}
			if !strings.HasPrefix(m["_action"].(string), "Notify exactsync(#") {
				t.Errorf("_action = %v", m["_action"])
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("got %d notifications, want 2", i)
		}
	}
}

func TestFaults(t *testing.T) {
	s := NewServer(t)
	cases := []struct {
		name   string
		faults Faults
		check  func(t *testing.T, resp *http.Response, err error)
	}{
		{"5xx", Faults{Fault5xx: 1}, func(t *testing.T, resp *http.Response, err error) {
			if err != nil || resp.StatusCode != http.StatusServiceUnavailable {
				t.Errorf("got %v %v, want 503", resp, err)
			}
		}},
		{"down", Faults{Down: true}, func(t *testing.T, resp *http.Response, err error) {
			if err == nil {
				t.Errorf("got status %d, want a connection error", resp.StatusCode)
			}
		}},
		{"healthy", Faults{}, func(t *testing.T, resp *http.Response, err error) {
			if err != nil || resp.StatusCode != http.StatusOK {
				t.Errorf("got %v %v, want 200", resp, err)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s.SetFaults(tc.faults)
			resp, err := http.Post(s.URL()+"/xmlrpc/2/common", "text/xml", strings.NewReader("<?xml version='1.0'?><methodCall><methodName>version</methodName><params></params></methodCall>"))
			if err == nil {
				defer resp.Body.Close()
			}
			tc.check(t, resp, err)
		})
	}
}

// From 18 on the Send & Print wizard is account.move.send.wizard (one move); account.move.send is abstract and
// real Odoo 19 refuses to create it with an AccessError. Without sending_methods the wizard mails the partner.
func TestSendWizardFrom18(t *testing.T) {
	s := NewServer(t, func(o *Options) { o.Version = 19 })
	r := newRPC(t, s)
	id := newInvoice(t, r, s, "out_invoice", 2, 50)
	r.must("account.move", "action_post", []any{[]any{id}}, nil)
	ctx := map[string]any{"context": map[string]any{"active_model": "account.move", "active_ids": []any{id}}}
	if _, err := r.call("account.move.send", "create", []any{map[string]any{"checkbox_download": true}}, ctx); err == nil ||
		!strings.Contains(err.Error(), "Contact your administrator") {
		t.Errorf("account.move.send.create on 19: got %v, want an AccessError", err)
	}
	dflt := r.must("account.move.send.wizard", "create", []any{map[string]any{"move_id": id}}, ctx)
	if got := r.readOne("account.move.send.wizard", dflt.(int64), "sending_methods")["sending_methods"]; fmt.Sprint(got) != "[email]" {
		t.Errorf("default sending_methods = %v, want [email]", got)
	}
	wid := r.must("account.move.send.wizard", "create", []any{map[string]any{"move_id": id, "sending_methods": []any{"manual"}}}, ctx)
	res := r.must("account.move.send.wizard", "action_send_and_print", []any{[]any{wid}}, ctx)
	got := r.readOne("account.move", id, "invoice_pdf_report_id", "is_move_sent")
	att := got["invoice_pdf_report_id"].([]any)[0].(int64)
	if got["is_move_sent"] != true || att == 0 {
		t.Errorf("after Send & Print: %v", got)
	}
	if url := fmt.Sprint(res); !strings.Contains(url, fmt.Sprintf("/account/download_invoice_attachments/%d", att)) {
		t.Errorf("answer = %v, want the download URL of attachment %d", res, att)
	}
}

// TestSendWizardPreferenceOn18: 18's wizard stores a single sending method as the partner's preference when it has
// none (and the next wizard defaults to it); no method at all still renders the PDF and leaves the partner alone;
// 19 never writes the preference.
func TestSendWizardPreferenceOn18(t *testing.T) {
	for _, v := range []int{18, 19} {
		t.Run(fmt.Sprint(v), func(t *testing.T) {
			s := NewServer(t, func(o *Options) { o.Version = v })
			r := newRPC(t, s)
			first := newInvoice(t, r, s, "out_invoice", 2, 50)
			second := newInvoice(t, r, s, "out_invoice", 1, 20)
			r.must("account.move", "action_post", []any{[]any{first, second}}, nil)
			partner := r.readOne("account.move", first, "partner_id")["partner_id"].([]any)[0].(int64)
			ctx := func(id int64) map[string]any {
				return map[string]any{"context": map[string]any{"active_model": "account.move", "active_ids": []any{id}}}
			}
			none := r.must("account.move.send.wizard", "create", []any{map[string]any{"move_id": first, "sending_methods": []any{}}}, ctx(first))
			if res := r.must("account.move.send.wizard", "action_send_and_print", []any{[]any{none}}, ctx(first)); fmt.Sprint(res) != "map[type:ir.actions.act_window_close]" {
				t.Errorf("no sending method: answer %v, want the window closed", res)
			}
			if got := r.readOne("account.move", first, "invoice_pdf_report_id")["invoice_pdf_report_id"]; got == false {
				t.Error("no sending method: no PDF")
			}
			if got := r.readOne("res.partner", partner, "invoice_sending_method")["invoice_sending_method"]; got != false {
				t.Errorf("no sending method: partner preference %v, want unset", got)
			}
			manual := r.must("account.move.send.wizard", "create", []any{map[string]any{"move_id": second, "sending_methods": []any{"manual"}}}, ctx(second))
			r.must("account.move.send.wizard", "action_send_and_print", []any{[]any{manual}}, ctx(second))
			want := any(false)
			if v == 18 {
				want = "manual"
			}
			if got := r.readOne("res.partner", partner, "invoice_sending_method")["invoice_sending_method"]; got != want {
				t.Errorf("download alone: partner preference %v, want %v", got, want)
			}
		})
	}
}
