package exacttest

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestMeAndDivisions(t *testing.T) {
	s := NewServer(t)
	s.AddDivision(7654321, "Tweede BV")
	c := newClient(t, s)
	r := c.get("/api/v1/current/Me?$select=CurrentDivision")
	rows, _ := r.results(t)
	if r.status != 200 || len(rows) != 1 {
		t.Fatalf("Me: got %d %s", r.status, r.body)
	}
	if got, want := rows[0]["CurrentDivision"], float64(1234567); got != want {
		t.Errorf("CurrentDivision: got %v, want %v", got, want)
	}
	if _, ok := rows[0]["UserID"]; ok {
		t.Errorf("$select not honoured: %v", rows[0])
	}
	// The division in the URL of system/Divisions is not validated against the list.
	r = c.get("system/Divisions?$select=Code,Description")
	rows, _ = r.results(t)
	if got, want := len(rows), 2; got != want {
		t.Fatalf("divisions: got %d, want %d (%s)", got, want, r.body)
	}
	r = c.get("/api/v1/999/crm/Accounts?$filter=Name%20eq%20'x'")
	if got, want := r.status, 403; got != want || r.header.Get("Reason") != "NoDivisionAccess" {
		t.Errorf("foreign division: got %d Reason %q, want 403 NoDivisionAccess", got, r.header.Get("Reason"))
	}
}

func TestRateLimits(t *testing.T) {
	clock := NewClock(time.Date(2026, 3, 10, 9, 0, 30, 0, time.UTC))
	s := NewServer(t, func(o *Options) {
		o.Now = clock.Now
		o.MinutelyLimit = 3
		o.DailyLimit = 5
		o.MinuteWindow = time.Minute
	})
	c := newClient(t, s)
	path := "financial/Journals?$select=Code"
	for i := 0; i < 3; i++ {
		r := c.get(path)
		if r.status != 200 {
			t.Fatalf("call %d: got %d", i, r.status)
		}
		for _, h := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset",
			"X-RateLimit-Minutely-Limit", "X-RateLimit-Minutely-Remaining", "X-RateLimit-Minutely-Reset"} {
			if r.header.Get(h) == "" {
				t.Errorf("call %d: header %s missing", i, h)
			}
		}
		if got, want := r.header.Get("X-RateLimit-Minutely-Remaining"), strconv.Itoa(2-i); got != want {
			t.Errorf("minutely remaining: got %s, want %s", got, want)
		}
	}
	r := c.get(path)
	if r.status != 429 {
		t.Fatalf("4th call: got %d, want 429", r.status)
	}
	if r.header.Get("X-RateLimit-Limit") != "" || r.header.Get("X-RateLimit-Minutely-Remaining") != "0" {
		t.Errorf("minutely 429 headers: got %v, want only the minutely ones with remaining 0", r.header)
	}
	wantReset := strconv.FormatInt(time.Date(2026, 3, 10, 9, 1, 0, 0, time.UTC).UnixMilli(), 10)
	if got := r.header.Get("X-RateLimit-Minutely-Reset"); got != wantReset {
		t.Errorf("minutely reset: got %s, want %s (epoch ms on the minute)", got, wantReset)
	}
	clock.Advance(time.Minute)
	for i := 0; i < 2; i++ {
		if r := c.get(path); r.status != 200 {
			t.Fatalf("next minute call %d: got %d", i, r.status)
		}
	}
	r = c.get(path)
	if r.status != 429 {
		t.Fatalf("daily exhausted: got %d, want 429", r.status)
	}
	if r.header.Get("X-RateLimit-Minutely-Limit") != "" || r.header.Get("X-RateLimit-Remaining") != "0" {
		t.Errorf("daily 429 headers: got %v, want only the daily ones", r.header)
	}
	wantDay := strconv.FormatInt(time.Date(2026, 3, 11, 0, 0, 0, 0, time.UTC).UnixMilli(), 10)
	if got := r.header.Get("X-RateLimit-Reset"); got != wantDay {
		t.Errorf("daily reset: got %s, want %s", got, wantDay)
	}
	// Another division has its own budget.
	s.AddDivision(42, "Other")
	c2 := *c
	c2.div = "42"
	if r := c2.get(path); r.status != 200 {
		t.Errorf("other division: got %d, want 200", r.status)
	}
}

func TestErrorBlock(t *testing.T) {
	s := NewServer(t, func(o *Options) { o.ErrorBlock = true })
	c := newClient(t, s)
	for i := 0; i < 10; i++ {
		if r := c.get("crm/Accounts"); r.status != 400 {
			t.Fatalf("call %d: got %d, want 400", i, r.status)
		}
	}
	r := c.get("crm/Accounts?$filter=Name%20eq%20'x'")
	if r.status != 403 || r.header.Get("Reason") == "" {
		t.Errorf("after 10 errors: got %d Reason %q, want 403 with Reason", r.status, r.header.Get("Reason"))
	}
	if r := c.get("financial/Journals"); r.status != 200 {
		t.Errorf("other endpoint: got %d, want 200", r.status)
	}
}

func addAccounts(t *testing.T, c *client, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		if r := c.do("POST", "crm/Accounts", map[string]any{"Name": fmt.Sprintf("Klant %03d", i), "Status": "C"}); r.status != 201 {
			t.Fatalf("POST: %d %s", r.status, r.body)
		}
	}
}

func TestPaging(t *testing.T) {
	s := NewServer(t, func(o *Options) { o.MinutelyLimit = 10000 })
	c := newClient(t, s)
	addAccounts(t, c, 130)

	t.Run("three pages", func(t *testing.T) {
		first := q("crm/Accounts", "$filter", "Status eq 'C'", "$select", "ID,Name,Code")
		var all []map[string]any
		var pages []int
		next := first
		var tokens []string
		for next != "" {
			r := c.get(next)
			if r.status != 200 {
				t.Fatalf("GET %s: %d %s", next, r.status, r.body)
			}
			rows, n := r.results(t)
			pages = append(pages, len(rows))
			all = append(all, rows...)
			if n != "" {
				u, err := url.Parse(n)
				if err != nil || !u.IsAbs() {
					t.Fatalf("__next %q is not absolute", n)
				}
				tokens = append(tokens, u.Query().Get("$skiptoken"))
				if u.Query().Get("$filter") != "Status eq 'C'" {
					t.Errorf("__next lost $filter: %q", n)
				}
			}
			next = n
		}
		if got, want := fmt.Sprint(pages), "[60 60 10]"; got != want {
			t.Errorf("page sizes: got %s, want %s", got, want)
		}
		seen := map[string]bool{}
		for _, r := range all {
			seen[r["ID"].(string)] = true
			if _, ok := r["City"]; ok {
				t.Fatalf("unselected field returned: %v", r)
			}
		}
		if len(seen) != 130 {
			t.Errorf("distinct rows: got %d, want 130", len(seen))
		}
		for _, tok := range tokens {
			if !strings.HasPrefix(tok, "guid'") || !strings.HasSuffix(tok, "'") {
				t.Errorf("skiptoken %q is not a typed guid literal", tok)
			}
		}
	})
	t.Run("top over page size carries remaining top", func(t *testing.T) {
		r := c.get(q("crm/Accounts", "$filter", "Status eq 'C'", "$select", "ID", "$top", "100"))
		rows, next := r.results(t)
		if len(rows) != 60 {
			t.Fatalf("rows: got %d, want 60", len(rows))
		}
		u, _ := url.Parse(next)
		if got, want := u.Query().Get("$top"), "40"; got != want {
			t.Errorf("__next $top: got %q, want %q", got, want)
		}
		rows, next = c.get(next).results(t)
		if len(rows) != 40 || next != "" {
			t.Errorf("second page: got %d rows next %q, want 40 and none", len(rows), next)
		}
	})
	t.Run("bare array with top 50", func(t *testing.T) {
		r := c.get(q("crm/Accounts", "$filter", "Status eq 'C'", "$select", "ID", "$top", "50"))
		m := r.json(t)
		arr, ok := m["d"].([]any)
		if !ok || len(arr) != 50 {
			t.Errorf("got %T len %d, want bare array of 50", m["d"], len(arr))
		}
	})
	t.Run("full last page has next", func(t *testing.T) {
		r := c.get(q("crm/Accounts", "$filter", "Status eq 'C'", "$select", "ID", "$orderby", "Name desc"))
		rows, next := r.results(t)
		if len(rows) != 60 || next == "" {
			t.Fatalf("got %d rows next %q", len(rows), next)
		}
		u, _ := url.Parse(next)
		if tok := u.Query().Get("$skiptoken"); !strings.HasPrefix(tok, "'Klant 070',guid'") {
			t.Errorf("composite skiptoken: got %q", tok)
		}
		if rows[0]["__metadata"] == nil {
			t.Error("no __metadata")
		}
		rows, next = c.get(next).results(t)
		if len(rows) != 60 || next == "" || rows[0]["ID"] == nil {
			t.Fatalf("page 2: %d rows next %q", len(rows), next)
		}
		rows, next = c.get(next).results(t)
		if len(rows) != 10 || next != "" {
			t.Errorf("page 3: got %d rows next %q, want 10 and no next", len(rows), next)
		}
	})
}

func TestQueryRules(t *testing.T) {
	s := NewServer(t)
	c := newClient(t, s)
	tests := []struct {
		name       string
		path       string
		wantStatus int
		wantMsg    string
	}{
		{"accounts need a filter", "crm/Accounts?$select=ID", 400, "This endpoint has mandatory filtering applied. A GET request for this endpoint must have a $filter parameter with one of the following fields in the url:Accountant,"},
		{"accounts filter on unlisted field", q("crm/Accounts", "$filter", "Website eq 'x'"), 400, "This endpoint has mandatory filtering applied."},
		{"sales entries need select", "salesentry/SalesEntries", 400, selectRequired},
		{"purchase entries need select", "purchaseentry/PurchaseEntries?$filter=EntryNumber%20eq%201", 400, selectRequired},
		{"top=1 is enough", "salesentry/SalesEntries?$top=1", 200, ""},
		{"bulk needs select", q("bulk/CRM/Accounts", "$filter", "Name eq 'x'"), 400, selectRequired},
		{"unknown field in filter", q("financial/GLAccounts", "$filter", "Foo eq 1"), 400, "No property 'Foo' exists in type 'Exact.Web.Api.Models.GLAccount'"},
		{"unknown field in select", q("financial/GLAccounts", "$select", "ID,Foo"), 400, "No property 'Foo'"},
		{"type mismatch", q("financial/GLAccounts", "$filter", "ID eq '1'"), 400, "incompatible"},
		{"bad guid literal", q("financial/GLAccounts", "$filter", "ID eq guid'zz'"), 400, "Niet herkende GUID-indeling."},
		{"unterminated literal", q("financial/GLAccounts", "$filter", "Code eq 'x"), 400, "unterminated"},
		{"non boolean filter", q("financial/GLAccounts", "$filter", "Code"), 400, "System.Boolean"},
		{"sync needs timestamp filter", q("sync/Cashflow/PaymentTerms", "$select", "ID"), 400, "mandatory filtering"},
		{"sync only timestamp", q("sync/Cashflow/PaymentTerms", "$filter", "Status eq 20", "$select", "ID"), 400, "not supported"},
		{"sync payment terms need $select", q("sync/Cashflow/PaymentTerms", "$filter", "Timestamp gt 1L"), 400, selectRequired},
		{"sync timestamp ok", q("sync/Cashflow/PaymentTerms", "$filter", "Timestamp gt 1L", "$select", "ID"), 200, ""},
		{"unknown entity", "crm/Nope", 404, "Resource not found"},
		{"missing by key", "financial/GLAccounts(guid'00000000-0000-0000-0000-000000000001')", 404, "Resource not found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := c.get(tc.path)
			if r.status != tc.wantStatus {
				t.Fatalf("status: got %d (%s), want %d", r.status, r.body, tc.wantStatus)
			}
			if tc.wantMsg != "" && !strings.Contains(r.errMsg(t), tc.wantMsg) {
				t.Errorf("message: got %q, want it to contain %q", r.errMsg(t), tc.wantMsg)
			}
		})
	}
}

func TestFilterEvaluation(t *testing.T) {
	s := NewServer(t)
	c := newClient(t, s)
	names := []string{"Acme BV", "O'Brien & Zn", "x' or 1 eq 1 or Name eq 'y", "Café Ünïcode ☕", "Beta"}
	ids := map[string]string{}
	for i, n := range names {
		body := map[string]any{"Name": n, "Status": "C", "Country": "NL", "Code": strconv.Itoa(100 + i)}
		if i == 4 {
			body["IsSupplier"] = true
			body["Status"] = "P"
		}
		ids[n] = c.create("crm/Accounts", body)["ID"].(string)
	}
	lit := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
	tests := []struct {
		name   string
		filter string
		want   []string
	}{
		{"quote in literal", "Name eq " + lit("O'Brien & Zn"), []string{"O'Brien & Zn"}},
		{"injection attempt is one literal", "Name eq " + lit("x' or 1 eq 1 or Name eq 'y"), []string{"x' or 1 eq 1 or Name eq 'y"}},
		{"injection does not match others", "Name eq " + lit("' or 1 eq 1 or Name eq '"), nil},
		{"unicode", "Name eq " + lit("Café Ünïcode ☕"), []string{"Café Ünïcode ☕"}},
		{"case-insensitive like SQL Server", "Name eq 'acme bv'", []string{"Acme BV"}},
		{"padded code needs padding", "Code eq '101'", nil},
		{"padded code", "Code eq '               101'", []string{"O'Brien & Zn"}},
		{"trim code", "trim(Code) eq '101'", []string{"O'Brien & Zn"}},
		{"country with trailing pad", "Country eq 'NL'", names},
		{"and or not parens", "(Status eq 'C' and not (Name eq 'Acme BV')) or IsSupplier eq true", names[1:]},
		{"guid", "ID eq guid'" + ids["Beta"] + "'", []string{"Beta"}},
		{"ne null", "VATNumber ne null", nil},
		{"eq null", "VATNumber eq null and Name eq 'Beta'", []string{"Beta"}},
		{"substringof", "substringof('rien', Name) eq true", []string{"O'Brien & Zn"}},
		{"startswith", "startswith(Name, 'Ac')", []string{"Acme BV"}},
		{"datetime", "Created gt datetime'2000-01-01' and Name eq 'Beta'", []string{"Beta"}},
		{"datetime future", "Created gt datetime'2100-01-01T00:00:00'", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := c.get(q("crm/Accounts", "$filter", tc.filter, "$select", "Name"))
			if r.status != 200 {
				t.Fatalf("got %d %s", r.status, r.body)
			}
			rows, _ := r.results(t)
			got := map[string]bool{}
			for _, row := range rows {
				got[row["Name"].(string)] = true
			}
			if len(got) != len(tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			for _, w := range tc.want {
				if !got[w] {
					t.Errorf("missing %q in %v", w, got)
				}
			}
		})
	}
}

func TestIntFilterAndOrderby(t *testing.T) {
	s := NewServer(t)
	c := newClient(t, s)
	r := c.get(q("financial/GLAccounts", "$filter", "Type eq 110 or Type eq 111L", "$select", "Code,Type", "$orderby", "Code desc"))
	rows, _ := r.results(t)
	var codes []string
	for _, row := range rows {
		codes = append(codes, row["Code"].(string))
	}
	if got, want := strings.Join(codes, ","), "8900,8100,8010,8000,7000"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	r = c.get(q("financial/GLAccounts", "$select", "Code", "$orderby", "Code", "$skip", "2", "$top", "2"))
	rows, _ = r.results(t)
	if len(rows) != 2 || rows[0]["Code"] != "1500" {
		t.Errorf("$skip/$top: got %v", rows)
	}
}
