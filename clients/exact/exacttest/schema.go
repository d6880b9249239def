package exacttest

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// ftype is the EDM type of a property.
type ftype int

const (
	tString ftype = iota
	tGuid
	tInt32
	tInt64
	tDouble
	tBool
	tDate
	tBinary
	tNav
)

func (t ftype) short() string {
	return [...]string{"String", "Guid", "Int32", "Int64", "Double", "Boolean", "DateTime", "Byte[]", "Navigation"}[t]
}

// field is one property of an entity type.
type field struct {
	name     string
	typ      ftype
	post     bool // settable on POST
	put      bool // settable on PUT
	required bool
	zero     bool   // returned as its zero value (not null) in a POST response without Prefer
	nav      string // for tNav: target entity set
}

// record is a stored row. Values: nil, string (String, Guid lower case),
// int64 (Int32, Int64), decimal.Decimal (Double), bool, time.Time, []byte
// (internal only). Keys starting with "_" are internal and never serialised.
type record map[string]any

func (r record) clone() record {
	c := make(record, len(r))
	for k, v := range r {
		c[k] = v
	}
	return c
}

func (r record) str(k string) string { s, _ := r[k].(string); return s }
func (r record) i64(k string) int64  { n, _ := r[k].(int64); return n }
func (r record) dec(k string) decimal.Decimal {
	d, _ := r[k].(decimal.Decimal)
	return d
}
func (r record) tm(k string) time.Time { t, _ := r[k].(time.Time); return t }
func (r record) boolean(k string) bool { b, _ := r[k].(bool); return b }

// entitySet describes one endpoint ("crm/Accounts").
type entitySet struct {
	name     string // canonical "crm/Accounts"
	typeName string // "Exact.Web.Api.Models.Account"
	key      string
	fields   []*field
	byName   map[string]*field
	table    string // backing table; "" when rows is a view
	rows     func(d *division) []record

	get, post, put, del bool
	pageSize            int
	needSelect          bool     // 400 without $select (or $top=1)
	mandatoryFilter     []string // 400 when $filter has none of these fields
	syncTimestamp       bool     // sync/: only "Timestamp gt NL" allowed, ordered by Timestamp
	bareKeyName         bool     // Me: no division in the URI

	create func(s *Server, d *division, in *input) (record, error)
	update func(s *Server, d *division, rec record, in *input) error
	remove func(s *Server, d *division, rec record) error
}

func (es *entitySet) field(name string) *field { return es.byName[name] }

func (es *entitySet) keyField() *field { return es.byName[es.key] }

// fl builds a field; flags: P post, U put, R required, Z zero-in-no-prefer.
func fl(name string, t ftype, flags string) *field {
	return &field{name: name, typ: t,
		post: strings.Contains(flags, "P"), put: strings.Contains(flags, "U"),
		required: strings.Contains(flags, "R"), zero: strings.Contains(flags, "Z")}
}

func navf(name, target string) *field { return &field{name: name, typ: tNav, nav: target} }

func (es *entitySet) init() *entitySet {
	es.byName = map[string]*field{}
	for _, f := range es.fields {
		es.byName[f.name] = f
	}
	if es.pageSize == 0 {
		es.pageSize = 60
	}
	if es.table == "" && es.rows == nil {
		es.table = es.name
	}
	return es
}

// ---- serialisation -------------------------------------------------------

func jsonString(b *bytes.Buffer, s string) {
	enc, _ := json.Marshal(s)
	b.Write(enc)
}

func dateJSON(t time.Time) string {
	return "/Date(" + strconv.FormatInt(t.UnixMilli(), 10) + ")/"
}

func writeValue(b *bytes.Buffer, f *field, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case string:
		jsonString(b, x)
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case decimal.Decimal:
		b.WriteString(x.String())
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case time.Time:
		jsonString(b, dateJSON(x))
	default:
		b.WriteString("null")
	}
}

func (es *entitySet) entityURI(base string, div int, rec record) string {
	kf := es.keyField()
	if es.bareKeyName {
		return base + "/api/v1/" + es.name + "(" + formatLiteral(kf, rec[es.key]) + ")"
	}
	return base + "/api/v1/" + strconv.Itoa(div) + "/" + es.name + "(" + formatLiteral(kf, rec[es.key]) + ")"
}

type writeOpts struct {
	base     string
	div      int
	sel      map[string]bool // nil = all
	keyOnly  bool            // POST without Prefer: return=representation
	expand   map[string]bool
	expander func(f *field, rec record) []record
}

func (es *entitySet) writeEntity(b *bytes.Buffer, rec record, o writeOpts) {
	uri := es.entityURI(o.base, o.div, rec)
	b.WriteString(`{"__metadata":{"uri":`)
	jsonString(b, uri)
	b.WriteString(`,"type":`)
	jsonString(b, es.typeName)
	b.WriteString("}")
	for _, f := range es.fields {
		if o.sel != nil && !o.sel[f.name] {
			continue
		}
		b.WriteString(",")
		jsonString(b, f.name)
		b.WriteString(":")
		if f.typ == tNav {
			if o.expand[f.name] && o.expander != nil {
				target := registry[strings.ToLower(f.nav)]
				b.WriteString(`{"results":[`)
				for i, sub := range o.expander(f, rec) {
					if i > 0 {
						b.WriteString(",")
					}
					target.writeEntity(b, sub, writeOpts{base: o.base, div: o.div})
				}
				b.WriteString("]}")
				continue
			}
			b.WriteString(`{"__deferred":{"uri":`)
			jsonString(b, uri+"/"+f.name)
			b.WriteString("}}")
			continue
		}
		v := rec[f.name]
		if o.keyOnly && f.name != es.key {
			if f.zero {
				writeValue(b, f, v)
			} else {
				b.WriteString("null")
			}
			continue
		}
		writeValue(b, f, v)
	}
	b.WriteString("}")
}

// ---- input conversion ----------------------------------------------------

// input is a decoded request body: typed values for known writable fields,
// raw nested collections for deep inserts.
type input struct {
	vals  map[string]any
	set   map[string]bool
	lines []map[string]any // raw line objects of the deep-insert nav property
	hasLn bool
}

func (in *input) has(k string) bool { return in.set[k] }

func (in *input) str(k string) string { s, _ := in.vals[k].(string); return s }

// convert turns a JSON value into the stored value for field f.
func convert(es *entitySet, f *field, raw any) (any, error) {
	if raw == nil {
		return nil, nil
	}
	convErr := func() error {
		return badRequest("Error processing request stream. Error encountered in converting the value from request payload for property '" + f.name + "' to type '" + f.typ.short() + "', which is the property type in the metadata.")
	}
	switch f.typ {
	case tString:
		s, ok := raw.(string)
		if !ok {
			return nil, convErr()
		}
		return s, nil
	case tGuid:
		s, ok := raw.(string)
		if !ok {
			return nil, validation("Error in converting value for property '" + f.name + "' to type 'Guid'")
		}
		g, ok := parseGuid(s)
		if !ok {
			return nil, validation("Error in converting value for property '" + f.name + "' to type 'Guid'")
		}
		return g, nil
	case tInt32, tInt64:
		var txt string
		switch x := raw.(type) {
		case json.Number:
			txt = x.String()
		case string:
			txt = strings.TrimSpace(x)
		default:
			return nil, convErr()
		}
		bits := 32
		if f.typ == tInt64 {
			bits = 64
		}
		n, err := strconv.ParseInt(txt, 10, bits)
		if err != nil {
			return nil, convErr()
		}
		return n, nil
	case tDouble:
		var txt string
		switch x := raw.(type) {
		case json.Number:
			txt = x.String()
		case string:
			txt = strings.TrimSpace(x)
		default:
			return nil, convErr()
		}
		d, err := decimal.NewFromString(txt)
		if err != nil {
			return nil, convErr()
		}
		return d, nil
	case tBool:
		b, ok := raw.(bool)
		if !ok {
			return nil, convErr()
		}
		return b, nil
	case tDate:
		s, ok := raw.(string)
		if !ok {
			return nil, convErr()
		}
		t, ok := parseInputDate(s)
		if !ok {
			return nil, convErr()
		}
		return t, nil
	case tBinary:
		return raw, nil // handled by the entity
	}
	return nil, convErr()
}

// parseInputDate accepts ISO dates and "/Date(ms)/"; values are floating
// local times, a zone is dropped without shifting.
func parseInputDate(s string) (time.Time, bool) {
	if strings.HasPrefix(s, "/Date(") && strings.HasSuffix(s, ")/") {
		ms, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(s, "/Date("), ")/"), 10, 64)
		if err != nil {
			return time.Time{}, false
		}
		return time.UnixMilli(ms).UTC(), true
	}
	return parseODataTime(s)
}
