package odoo

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/shopspring/decimal"
)

// Odoo's wire formats for dates and datetimes (datetimes are UTC).
const (
	DateLayout     = "2006-01-02"
	DatetimeLayout = "2006-01-02 15:04:05"
)

// Many2One is a many2one value: [id, "display name"], or the zero value for false.
type Many2One struct {
	ID   int64
	Name string
}

// IsZero reports whether the many2one was false (empty).
func (m Many2One) IsZero() bool { return m.ID == 0 }

// Record is one record as returned by read or search_read, from either transport.
type Record map[string]any

// ID is the record's id (0 if absent).
func (r Record) ID() int64 {
	id, _ := asInt(r["id"])
	return id
}

// Decoder reads typed values out of a Record. Odoo's false (and a missing
// field, e.g. one that does not exist in this server version) decodes to the
// zero value; a value of the wrong shape records the first error, reported by Err.
type Decoder struct {
	rec Record
	err error
}

// NewDecoder returns a Decoder over rec.
func NewDecoder(rec Record) *Decoder { return &Decoder{rec: rec} }

// Err is the first decoding error, naming the field.
func (d *Decoder) Err() error { return d.err }

func (d *Decoder) fail(field string, v any, want string) {
	if d.err == nil {
		d.err = fmt.Errorf("odoo: field %q: got %T %v, want %s", field, v, truncate(fmt.Sprint(v), 60), want)
	}
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// isEmpty is Odoo's false, a JSON null or an absent field.
func isEmpty(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case bool:
		return !v
	}
	return false
}

// String decodes a char, text, selection or html field; false is "".
func (d *Decoder) String(field string) string {
	v := d.rec[field]
	if isEmpty(v) {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		d.fail(field, v, "string or false")
	}
	return s
}

// Bool decodes a boolean field.
func (d *Decoder) Bool(field string) bool {
	switch v := d.rec[field].(type) {
	case nil:
		return false
	case bool:
		return v
	default:
		d.fail(field, v, "boolean")
		return false
	}
}

// Int decodes an integer field (JSON gives float64, XML-RPC int64); false is 0.
func (d *Decoder) Int(field string) int64 {
	v := d.rec[field]
	if isEmpty(v) {
		return 0
	}
	n, ok := asInt(v)
	if !ok {
		d.fail(field, v, "integer")
	}
	return n
}

// Float decodes a float field without rounding (for quantities and
// percentages; use Decimal for money).
func (d *Decoder) Float(field string) float64 {
	v := d.rec[field]
	if isEmpty(v) {
		return 0
	}
	f, ok := asFloat(v)
	if !ok {
		d.fail(field, v, "number")
	}
	return f
}

// Decimal decodes a float field as a decimal rounded at places digits (a
// currency's decimal places). places < 0 keeps the shortest exact
// representation of the float.
func (d *Decoder) Decimal(field string, places int32) decimal.Decimal {
	v := d.rec[field]
	if isEmpty(v) {
		return decimal.Zero
	}
	var x decimal.Decimal
	switch n := v.(type) {
	case json.Number:
		var err error
		if x, err = decimal.NewFromString(string(n)); err != nil {
			d.fail(field, v, "number")
			return decimal.Zero
		}
	case string:
		d.fail(field, v, "number")
		return decimal.Zero
	default:
		f, ok := asFloat(v)
		if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
			d.fail(field, v, "number")
			return decimal.Zero
		}
		x = decimal.NewFromFloat(f)
	}
	if places >= 0 {
		x = x.Round(places)
	}
	return x
}

// Many2One decodes [id, "name"] (or, from load=None reads, a bare id).
func (d *Decoder) Many2One(field string) Many2One {
	v := d.rec[field]
	if isEmpty(v) {
		return Many2One{}
	}
	switch x := v.(type) {
	case []any:
		if len(x) != 2 {
			d.fail(field, v, "[id, name]")
			return Many2One{}
		}
		id, ok := asInt(x[0])
		if !ok {
			d.fail(field, v, "[id, name]")
			return Many2One{}
		}
		name, _ := x[1].(string) // name may be false for records without display name
		return Many2One{ID: id, Name: name}
	default:
		id, ok := asInt(v)
		if !ok {
			d.fail(field, v, "[id, name]")
		}
		return Many2One{ID: id}
	}
}

// IDs decodes a one2many or many2many field (a list of ids).
func (d *Decoder) IDs(field string) []int64 {
	v := d.rec[field]
	if isEmpty(v) {
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		d.fail(field, v, "list of ids")
		return nil
	}
	out := make([]int64, 0, len(list))
	for _, e := range list {
		id, ok := asInt(e)
		if !ok {
			d.fail(field, v, "list of ids")
			return nil
		}
		out = append(out, id)
	}
	return out
}

// Date decodes "YYYY-MM-DD" to midnight UTC; false is the zero time.
func (d *Decoder) Date(field string) time.Time {
	s := d.String(field)
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		d.fail(field, s, "date YYYY-MM-DD")
	}
	return t
}

// Datetime decodes "YYYY-MM-DD HH:MM:SS" (UTC); false is the zero time.
func (d *Decoder) Datetime(field string) time.Time {
	s := d.String(field)
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(DatetimeLayout, s)
	if err != nil {
		// Some fields carry fractional seconds.
		if t2, err2 := time.Parse("2006-01-02 15:04:05.999999", s); err2 == nil {
			return t2.UTC()
		}
		d.fail(field, s, "datetime YYYY-MM-DD HH:MM:SS")
	}
	return t.UTC()
}

// Raw returns the field's undecoded value.
func (d *Decoder) Raw(field string) any { return d.rec[field] }

func asInt(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case int32:
		return int64(n), true
	case float64:
		if n != math.Trunc(n) || math.Abs(n) > 1<<53 {
			return 0, false
		}
		return int64(n), true
	case json.Number:
		i, err := strconv.ParseInt(string(n), 10, 64)
		return i, err == nil
	}
	return 0, false
}

func asFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int64:
		return float64(n), true
	case int:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

// records converts a search_read/read result into Records.
func records(v any, model, method string) ([]Record, error) {
	if isEmpty(v) {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("odoo: %s.%s: got %T, want a list of records", model, method, v)
	}
	out := make([]Record, 0, len(list))
	for _, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("odoo: %s.%s: got a list element %T, want a record", model, method, e)
		}
		out = append(out, Record(m))
	}
	return out, nil
}

// idResult decodes a create result: an id, or a list with one id (create with vals_list).
func idResult(v any, model string) (int64, error) {
	if list, ok := v.([]any); ok && len(list) == 1 {
		v = list[0]
	}
	id, ok := asInt(v)
	if !ok || id <= 0 {
		return 0, fmt.Errorf("odoo: %s.create: got %T %v, want an id", model, v, v)
	}
	return id, nil
}

// idsResult decodes a list of ids (create with vals_list, search).
func idsResult(v any, model, method string) ([]int64, error) {
	if isEmpty(v) {
		return nil, nil
	}
	if id, ok := asInt(v); ok {
		return []int64{id}, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("odoo: %s.%s: got %T, want a list of ids", model, method, v)
	}
	out := make([]int64, 0, len(list))
	for _, e := range list {
		id, ok := asInt(e)
		if !ok {
			return nil, fmt.Errorf("odoo: %s.%s: got %T in the id list", model, method, e)
		}
		out = append(out, id)
	}
	return out, nil
}

func formatDate(t time.Time) string     { return t.Format(DateLayout) } // the civil date as the caller holds it
func formatDatetime(t time.Time) string { return t.UTC().Format(DatetimeLayout) }
