package odoo

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// sameRecord builds one record as each transport delivers it: XML-RPC gives
// int64 for integers, JSON gives float64.
func recordShapes(t *testing.T, xmlrpcRec Record) map[string]Record {
	t.Helper()
	b, err := json.Marshal(xmlrpcRec)
	if err != nil {
		t.Fatal(err)
	}
	var jsonRec Record
	if err := json.Unmarshal(b, &jsonRec); err != nil {
		t.Fatal(err)
	}
	return map[string]Record{"xmlrpc": xmlrpcRec, "json2": jsonRec}
}

func TestDecoderBothTransports(t *testing.T) {
	rec := Record{
		"id": int64(42), "name": "Café Ünïcødé 😀", "street": false, "is_company": true, "active": false,
		"parent_id": []any{int64(7), "Parent BV"}, "state_id": false, "bank_ids": []any{int64(3), int64(4)},
		"child_ids": []any{}, "invoice_date": "2026-02-28", "date": false, "write_date": "2026-03-01 13:14:15",
		"amount_total": 1234.565, "amount_tax": 0.1 + 0.2, "quantity": 0.0, "customer_rank": int64(2),
	}
	for name, r := range recordShapes(t, rec) {
		t.Run(name, func(t *testing.T) {
			d := NewDecoder(r)
			if got, want := d.Int("id"), int64(42); got != want {
				t.Errorf("id: got %d, want %d", got, want)
			}
			if got, want := d.String("name"), "Café Ünïcødé 😀"; got != want {
				t.Errorf("name: got %q, want %q", got, want)
			}
			if got := d.String("street"); got != "" {
				t.Errorf("street (false): got %q, want empty", got)
			}
			if got := d.String("not_a_field"); got != "" {
				t.Errorf("absent field: got %q, want empty", got)
			}
			if !d.Bool("is_company") || d.Bool("active") {
				t.Errorf("booleans: got is_company=%v active=%v, want true false", d.Bool("is_company"), d.Bool("active"))
			}
			if got, want := d.Many2One("parent_id"), (Many2One{ID: 7, Name: "Parent BV"}); got != want {
				t.Errorf("parent_id: got %+v, want %+v", got, want)
			}
			if got := d.Many2One("state_id"); !got.IsZero() {
				t.Errorf("state_id (false): got %+v, want zero", got)
			}
			if got := d.IDs("bank_ids"); len(got) != 2 || got[0] != 3 || got[1] != 4 {
				t.Errorf("bank_ids: got %v, want [3 4]", got)
			}
			if got := d.IDs("child_ids"); len(got) != 0 {
				t.Errorf("child_ids: got %v, want none", got)
			}
			if got, want := d.Date("invoice_date"), time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
				t.Errorf("invoice_date: got %v, want %v", got, want)
			}
			if got := d.Date("date"); !got.IsZero() {
				t.Errorf("date (false): got %v, want zero", got)
			}
			if got, want := d.Datetime("write_date"), time.Date(2026, 3, 1, 13, 14, 15, 0, time.UTC); !got.Equal(want) {
				t.Errorf("write_date: got %v, want %v", got, want)
			}
			if got, want := d.Decimal("amount_total", 2), decimal.RequireFromString("1234.57"); !got.Equal(want) {
				t.Errorf("amount_total: got %s, want %s", got, want)
			}
			if got, want := d.Decimal("amount_tax", 2), decimal.RequireFromString("0.3"); !got.Equal(want) {
				t.Errorf("amount_tax: got %s, want %s", got, want)
			}
			if got := d.Decimal("quantity", -1); !got.IsZero() {
				t.Errorf("quantity: got %s, want 0", got)
			}
			if got, want := d.Int("customer_rank"), int64(2); got != want {
				t.Errorf("customer_rank: got %d, want %d", got, want)
			}
			if err := d.Err(); err != nil {
				t.Errorf("Err: got %v, want nil", err)
			}
		})
	}
}

func TestDecoderRejectsWrongShapes(t *testing.T) {
	tests := []struct {
		name   string
		rec    Record
		decode func(*Decoder)
		field  string
	}{
		{"string as int", Record{"id": "42"}, func(d *Decoder) { d.Int("id") }, "id"},
		{"fractional id", Record{"id": 4.5}, func(d *Decoder) { d.Int("id") }, "id"},
		{"int as string", Record{"name": int64(3)}, func(d *Decoder) { d.String("name") }, "name"},
		{"bad many2one", Record{"partner_id": []any{int64(1)}}, func(d *Decoder) { d.Many2One("partner_id") }, "partner_id"},
		{"bad ids", Record{"tax_ids": []any{"x"}}, func(d *Decoder) { d.IDs("tax_ids") }, "tax_ids"},
		{"bad date", Record{"date": "28/02/2026"}, func(d *Decoder) { d.Date("date") }, "date"},
		{"money as string", Record{"amount_total": "12.00"}, func(d *Decoder) { d.Decimal("amount_total", 2) }, "amount_total"},
		{"bool as string", Record{"active": "yes"}, func(d *Decoder) { d.Bool("active") }, "active"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := NewDecoder(tt.rec)
			tt.decode(d)
			if d.Err() == nil || !strings.Contains(d.Err().Error(), tt.field) {
				t.Errorf("Err: got %v, want an error naming %q", d.Err(), tt.field)
			}
		})
	}
}

func TestDecimalRoundsAtCurrencyPrecision(t *testing.T) {
	tests := []struct {
		in     float64
		places int32
		want   string
	}{
		{1234.565, 2, "1234.57"},
		{0.1 + 0.2, 2, "0.3"},
		{100.0 / 3, 2, "33.33"},
		{1000, 0, "1000"},
		{12.3456, 3, "12.346"},
		{-5.005, 2, "-5.01"},
		{0.1, -1, "0.1"},
		{1e6 + 0.01, 2, "1000000.01"},
	}
	for _, tt := range tests {
		got := NewDecoder(Record{"v": tt.in}).Decimal("v", tt.places)
		if !got.Equal(decimal.RequireFromString(tt.want)) {
			t.Errorf("Decimal(%v, %d): got %s, want %s", tt.in, tt.places, got, tt.want)
		}
	}
}

func TestPythonLiteral(t *testing.T) {
	tests := []struct {
		in   any
		want string
	}{
		{Domain{"|", []any{"customer_rank", ">", 0}, []any{"supplier_rank", ">", 0}}, `["|", ["customer_rank", ">", 0], ["supplier_rank", ">", 0]]`},
		{[]any{[]any{"active", "=", false}, []any{"x_ok", "!=", true}}, `[["active", "=", False], ["x_ok", "!=", True]]`},
		{[]any{[]any{"id", "in", []int64{1, 2}}}, `[["id", "in", [1, 2]]]`},
		{nil, "None"},
	}
	for _, tt := range tests {
		if got := pythonLiteral(tt.in); got != tt.want {
			t.Errorf("pythonLiteral(%v): got %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestCursorDomain(t *testing.T) {
	if got := cursorDomain(Cursor{}); got != nil {
		t.Errorf("zero cursor: got %v, want nil", got)
	}
	c := Cursor{WriteDate: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Seen: []int64{4, 9}}
	got := pythonLiteral(and(cursorDomain(c), leaf("state", "=", "posted")))
	want := `["&", "&", ["write_date", ">=", "2026-01-02 03:04:05"], "|", ["write_date", ">=", "2026-01-02 03:04:06"], ["id", "not in", [4, 9]], ["state", "=", "posted"]]`
	if got != want {
		t.Errorf("cursor domain:\n got %s\nwant %s", got, want)
	}
}

func TestCursorAfterAndRoundTrip(t *testing.T) {
	s := time.Date(2026, 11, 25, 13, 4, 5, 0, time.UTC)
	var c Cursor
	for _, ch := range []Change{{ID: 42, WriteDate: s}, {ID: 7, WriteDate: s}, {ID: 42, WriteDate: s}} {
		c = c.After(ch)
	}
	if got, want := c.String(), "2026-11-25 13:04:05|7,42"; got != want {
		t.Errorf("two ids in one second: got %q, want %q", got, want)
	}
	if got, want := c.After(Change{ID: 3, WriteDate: s.Add(time.Second)}).String(), "2026-11-25 13:04:06|3"; got != want {
		t.Errorf("a later second: got %q, want %q", got, want)
	}
	if got := c.After(Change{ID: 3, WriteDate: s.Add(-time.Second)}).String(); got != c.String() {
		t.Errorf("an earlier second moved the cursor back: got %q", got)
	}
	back, err := ParseCursor(c.String())
	if err != nil || back.String() != c.String() {
		t.Errorf("round trip: got %+v, %v", back, err)
	}
	// The form stored before: one id in the second.
	old, err := ParseCursor("2026-11-25 13:04:05|42")
	if err != nil || !old.WriteDate.Equal(s) || len(old.Seen) != 1 || old.Seen[0] != 42 {
		t.Errorf("old form: got %+v, %v", old, err)
	}
	if z, err := ParseCursor(""); err != nil || !z.IsZero() {
		t.Errorf(`ParseCursor("") = %+v, %v`, z, err)
	}
	for _, bad := range []string{"garbage", "2026-11-25 13:04:05|x", "2026-11-25 13:04:05|-1", "2026-13-25 13:04:05|1"} {
		if _, err := ParseCursor(bad); err == nil {
			t.Errorf("ParseCursor(%q) accepted a malformed cursor", bad)
		}
	}
}

func TestParseVersion(t *testing.T) {
	tests := []struct {
		raw       any
		major     int
		minor     int
		wantError bool
	}{
		{map[string]any{"server_version": "17.0", "server_version_info": []any{int64(17), int64(0), int64(0), "final", int64(0), ""}}, 17, 0, false},
		{map[string]any{"server_version": "saas~18.2", "server_version_info": []any{"saas~18", int64(2), int64(0), "final", int64(0), ""}}, 18, 2, false},
		{map[string]any{"server_version": "19.0", "server_version_info": []any{19.0, 0.0, 0.0, "final", 0.0, ""}}, 19, 0, false},
		{map[string]any{"server_version": "16.0"}, 16, 0, false},
		{map[string]any{"server_version": "master"}, 0, 0, true},
		{"17.0", 0, 0, true},
	}
	for _, tt := range tests {
		v, err := parseVersion(tt.raw)
		if (err != nil) != tt.wantError {
			t.Errorf("parseVersion(%v): got error %v, want error %v", tt.raw, err, tt.wantError)
			continue
		}
		if !tt.wantError && (v.Major != tt.major || v.Minor != tt.minor) {
			t.Errorf("parseVersion(%v): got %d.%d, want %d.%d", tt.raw, v.Major, v.Minor, tt.major, tt.minor)
		}
	}
}
