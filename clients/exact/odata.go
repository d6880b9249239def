package exact

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
)

// ---- filter builder ------------------------------------------------------

// Literal is an escaped OData literal. Build it with String, Guid, DateTime,
// Int64, Int, Bool or Double; never from raw text.
type Literal struct {
	text string
	err  error
}

// String is a string literal: quoted, with every ' doubled.
func String(s string) Literal {
	return Literal{text: "'" + strings.ReplaceAll(s, "'", "''") + "'"}
}

// Guid is a guid'…' literal; an invalid GUID makes the filter invalid.
func Guid(s string) Literal {
	u, err := uuid.Parse(s)
	if err != nil {
		return Literal{err: fmt.Errorf("%w: %q is not a GUID", ErrInvalidFilter, s)}
	}
	return Literal{text: "guid'" + u.String() + "'"}
}

// DateTime is a datetime'…' literal of t's wall clock (Exact compares local
// Amsterdam wall-clock times).
func DateTime(t time.Time) Literal {
	return Literal{text: "datetime'" + t.Format("2006-01-02T15:04:05.999") + "'"}
}

// Int64 is an Edm.Int64 literal (123L), e.g. sync Timestamps.
func Int64(n int64) Literal { return Literal{text: strconv.FormatInt(n, 10) + "L"} }

// Int is an Edm.Int32 literal.
func Int(n int) Literal { return Literal{text: strconv.Itoa(n)} }

// Bool is true or false.
func Bool(b bool) Literal { return Literal{text: strconv.FormatBool(b)} }

// Double is an Edm.Double literal with the exact decimal text.
func Double(d decimal.Decimal) Literal { return Literal{text: d.String()} }

// AccountCode is the literal for an account Code: right-aligned, padded to 18.
func AccountCode(code string) Literal { return String(PadCode(code, 18)) }

// Filter is a $filter expression; the zero Filter means no filter.
type Filter struct {
	text string
	err  error
}

// String returns the expression text.
func (f Filter) String() string { return f.text }

// Err reports a malformed filter (bad field name or GUID).
func (f Filter) Err() error { return f.err }

// IsZero reports whether f is empty.
func (f Filter) IsZero() bool { return f.text == "" && f.err == nil }

var fieldName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func compare(op, field string, lit Literal) Filter {
	if !fieldName.MatchString(field) {
		return Filter{err: fmt.Errorf("%w: bad field name %q", ErrInvalidFilter, field)}
	}
	if lit.err != nil {
		return Filter{err: lit.err}
	}
	if lit.text == "" {
		return Filter{err: fmt.Errorf("%w: empty literal for %s", ErrInvalidFilter, field)}
	}
	return Filter{text: field + " " + op + " " + lit.text}
}

// Eq is field eq literal.
func Eq(field string, v Literal) Filter { return compare("eq", field, v) }

// Ne is field ne literal.
func Ne(field string, v Literal) Filter { return compare("ne", field, v) }

// Gt is field gt literal.
func Gt(field string, v Literal) Filter { return compare("gt", field, v) }

// Ge is field ge literal.
func Ge(field string, v Literal) Filter { return compare("ge", field, v) }

// Lt is field lt literal.
func Lt(field string, v Literal) Filter { return compare("lt", field, v) }

// Le is field le literal.
func Le(field string, v Literal) Filter { return compare("le", field, v) }

func join(op string, fs []Filter) Filter {
	var parts []string
	for _, f := range fs {
		if f.err != nil {
			return Filter{err: f.err}
		}
		if f.text == "" {
			continue
		}
		parts = append(parts, "("+f.text+")")
	}
	switch len(parts) {
	case 0:
		return Filter{}
	case 1:
		return Filter{text: strings.TrimSuffix(strings.TrimPrefix(parts[0], "("), ")")}
	}
	return Filter{text: strings.Join(parts, " "+op+" ")}
}

// And joins filters with and (empty filters are skipped).
func And(fs ...Filter) Filter { return join("and", fs) }

// Or joins filters with or (empty filters are skipped).
func Or(fs ...Filter) Filter { return join("or", fs) }

// ---- codes ---------------------------------------------------------------

// PadCode right-aligns code in width characters with leading spaces, as
// Exact stores account codes (width 18). Longer codes are returned as is.
func PadCode(code string, width int) string {
	code = strings.TrimSpace(code)
	if n := len([]rune(code)); n < width {
		return strings.Repeat(" ", width-n) + code
	}
	return code
}

// TrimCode removes Exact's padding ("           0000011" → "0000011", "2  " → "2").
func TrimCode(code string) string { return strings.TrimSpace(code) }

// ---- dates ---------------------------------------------------------------

// Date is an Exact date-time. Exact stores Amsterdam wall-clock time and
// writes it as if it were UTC ("/Date(ms)/"); Date keeps that wall clock in
// a UTC time.Time, so Year/Month/Day/Hour are what the accountant sees.
// It is sent as "2006-01-02" (or "2006-01-02T15:04:05" with a time of day).
type Date struct{ time.Time }

// NewDate returns the calendar date y-m-d.
func NewDate(y int, m time.Month, d int) Date { return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)} }

// DateOf keeps t's wall clock in its own location (no zone shift).
func DateOf(t time.Time) Date {
	return Date{time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)}
}

// In returns the real instant, reading the wall clock in loc (Europe/Amsterdam).
func (d Date) In(loc *time.Location) time.Time {
	t := d.Time
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc)
}

// ISO is the form Exact accepts on writes.
func (d Date) ISO() string {
	if d.Hour() == 0 && d.Minute() == 0 && d.Second() == 0 && d.Nanosecond() == 0 {
		return d.Format("2006-01-02")
	}
	return d.Format("2006-01-02T15:04:05.999")
}

// UnmarshalJSON reads "/Date(ms)/", an ISO string, or null.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("exact: date %s: %w", b, err)
	}
	t, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = t
	return nil
}

// MarshalJSON writes the ISO form, or null for the zero Date.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.ISO())
}

// ParseDate parses "/Date(ms)/" (also "/Date(ms+0100)/") and ISO forms,
// keeping the written wall clock.
func ParseDate(s string) (Date, error) {
	if strings.HasPrefix(s, "/Date(") && strings.HasSuffix(s, ")/") {
		inner := s[len("/Date(") : len(s)-2]
		if i := strings.IndexAny(inner[1:], "+-"); i >= 0 {
			inner = inner[:i+1] // an offset suffix does not shift the value
		}
		ms, err := strconv.ParseInt(inner, 10, 64)
		if err != nil {
			return Date{}, fmt.Errorf("exact: bad date %q", s)
		}
		return Date{time.UnixMilli(ms).UTC()}, nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return Date{t}, nil
		}
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return DateOf(t), nil
	}
	return Date{}, fmt.Errorf("exact: bad date %q", s)
}

// ---- navigation collections ----------------------------------------------

// Lines is an expandable navigation collection (entry lines). It decodes
// {"results":[…]} (expanded), [ … ], and {"__deferred":…} (not expanded →
// nil); it is sent as a JSON array on create (deep insert).
type Lines[T any] []T

// UnmarshalJSON implements json.Unmarshaler.
func (l *Lines[T]) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*l = nil
		return nil
	case b[0] == '[':
		var out []T
		if err := json.Unmarshal(b, &out); err != nil {
			return err
		}
		*l = out
		return nil
	}
	var wrap struct {
		Results  *[]T           `json:"results"`
		Deferred map[string]any `json:"__deferred"`
	}
	if err := json.Unmarshal(b, &wrap); err != nil {
		return err
	}
	if wrap.Results != nil {
		*l = *wrap.Results
	} else {
		*l = nil
	}
	return nil
}

// ---- $select -------------------------------------------------------------

// fieldInfo describes one property of a resource struct.
type fieldInfo struct {
	name  string
	index []int
	post  bool // sent on create
	nav   bool // navigation property: selected only when expanded
}

var fieldCache sync.Map // reflect.Type → []fieldInfo

// fieldsOf lists the JSON properties of struct type t (embedded structs flattened).
func fieldsOf(t reflect.Type) []fieldInfo {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if v, ok := fieldCache.Load(t); ok {
		return v.([]fieldInfo)
	}
	var out []fieldInfo
	var walk func(t reflect.Type, prefix []int)
	walk = func(t reflect.Type, prefix []int) {
		for i := range t.NumField() {
			sf := t.Field(i)
			idx := append(append([]int(nil), prefix...), i)
			tag := sf.Tag.Get("json")
			name, _, _ := strings.Cut(tag, ",")
			if sf.Anonymous && tag == "" && sf.Type.Kind() == reflect.Struct {
				walk(sf.Type, idx)
				continue
			}
			if !sf.IsExported() || name == "-" || strings.HasPrefix(name, "__") {
				continue
			}
			if name == "" {
				name = sf.Name
			}
			fi := fieldInfo{name: name, index: idx}
			for _, opt := range strings.Split(sf.Tag.Get("exact"), ",") {
				switch opt {
				case "post":
					fi.post = true
				case "nav":
					fi.nav = true
				}
			}
			out = append(out, fi)
		}
	}
	walk(t, nil)
	fieldCache.Store(t, out)
	return out
}

// selectOf is the $select list for T: every non-navigation property plus the
// expanded navigation properties.
func selectOf[T any](expand []string) string {
	var zero T
	var names []string
	for _, f := range fieldsOf(reflect.TypeOf(zero)) {
		if f.nav && !contains(expand, f.name) {
			continue
		}
		names = append(names, f.name)
	}
	return strings.Join(names, ",")
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// ---- request bodies --------------------------------------------------------

var (
	decimalType = reflect.TypeOf(decimal.Decimal{})
	dateType    = reflect.TypeOf(Date{})
	timeType    = reflect.TypeOf(time.Time{})
)

// encodeCreate writes the post-able, non-zero properties of struct v in
// struct order. Navigation collections (deep insert) are written as arrays
// of their elements' post-able properties.
func encodeCreate(v any) ([]byte, error) {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil, errors.New("exact: nil body")
		}
		rv = rv.Elem()
	}
	var b bytes.Buffer
	if err := writeStruct(&b, rv); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func writeStruct(b *bytes.Buffer, rv reflect.Value) error {
	b.WriteByte('{')
	first := true
	for _, f := range fieldsOf(rv.Type()) {
		if !f.post {
			continue
		}
		fv := rv.FieldByIndex(f.index)
		if fv.IsZero() {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		k, _ := json.Marshal(f.name)
		b.Write(k)
		b.WriteByte(':')
		if err := writeValue(b, fv); err != nil {
			return fmt.Errorf("exact: property %s: %w", f.name, err)
		}
	}
	b.WriteByte('}')
	return nil
}

func writeValue(b *bytes.Buffer, v reflect.Value) error {
	if !v.IsValid() {
		b.WriteString("null")
		return nil
	}
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			b.WriteString("null")
			return nil
		}
		v = v.Elem()
	}
	switch v.Type() {
	case decimalType:
		// A JSON number with the exact decimal text (never a float).
		b.WriteString(v.Interface().(decimal.Decimal).String())
		return nil
	case dateType:
		d := v.Interface().(Date)
		if d.IsZero() {
			b.WriteString("null")
			return nil
		}
		s, _ := json.Marshal(d.ISO())
		b.Write(s)
		return nil
	case timeType:
		t := v.Interface().(time.Time)
		s, _ := json.Marshal(DateOf(t).ISO())
		b.Write(s)
		return nil
	}
	if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Struct {
		b.WriteByte('[')
		for i := range v.Len() {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writeStruct(b, v.Index(i)); err != nil {
				return err
			}
		}
		b.WriteByte(']')
		return nil
	}
	enc, err := json.Marshal(v.Interface())
	if err != nil {
		return err
	}
	b.Write(enc)
	return nil
}

// Fields are the properties an Update sends: only these are changed. Values
// may be string, bool, ints, decimal.Decimal (sent as a JSON number), Date
// or time.Time (sent as ISO dates), or nil (clears the property).
type Fields map[string]any

func (f Fields) encode() ([]byte, error) {
	if len(f) == 0 {
		return nil, errors.New("exact: update without fields")
	}
	keys := make([]string, 0, len(f))
	for k := range f {
		if !fieldName.MatchString(k) {
			return nil, fmt.Errorf("exact: bad property name %q", k)
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		if err := writeValue(&b, reflect.ValueOf(f[k])); err != nil {
			return nil, fmt.Errorf("exact: property %s: %w", k, err)
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// ---- envelopes -----------------------------------------------------------

// decodePage decodes a collection envelope: {"d":{"results":[…],"__next":…}},
// the bare {"d":[…]}, or a single {"d":{…}} (one element).
func decodePage[T any](body []byte) ([]T, string, error) {
	var env struct {
		D json.RawMessage `json:"d"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, "", fmt.Errorf("exact: decode response: %w", err)
	}
	d := bytes.TrimSpace(env.D)
	if len(d) == 0 || string(d) == "null" {
		return nil, "", errors.New("exact: decode response: no \"d\" in body")
	}
	if d[0] == '[' {
		var out []T
		if err := json.Unmarshal(d, &out); err != nil {
			return nil, "", fmt.Errorf("exact: decode response: %w", err)
		}
		return out, "", nil
	}
	var coll struct {
		Results *[]T   `json:"results"`
		Next    string `json:"__next"`
	}
	if err := json.Unmarshal(d, &coll); err != nil {
		return nil, "", fmt.Errorf("exact: decode response: %w", err)
	}
	if coll.Results != nil {
		return *coll.Results, coll.Next, nil
	}
	var one T
	if err := json.Unmarshal(d, &one); err != nil {
		return nil, "", fmt.Errorf("exact: decode response: %w", err)
	}
	return []T{one}, "", nil
}

// decodeOne decodes {"d":{…}} (or a one-element collection) into a T.
func decodeOne[T any](body []byte) (*T, error) {
	items, _, err := decodePage[T](body)
	if err != nil {
		return nil, err
	}
	if len(items) != 1 {
		return nil, fmt.Errorf("exact: decode response: want one entity, got %d", len(items))
	}
	return &items[0], nil
}
