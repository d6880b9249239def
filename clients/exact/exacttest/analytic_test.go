package exacttest

import (
	"testing"
)

func TestCostCenterAndCostUnitSets(t *testing.T) {
	s := NewServer(t)
	c := newClient(t, s)
	r := c.get(q("hrm/Costcenters", "$select", "ID,Code,Description,Active,Division,Created,Creator,CreatorFullName,Modified,Modifier,ModifierFullName", "$orderby", "Code"))
	rows, _ := r.results(t)
	want := []struct {
		code, desc string
		active     bool
	}{{"100", "Verkoop", true}, {"200", "Inkoop", true}, {"300", "Algemeen", true}, {"900", "Vervallen", false}}
	if r.status != 200 || len(rows) != len(want) {
		t.Fatalf("hrm/Costcenters: got %d %s, want 200 with %d rows", r.status, r.body, len(want))
	}
	for i, w := range want {
		if rows[i]["Code"] != w.code || rows[i]["Description"] != w.desc || rows[i]["Active"] != w.active || rows[i]["Division"] != float64(s.DefaultDivision()) {
			t.Errorf("cost centre %d: got %v, want %s %q active %v", i, rows[i], w.code, w.desc, w.active)
		}
	}
	r = c.get(q("hrm/Costunits", "$select", "Code,Description", "$filter", "Code eq 'PRJ2'"))
	rows, _ = r.results(t)
	if r.status != 200 || len(rows) != 1 || rows[0]["Description"] != "Project Zuid" {
		t.Errorf("hrm/Costunits PRJ2: got %d %s", r.status, r.body)
	}
	tests := []struct {
		name, path string
		status     int
		msg        string
	}{
		{"cost units have no Active", q("hrm/Costunits", "$select", "Code,Active"), 400, "No property 'Active' exists in type 'Exact.Web.Api.Models.HRM.Costunit'."},
		{"wrong case CostCenters", q("hrm/CostCenters", "$select", "Code"), 404, "Resource not found for the segment 'CostCenters'."},
		{"wrong case CostUnits", q("hrm/CostUnits", "$select", "Code"), 404, "Resource not found for the segment 'CostUnits'."},
		{"wrong case module", q("HRM/Costcenters", "$select", "Code"), 404, "Resource not found for the segment 'Costcenters'."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := c.get(tc.path)
			if r.status != tc.status || r.errMsg(t) != tc.msg {
				t.Errorf("GET %s: got %d %s, want %d %q", tc.path, r.status, r.body, tc.status, tc.msg)
			}
		})
	}
	if r := c.do("POST", "hrm/Costcenters", map[string]any{"Code": "500", "Description": "x"}); r.status < 400 {
		t.Errorf("POST hrm/Costcenters: got %d, want a refusal (the simulator serves GET only)", r.status)
	}
}

func TestEntryLinesWithCostCenterAndCostUnit(t *testing.T) {
	f := newEntryFixture(t)
	e := f.c.create("salesentry/SalesEntries", f.sale(nil,
		map[string]any{"GLAccount": f.gl8000, "AmountFC": "100.00", "VATCode": "2", "CostCenter": "100", "CostUnit": "PRJ1"},
		map[string]any{"GLAccount": f.gl8000, "AmountFC": "10.00", "VATCode": "2", "CostCenter": " 300 ", "CostUnit": ""},
		map[string]any{"GLAccount": f.gl8000, "AmountFC": "1.00", "VATCode": "2", "CostCenter": nil}))
	entryID := e["EntryID"].(string)
	lines := f.lines(t, "salesentry/SalesEntryLines", entryID)
	want := []map[string]any{
		{"CostCenter": "100", "CostCenterDescription": "Verkoop", "CostUnit": "PRJ1", "CostUnitDescription": "Project Noord"},
		{"CostCenter": "300", "CostCenterDescription": "Algemeen", "CostUnit": nil, "CostUnitDescription": nil},
		{"CostCenter": nil, "CostCenterDescription": nil, "CostUnit": nil, "CostUnitDescription": nil},
	}
	if len(lines) != len(want) {
		t.Fatalf("lines: got %d, want %d", len(lines), len(want))
	}
	for i, w := range want {
		for k, v := range w {
			if lines[i][k] != v {
				t.Errorf("line %d %s: got %v, want %v", i+1, k, lines[i][k], v)
			}
		}
	}
	// Purchase entries, a line posted on its own and a line changed by PUT take them too.
	pe := f.c.create("purchaseentry/PurchaseEntries", f.purchaseBody(nil,
		map[string]any{"GLAccount": f.gl7000, "AmountFC": "50.00", "VATCode": "4", "CostCenter": "200", "CostUnit": "PRJ2"}))
	if pl := f.lines(t, "purchaseentry/PurchaseEntryLines", pe["EntryID"].(string)); len(pl) != 1 || pl[0]["CostCenter"] != "200" || pl[0]["CostUnit"] != "PRJ2" {
		t.Errorf("purchase line: got %v, want cost centre 200 and cost unit PRJ2", pl)
	}
	l := f.c.create("salesentry/SalesEntryLines", map[string]any{"EntryID": entryID, "GLAccount": f.gl8000, "AmountFC": 5, "CostCenter": "200"})
	if l["CostCenter"] != "200" || l["CostCenterDescription"] != "Inkoop" {
		t.Errorf("posted line: got %v %v, want 200 Inkoop", l["CostCenter"], l["CostCenterDescription"])
	}
	lineKey := "salesentry/SalesEntryLines(guid'" + l["ID"].(string) + "')"
	if r := f.c.do("PUT", lineKey, map[string]any{"CostCenter": "100", "CostUnit": "PRJ2"}); r.status != 204 {
		t.Fatalf("PUT line: got %d %s, want 204", r.status, r.body)
	}
	if r := f.c.do("PUT", lineKey, map[string]any{"CostCenter": ""}); r.status != 204 {
		t.Fatalf("PUT line clearing the cost centre: got %d %s, want 204", r.status, r.body)
	}
	got := f.c.get(q(lineKey, "$select", "CostCenter,CostCenterDescription,CostUnit,CostUnitDescription")).json(t)["d"].(map[string]any)
	if got["CostCenter"] != nil || got["CostCenterDescription"] != nil || got["CostUnit"] != "PRJ2" || got["CostUnitDescription"] != "Project Zuid" {
		t.Errorf("line after the PUTs: got %v, want no cost centre and cost unit PRJ2", got)
	}
}

// lines reads an entry's lines through the API, in line order.
func (f *entryFixture) lines(t *testing.T, set, entryID string) []map[string]any {
	t.Helper()
	r := f.c.get(q(set, "$filter", "EntryID eq guid'"+entryID+"'", "$orderby", "LineNumber",
		"$select", "ID,LineNumber,AmountFC,CostCenter,CostCenterDescription,CostUnit,CostUnitDescription"))
	if r.status != 200 {
		t.Fatalf("GET %s: got %d %s", set, r.status, r.body)
	}
	rows, _ := r.results(t)
	return rows
}

func TestEntryLineCostCenterAndCostUnitRefused(t *testing.T) {
	f := newEntryFixture(t)
	e := f.c.create("salesentry/SalesEntries", f.sale(nil,
		map[string]any{"GLAccount": f.gl8000, "AmountFC": "100.00", "VATCode": "2", "CostCenter": "100", "CostUnit": "PRJ1"}))
	entryID := e["EntryID"].(string)
	stored := f.lines(t, "salesentry/SalesEntryLines", entryID)
	lineKey := "salesentry/SalesEntryLines(guid'" + stored[0]["ID"].(string) + "')"
	entryKey := "salesentry/SalesEntries(guid'" + entryID + "')"
	bad := []struct {
		name   string
		fields map[string]any
		msg    string
	}{
		{"unknown cost centre", map[string]any{"CostCenter": "999"}, "Ongeldige referentie: Kostenplaats"},
		{"inactive cost centre", map[string]any{"CostCenter": "900"}, "Kostenplaats 900 is niet actief."},
		{"inactive cost centre, padded", map[string]any{"CostCenter": " 900 "}, "Kostenplaats 900 is niet actief."},
		{"cost centre code padded with zeros", map[string]any{"CostCenter": "0100"}, "Ongeldige referentie: Kostenplaats"},
		{"unknown cost unit", map[string]any{"CostUnit": "PRJ9"}, "Ongeldige referentie: Kostendrager"},
		{"cost unit in another case", map[string]any{"CostUnit": "prj1"}, "Ongeldige referentie: Kostendrager"},
	}
	with := func(base, extra map[string]any) map[string]any {
		m := map[string]any{}
		for k, v := range base {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	for _, b := range bad {
		cases := []struct {
			name, method, path string
			body               map[string]any
		}{
			{"POST sales entry", "POST", "salesentry/SalesEntries",
				f.sale(nil, with(map[string]any{"GLAccount": f.gl8000, "AmountFC": 10, "VATCode": "2"}, b.fields))},
			{"POST purchase entry", "POST", "purchaseentry/PurchaseEntries",
				f.purchaseBody(nil, with(map[string]any{"GLAccount": f.gl7000, "AmountFC": 10, "VATCode": "4"}, b.fields))},
			{"POST line", "POST", "salesentry/SalesEntryLines",
				with(map[string]any{"EntryID": entryID, "GLAccount": f.gl8000, "AmountFC": 10}, b.fields)},
			{"PUT line", "PUT", lineKey, with(map[string]any{"AmountFC": 20}, b.fields)},
			{"PUT entry with its line", "PUT", entryKey, map[string]any{"Description": "changed",
				"SalesEntryLines": []any{with(map[string]any{"ID": stored[0]["ID"], "AmountFC": 20}, b.fields)}}},
		}
		for _, tc := range cases {
			t.Run(b.name+"/"+tc.name, func(t *testing.T) {
				wantRefused(t, f.c.do(tc.method, tc.path, tc.body), 500, b.msg)
			})
		}
	}
	div := f.s.DefaultDivision()
	if n := len(f.s.Entities(div, "salesentry/SalesEntries")); n != 1 {
		t.Errorf("sales entries: got %d, want 1 (nothing stored by a refused request)", n)
	}
	if n := len(f.s.Entities(div, "purchaseentry/PurchaseEntries")); n != 0 {
		t.Errorf("purchase entries: got %d, want 0", n)
	}
	if n := len(f.s.Entities(div, "purchaseentry/PurchaseEntryLines")); n != 0 {
		t.Errorf("purchase lines: got %d, want 0", n)
	}
	after := f.lines(t, "salesentry/SalesEntryLines", entryID)
	if len(after) != 1 || after[0]["CostCenter"] != "100" || after[0]["CostUnit"] != "PRJ1" || after[0]["AmountFC"] != 100.0 {
		t.Errorf("the entry's lines after the refusals: got %v, want the one line unchanged (100, PRJ1, 100.00)", after)
	}
	hdr := f.c.get(q(entryKey, "$select", "AmountFC,Description")).json(t)["d"].(map[string]any)
	if hdr["AmountFC"] != 121.0 || hdr["Description"] == "changed" {
		t.Errorf("the entry after the refusals: got %v, want AmountFC 121 and its description unchanged", hdr)
	}
}

func TestAddCostCenterAndCostUnit(t *testing.T) {
	f := newEntryFixture(t)
	div := f.s.DefaultDivision()
	if err := f.s.AddCostCenter(div, "400", "Marketing", true); err != nil {
		t.Fatal(err)
	}
	if err := f.s.AddCostCenter(div, "950", "Oud", false); err != nil {
		t.Fatal(err)
	}
	if err := f.s.AddCostUnit(div, "PRJ3", "Project Oost"); err != nil {
		t.Fatal(err)
	}
	refused := []struct {
		name string
		err  error
	}{
		{"duplicate cost centre", f.s.AddCostCenter(div, "400", "Nogmaals", true)},
		{"duplicate seeded cost centre, padded", f.s.AddCostCenter(div, " 100", "Nogmaals", true)},
		{"empty cost centre code", f.s.AddCostCenter(div, "  ", "Leeg", true)},
		{"cost centre in an unknown division", f.s.AddCostCenter(div+1, "400", "Marketing", true)},
		{"duplicate cost unit", f.s.AddCostUnit(div, "PRJ3", "Nogmaals")},
		{"duplicate seeded cost unit", f.s.AddCostUnit(div, "PRJ1", "Nogmaals")},
		{"cost unit in an unknown division", f.s.AddCostUnit(div+1, "PRJ3", "Project Oost")},
	}
	for _, tc := range refused {
		if tc.err == nil {
			t.Errorf("%s: got no error, want a refusal", tc.name)
		}
	}
	if n := len(f.s.Entities(div, "hrm/Costcenters")); n != 6 {
		t.Errorf("cost centres: got %d, want 6 (4 seeded + 400 + 950)", n)
	}
	if n := len(f.s.Entities(div, "hrm/Costunits")); n != 3 {
		t.Errorf("cost units: got %d, want 3 (2 seeded + PRJ3)", n)
	}
	e := f.c.create("salesentry/SalesEntries", f.sale(nil,
		map[string]any{"GLAccount": f.gl8000, "AmountFC": "10.00", "VATCode": "2", "CostCenter": "400", "CostUnit": "PRJ3"}))
	lines := f.lines(t, "salesentry/SalesEntryLines", e["EntryID"].(string))
	if len(lines) != 1 || lines[0]["CostCenterDescription"] != "Marketing" || lines[0]["CostUnitDescription"] != "Project Oost" {
		t.Errorf("line on the added cost centre and unit: got %v", lines)
	}
	wantRefused(t, f.c.do("POST", "salesentry/SalesEntries", f.sale(nil,
		map[string]any{"GLAccount": f.gl8000, "AmountFC": "10.00", "VATCode": "2", "CostCenter": "950"})), 500, "Kostenplaats 950 is niet actief.")
}
