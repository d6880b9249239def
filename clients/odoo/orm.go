package odoo

import (
	"context"
	"fmt"
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

// Cursor marks a position in a (write_date, id) ordered change feed. The zero
// Cursor is the beginning.
type Cursor struct {
	WriteDate time.Time
	ID        int64
}

// IsZero reports whether the cursor is at the beginning.
func (c Cursor) IsZero() bool { return c.WriteDate.IsZero() && c.ID == 0 }

// Change is one changed record: its id and write_date (the cursor after it).
type Change struct {
	ID        int64
	WriteDate time.Time
}

// Cursor is the position just after this change.
func (ch Change) Cursor() Cursor { return Cursor{WriteDate: ch.WriteDate, ID: ch.ID} }

// cursorDomain is ['|', ('write_date','>',d), '&', ('write_date','=',d), ('id','>',id)].
func cursorDomain(c Cursor) Domain {
	if c.IsZero() {
		return nil
	}
	d := formatDatetime(c.WriteDate)
	return Domain{"|", []any{"write_date", ">", d}, "&", []any{"write_date", "=", d}, []any{"id", ">", c.ID}}
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
// included). Records that do not exist make Odoo fail with a MissingError.
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
