package odoo

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Field describes one field as fields_get reports it.
type Field struct {
	Name     string
	Type     string // char, integer, float, monetary, many2one, one2many, many2many, date, datetime, …
	String   string // the label
	Relation string // comodel of relational fields
	Required bool
	ReadOnly bool
}

// Domain is an Odoo search domain: triples []any{field, op, value} and the
// prefix operators "&", "|", "!".
type Domain []any

// Cursor marks a position in a write_date-ordered change feed. Odoo stores
// write_date with microseconds but answers whole seconds, and several records
// share a second, so a position is a whole second and the ids already taken in
// it: the next read asks for write_date >= that second, less those ids. A
// record written again later in the same second after it was taken is not seen
// again by the feed, so a second is only taken once it is over by the
// server's clock (see changedSince). The zero Cursor is the beginning.
type Cursor struct {
	WriteDate time.Time // whole second, UTC
	Seen      []int64   // ids taken at WriteDate, ascending
}

// IsZero reports whether the cursor is at the beginning.
func (c Cursor) IsZero() bool { return c.WriteDate.IsZero() && len(c.Seen) == 0 }

// After returns the cursor once ch was taken. Changes come in write_date order:
// one in the cursor's second joins Seen, a later one starts a new second.
func (c Cursor) After(ch Change) Cursor {
	at := ch.WriteDate.UTC().Truncate(time.Second)
	if !c.WriteDate.IsZero() && at.Equal(c.WriteDate) {
		if slices.Contains(c.Seen, ch.ID) {
			return c
		}
		seen := append(slices.Clone(c.Seen), ch.ID)
		slices.Sort(seen)
		return Cursor{WriteDate: c.WriteDate, Seen: seen}
	}
	if at.Before(c.WriteDate) {
		return c
	}
	return Cursor{WriteDate: at, Seen: []int64{ch.ID}}
}

// String renders the cursor for storage: "YYYY-MM-DD HH:MM:SS|id,id,…" ("" at the beginning).
func (c Cursor) String() string {
	if c.IsZero() {
		return ""
	}
	ids := make([]string, len(c.Seen))
	for i, id := range c.Seen {
		ids[i] = strconv.FormatInt(id, 10)
	}
	return formatDatetime(c.WriteDate) + "|" + strings.Join(ids, ",")
}

// ParseCursor reads what Cursor.String wrote ("" is the beginning). The
// earlier form "YYYY-MM-DD HH:MM:SS|id" reads as that second with one id taken.
func ParseCursor(s string) (Cursor, error) {
	if s == "" {
		return Cursor{}, nil
	}
	d, list, ok := strings.Cut(s, "|")
	t, err := time.Parse(time.DateTime, d)
	if !ok || err != nil {
		return Cursor{}, fmt.Errorf("odoo: cursor %q is malformed", s)
	}
	c := Cursor{WriteDate: t.UTC()}
	if list != "" {
		for _, part := range strings.Split(list, ",") {
			id, err := strconv.ParseInt(part, 10, 64)
			if err != nil || id <= 0 {
				return Cursor{}, fmt.Errorf("odoo: cursor %q is malformed", s)
			}
			c.Seen = append(c.Seen, id)
		}
		slices.Sort(c.Seen)
		c.Seen = slices.Compact(c.Seen)
	}
	return c, nil
}

// Change is one changed record: its id, write_date and the extra fields asked for.
type Change struct {
	ID        int64
	WriteDate time.Time
	Fields    Record
}

// cursorDomain selects what comes after c: write_date in a later second, or in
// c's second and not taken yet. A whole-second literal compares against the
// stored microseconds, so ">= S" includes every record of second S.
func cursorDomain(c Cursor) Domain {
	if c.IsZero() {
		return nil
	}
	from := leaf("write_date", ">=", formatDatetime(c.WriteDate))
	if len(c.Seen) == 0 {
		return from
	}
	seen := make([]any, len(c.Seen))
	for i, id := range c.Seen {
		seen[i] = id
	}
	return and(from, or(leaf("write_date", ">=", formatDatetime(c.WriteDate.Add(time.Second))), leaf("id", "not in", seen)))
}

// and combines complete domains with explicit "&" operators (empty ones are skipped).
func and(domains ...Domain) Domain {
	var parts []Domain
	for _, d := range domains {
		if len(d) > 0 {
			parts = append(parts, d)
		}
	}
	out := Domain{}
	for i := 0; i < len(parts)-1; i++ {
		out = append(out, "&")
	}
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// or combines complete domains with "|".
func or(domains ...Domain) Domain {
	var parts []Domain
	for _, d := range domains {
		if len(d) > 0 {
			parts = append(parts, d)
		}
	}
	out := Domain{}
	for i := 0; i < len(parts)-1; i++ {
		out = append(out, "|")
	}
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func leaf(field, op string, value any) Domain { return Domain{[]any{field, op, value}} }

// wire converts a Domain into the []any both transports marshal.
func (d Domain) wire() []any {
	out := make([]any, len(d))
	copy(out, d)
	return out
}

// FieldsGet returns the model's fields, cached per connection (versions
// differ: only fields that exist are ever requested).
func (c *Client) FieldsGet(ctx context.Context, model string) (map[string]Field, error) {
	c.mu.Lock()
	f, ok := c.fields[model]
	c.mu.Unlock()
	if ok {
		return f, nil
	}
	raw, err := c.call(ctx, model, "fields_get", nil, map[string]any{
		"attributes": []any{"type", "string", "relation", "required", "readonly"},
	})
	if err != nil {
		return nil, err
	}
	m, ok := raw.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("odoo: %s.fields_get: got %T, want a mapping", model, raw)
	}
	f = make(map[string]Field, len(m))
	for name, v := range m {
		attrs, _ := v.(map[string]any)
		d := NewDecoder(attrs)
		f[name] = Field{Name: name, Type: d.String("type"), String: d.String("string"),
			Relation: d.String("relation"), Required: d.Bool("required"), ReadOnly: d.Bool("readonly")}
		if d.Err() != nil {
			return nil, fmt.Errorf("odoo: %s.fields_get %s: %w", model, name, d.Err())
		}
	}
	c.mu.Lock()
	if c.fields == nil {
		c.fields = map[string]map[string]Field{}
	}
	c.fields[model] = f
	c.mu.Unlock()
	return f, nil
}

// forgetFields drops the cached fields_get of model (after adding a field).
func (c *Client) forgetFields(model string) {
	c.mu.Lock()
	delete(c.fields, model)
	c.mu.Unlock()
}

// existing keeps the wanted fields that the model has on this server.
func (c *Client) existing(ctx context.Context, model string, wanted []string) ([]any, error) {
	have, err := c.FieldsGet(ctx, model)
	if err != nil {
		return nil, err
	}
	out := make([]any, 0, len(wanted))
	for _, w := range wanted {
		if _, ok := have[w]; ok || w == "id" {
			out = append(out, w)
		}
	}
	return out, nil
}

// hasField reports whether model has field on this server.
func (c *Client) hasField(ctx context.Context, model, field string) (bool, error) {
	have, err := c.FieldsGet(ctx, model)
	if err != nil {
		return false, err
	}
	_, ok := have[field]
	return ok, nil
}

// SearchReadOptions are search_read's optional arguments.
type SearchReadOptions struct {
	Offset int
	Limit  int
	Order  string
	// Context is merged into the call context (e.g. {"active_test": false}).
	Context map[string]any
}

// SearchRead runs search_read with the given fields (all must exist; use
// FieldsGet to check) and returns the records.
func (c *Client) SearchRead(ctx context.Context, model string, domain Domain, fields []string, opt SearchReadOptions) ([]Record, error) {
	fs := make([]any, len(fields))
	for i, f := range fields {
		fs[i] = f
	}
	return c.searchRead(ctx, model, domain, fs, opt)
}

// kwargs are the named arguments search and search_read share.
func (opt SearchReadOptions) kwargs(domain Domain) map[string]any {
	if domain == nil {
		domain = Domain{}
	}
	kw := map[string]any{"domain": domain.wire()}
	if opt.Offset > 0 {
		kw["offset"] = opt.Offset
	}
	if opt.Limit > 0 {
		kw["limit"] = opt.Limit
	}
	if opt.Order != "" {
		kw["order"] = opt.Order
	}
	if len(opt.Context) > 0 {
		kw["context"] = opt.Context
	}
	return kw
}

func (c *Client) searchRead(ctx context.Context, model string, domain Domain, fields []any, opt SearchReadOptions) ([]Record, error) {
	kw := opt.kwargs(domain)
	kw["fields"] = fields
	raw, err := c.call(ctx, model, "search_read", nil, kw)
	if err != nil {
		return nil, err
	}
	return records(raw, model, "search_read")
}

// Read reads fields of the records with the given ids (archived ones
// included). Odoo leaves out records that do not exist (readAll reports them).
func (c *Client) Read(ctx context.Context, model string, ids []int64, fields []string) ([]Record, error) {
	fs := make([]any, len(fields))
	for i, f := range fields {
		fs[i] = f
	}
	return c.read(ctx, model, ids, fs)
}

func (c *Client) read(ctx context.Context, model string, ids []int64, fields []any) ([]Record, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	raw, err := c.call(ctx, model, "read", []any{ids}, map[string]any{"fields": fields})
	if err != nil {
		return nil, err
	}
	return records(raw, model, "read")
}

// readAll reads the fields of model that this server has, for every one of ids; a missing record fails with
// ErrNotFound (Odoo's read silently leaves out records it cannot see).
func (c *Client) readAll(ctx context.Context, model, what string, ids []int64, wanted []string) ([]Record, error) {
	fields, err := c.existing(ctx, model, wanted)
	if err != nil {
		return nil, err
	}
	recs, err := c.read(ctx, model, ids, fields)
	if err != nil {
		return nil, err
	}
	if len(recs) != len(ids) {
		return nil, &Fault{Model: model, Method: "read", Name: "odoo.exceptions.MissingError",
			Message: fmt.Sprintf("asked for %d %s, got %d", len(ids), what, len(recs)), class: Validation, notFound: true}
	}
	return recs, nil
}

// Search returns the ids of the records matching domain.
func (c *Client) Search(ctx context.Context, model string, domain Domain, opt SearchReadOptions) ([]int64, error) {
	kw := opt.kwargs(domain)
	raw, err := c.call(ctx, model, "search", nil, kw)
	if err != nil {
		return nil, err
	}
	return idsResult(raw, model, "search")
}

// Create creates one record and returns its id.
func (c *Client) Create(ctx context.Context, model string, vals map[string]any) (int64, error) {
	return c.createWith(ctx, model, vals, nil)
}

func (c *Client) createWith(ctx context.Context, model string, vals map[string]any, callCtx map[string]any) (int64, error) {
	kw := map[string]any{"vals_list": []any{vals}}
	if len(callCtx) > 0 {
		kw["context"] = callCtx
	}
	raw, err := c.call(ctx, model, "create", nil, kw)
	if err != nil {
		return 0, err
	}
	return idResult(raw, model)
}

// WriteFields writes vals on one record.
func (c *Client) WriteFields(ctx context.Context, model string, id int64, vals map[string]any) error {
	if id <= 0 {
		return fmt.Errorf("odoo: %s.write: invalid id %d", model, id)
	}
	if len(vals) == 0 {
		return nil
	}
	raw, err := c.call(ctx, model, "write", []any{[]int64{id}}, map[string]any{"vals": vals})
	if err != nil {
		return err
	}
	if ok, isBool := raw.(bool); isBool && !ok {
		return fmt.Errorf("odoo: %s.write(%d): server returned false", model, id)
	}
	return nil
}

// pythonLiteral renders a domain as the Python literal Odoo stores in char
// fields such as base.automation.filter_domain.
func pythonLiteral(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case bool:
		if x {
			return "True"
		}
		return "False"
	case string:
		return strconv.Quote(x)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case Domain:
		return pythonLiteral([]any(x))
	case []int64:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = strconv.FormatInt(e, 10)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case []string:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = strconv.Quote(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = pythonLiteral(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = strconv.Quote(k) + ": " + pythonLiteral(x[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	default:
		return strconv.Quote(fmt.Sprint(x))
	}
}

// uniq returns the distinct non-zero ids in first-seen order.
func uniq(ids []int64) []int64 {
	seen := make(map[int64]bool, len(ids))
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if id > 0 && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
