package odootest

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

const (
	dateLayout = "2006-01-02"
	dtLayout   = "2006-01-02 15:04:05"
	// dtStoreLayout is how create_date and write_date are stored: PostgreSQL keeps microseconds,
	// Odoo returns whole seconds.
	dtStoreLayout = "2006-01-02 15:04:05.000000"
)

// fieldDef describes one field of a model.
type fieldDef struct {
	Name     string
	Type     string // char text html integer float monetary boolean date datetime selection many2one one2many many2many binary
	String   string
	Relation string
	Inverse  string // one2many: the many2one on Relation
	// Filter restricts a one2many to the related records it selects (e.g. invoice_line_ids).
	Filter           func(raw map[string]any) bool
	Required         bool
	Readonly         bool
	Computed         bool // not stored as such: value from Compute
	CompanyDependent bool
	CompanyFallback  func(s *Server, company int64) any
	Manual           bool // custom x_ field
	NoCopy           bool // ir.model.fields.copied false: copy leaves it empty
	Selection        [][2]string
	Compute          func(s *Server, e *env, r *record) any
	Default          func(s *Server, e *env, vals map[string]any) any
	MinVersion       int
	MaxVersion       int
	Help             string
}

func (f *fieldDef) relational() bool {
	return f.Type == "many2one" || f.Type == "one2many" || f.Type == "many2many"
}

func (f *fieldDef) x2many() bool { return f.Type == "one2many" || f.Type == "many2many" }

// record is one stored row. Raw values: strings for char-like/date/selection/binary ("" = empty),
// int64 for integer and many2one (0 = empty), float64, bool, []int64 for many2many and
// map[int64]any for company-dependent fields. Keys starting with "__" are internal.
type record struct {
	ID   int64
	Vals map[string]any
}

type methodFunc func(s *Server, e *env, m *model, ids []int64, params map[string]any) (any, error)

type methodSpec struct {
	Record   bool     // called on records: the first positional argument is the ids
	Params   []string // Python parameter names in order (after self)
	ReadOnly bool
	Fn       methodFunc
}

type model struct {
	Name        string
	Description string
	Order       string
	Module      string // non-empty: the model exists only once this module is installed
	Transient   bool
	MinVersion  int
	fields      map[string]*fieldDef
	fieldOrder  []string
	recs        map[int64]*record
	nextID      int64
	// ids caches the ids of recs in ascending order; it may hold ids removed since
	// (sortedIDs drops them). idsStale: rebuild it from recs.
	ids      []int64
	idsStale bool
	// idx indexes stored many2one fields (one2many inverses, account.move.partner_id):
	// field name → value → record ids. Kept by insert, remove and setVal.
	idx map[string]*refIndex
	// x2many counts, per record id, the x2many commands being applied on it (see deferred).
	x2many      map[int64]int
	methods     map[string]methodSpec
	displayName func(s *Server, e *env, r *record) string
	// hooks
	beforeCreate func(s *Server, e *env, vals map[string]any) error
	afterCreate  func(s *Server, e *env, r *record) error
	beforeWrite  func(s *Server, e *env, r *record, vals map[string]any) error
	afterWrite   func(s *Server, e *env, r *record, vals map[string]any) error
	beforeUnlink func(s *Server, e *env, r *record) error
	afterUnlink  func(s *Server, e *env, r *record) error
	searchHook   func(e *env, dom []any) []any
}

func (m *model) field(name string, v int) *fieldDef {
	f := m.fields[name]
	if f == nil {
		return nil
	}
	if f.MinVersion != 0 && v < f.MinVersion {
		return nil
	}
	if f.MaxVersion != 0 && v > f.MaxVersion {
		return nil
	}
	return f
}

func (m *model) addField(f *fieldDef) {
	if m.fields == nil {
		m.fields = map[string]*fieldDef{}
	}
	if f.String == "" {
		f.String = humanize(f.Name)
	}
	if _, ok := m.fields[f.Name]; !ok {
		m.fieldOrder = append(m.fieldOrder, f.Name)
	}
	m.fields[f.Name] = f
}

func humanize(name string) string {
	name = strings.TrimPrefix(name, "x_")
	name = strings.TrimSuffix(strings.TrimSuffix(name, "_ids"), "_id")
	parts := strings.Split(name, "_")
	for i, p := range parts {
		if p != "" {
			parts[i] = strings.ToUpper(p[:1]) + p[1:]
		}
	}
	return strings.Join(parts, " ")
}

// env is the evaluation environment of one call: user, companies and context.
type env struct {
	uid        int64
	ctx        map[string]any
	companies  []int64
	company    int64
	activeTest bool
	su         bool
	stamp      string
	changed    []change
}

type change struct {
	model  string
	id     int64
	create bool
	fields []string // written fields (a write)
}

func (e *env) inCompanies(id int64) bool {
	if e.su {
		return true
	}
	for _, c := range e.companies {
		if c == id {
			return true
		}
	}
	return false
}

func (e *env) withActiveTest(v bool) *env {
	c := *e
	c.activeTest = v
	return &c
}

func (e *env) sudo() *env {
	c := *e
	c.su = true
	return &c
}

// newEnv builds the environment from an RPC context.
func (s *Server) newEnv(uid int64, ctx map[string]any) (*env, error) {
	if ctx == nil {
		ctx = map[string]any{}
	}
	e := &env{uid: uid, ctx: ctx, activeTest: true}
	user := s.models["res.users"].recs[uid]
	userCompanies := []int64{s.mainCompany}
	mainCompany := s.mainCompany
	if user != nil {
		userCompanies = toIDs(user.Vals["company_ids"])
		mainCompany = asInt(user.Vals["company_id"])
	}
	if raw, ok := ctx["allowed_company_ids"]; ok && raw != nil && raw != false {
		list, ok := raw.([]any)
		if !ok {
			return nil, valueError("allowed_company_ids must be a list of ids")
		}
		var ids []int64
		for _, v := range list {
			id, ok := v.(int64)
			if !ok {
				return nil, valueError("allowed_company_ids must be a list of ids")
			}
			ok = false
			for _, c := range userCompanies {
				if c == id {
					ok = true
				}
			}
			if !ok {
				return nil, accessError("Access to unauthorized or invalid companies.")
			}
			ids = append(ids, id)
		}
		if len(ids) > 0 {
			e.companies = ids
			e.company = ids[0]
		}
	}
	if e.companies == nil {
		e.companies = append([]int64(nil), userCompanies...)
		e.company = mainCompany
	}
	if v, ok := ctx["active_test"]; ok {
		if b, ok := v.(bool); ok {
			e.activeTest = b
		}
	}
	return e, nil
}

// stampFor is the time of the call's transaction, as PostgreSQL's now() gives it to Odoo: every record
// one call creates or writes shares it, and so may records written by other calls in the same
// microsecond. It is stored with microseconds (dtStoreLayout) and read in whole seconds (format).
func (s *Server) stampFor(e *env) string {
	if e.stamp == "" {
		e.stamp = s.now().UTC().Truncate(time.Microsecond).Format(dtStoreLayout)
	}
	return e.stamp
}

// datetimeKey widens a stored or literal datetime to dtStoreLayout, so that comparing two keys as
// strings compares them the way PostgreSQL compares timestamps: "S" is "S.000000", which sorts before
// "S.5". A date-only literal becomes midnight, or 23:59:59 for ">" and "<=" (Odoo's expression.py).
func datetimeKey(v, op string) string {
	switch {
	case len(v) == len(dateLayout):
		if op == ">" || op == "<=" {
			return v + " 23:59:59.000000"
		}
		return v + " 00:00:00.000000"
	case len(v) == len(dtLayout):
		return v + ".000000"
	case len(v) > len(dtLayout) && v[len(dtLayout)] == '.' && len(v) < len(dtStoreLayout):
		return v + strings.Repeat("0", len(dtStoreLayout)-len(v))
	}
	return v
}

// ---------------------------------------------------------------------------------------------
// raw access

func (s *Server) getModel(name string) (*model, error) {
	m := s.models[name]
	if m == nil || (m.Module != "" && !s.installed(m.Module)) || (m.MinVersion != 0 && s.opts.Version < m.MinVersion) {
		return nil, userError("Object %s doesn't exist", name)
	}
	return m, nil
}

func (s *Server) installed(module string) bool {
	mm := s.models["ir.module.module"]
	for _, r := range mm.recs {
		if r.Vals["name"] == module {
			return r.Vals["state"] == "installed"
		}
	}
	return false
}

// raw returns the raw value of a field for a record in the environment.
func (s *Server) raw(e *env, m *model, r *record, f *fieldDef) any {
	if f.Name == "id" {
		return r.ID
	}
	if f.Compute != nil {
		return f.Compute(s, e, r)
	}
	if f.Type == "one2many" {
		rel := s.models[f.Relation]
		var ids []int64
		cands, ok := rel.refIDs(f.Inverse, r.ID)
		if !ok {
			cands = rel.sortedIDs(s, e, rel.Order)
		}
		for _, cid := range cands {
			c := rel.recs[cid]
			if asInt(c.Vals[f.Inverse]) != r.ID {
				continue
			}
			if f.Filter != nil && !f.Filter(c.Vals) {
				continue
			}
			if e.activeTest && rel.fields["active"] != nil && c.Vals["active"] == false {
				continue
			}
			ids = append(ids, cid)
		}
		return ids
	}
	v := r.Vals[f.Name]
	if f.CompanyDependent {
		if mp, ok := v.(map[int64]any); ok {
			if x, ok := mp[e.company]; ok {
				return x
			}
		}
		if f.CompanyFallback != nil {
			return f.CompanyFallback(s, e.company)
		}
		return nil
	}
	return v
}

func (s *Server) rawByName(e *env, m *model, r *record, name string) any {
	f := m.field(name, s.opts.Version)
	if f == nil {
		return nil
	}
	return s.raw(e, m, r, f)
}

func (s *Server) displayName(e *env, m *model, id int64) string {
	r := m.recs[id]
	if r == nil {
		return ""
	}
	if m.displayName != nil {
		return m.displayName(s, e, r)
	}
	if f := m.field("name", s.opts.Version); f != nil {
		if n, ok := s.raw(e, m, r, f).(string); ok && n != "" {
			return n
		}
	}
	return fmt.Sprintf("%s,%d", m.Name, id)
}

// format turns a raw value into its wire shape. load "" means load=None (many2one as a bare id).
func (s *Server) format(e *env, f *fieldDef, v any, load string) any {
	switch f.Type {
	case "char", "text", "html", "date", "datetime", "selection", "binary":
		str, _ := v.(string)
		if str == "" {
			return false
		}
		if f.Type == "datetime" && len(str) > len(dtLayout) {
			return str[:len(dtLayout)] // Odoo reads datetimes in whole seconds
		}
		return str
	case "integer":
		return asInt(v)
	case "float", "monetary":
		return asFloat(v)
	case "boolean":
		b, _ := v.(bool)
		return b
	case "many2one":
		id := asInt(v)
		if id == 0 {
			return false
		}
		if load == "" {
			return id
		}
		return []any{id, s.displayName(e.sudo(), s.models[f.Relation], id)}
	case "one2many", "many2many":
		ids := toIDs(v)
		out := make([]any, len(ids))
		for i, id := range ids {
			out[i] = id
		}
		return out
	case "json":
		if v == nil {
			return false
		}
		return v
	}
	return false
}

// ---------------------------------------------------------------------------------------------
// visibility

func (s *Server) visible(e *env, m *model, r *record) bool {
	if e.su {
		return true
	}
	if f := m.fields["company_id"]; f != nil && f.Type == "many2one" && f.Compute == nil && m.Name != "res.company" && m.Name != "res.users" {
		c := asInt(r.Vals["company_id"])
		if c != 0 && !e.inCompanies(c) {
			return false
		}
	}
	return true
}

// browse checks that ids exist and are accessible.
func (s *Server) browse(e *env, m *model, ids []int64) ([]*record, error) {
	out := make([]*record, 0, len(ids))
	var missing []int64
	for _, id := range ids {
		r := m.recs[id]
		if r == nil {
			missing = append(missing, id)
			continue
		}
		out = append(out, r)
	}
	if len(missing) > 0 {
		return nil, missingError(m.Name, missing, e.uid)
	}
	for _, r := range out {
		if !s.visible(e, m, r) {
			return nil, accessError("You are not allowed to access '%s' (%s) records.\n\nThis operation is allowed for the following groups:\n\t- Multi Companies\n\nContact your administrator to request access if necessary.\n\nRecords: %s (id=%d)\nUser: %s (id=%d)\n\nNote: this might be a multi-company issue.",
				m.Description, m.Name, s.displayName(e.sudo(), m, r.ID), r.ID, s.displayName(e.sudo(), s.models["res.users"], e.uid), e.uid)
		}
	}
	return out, nil
}

// ---------------------------------------------------------------------------------------------
// search

// sortedIDs returns the ids of all records in ascending order. The slice is shared:
// callers must not modify it (appending is safe, its capacity is capped).
func (m *model) sortedIDs(s *Server, e *env, order string) []int64 {
	if m.idsStale || len(m.ids) != len(m.recs) {
		ids := make([]int64, 0, len(m.recs))
		if m.idsStale {
			for id := range m.recs {
				ids = append(ids, id)
			}
			sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		} else {
			for _, id := range m.ids {
				if m.recs[id] != nil {
					ids = append(ids, id)
				}
			}
		}
		m.ids, m.idsStale = ids, false
	}
	return m.ids[:len(m.ids):len(m.ids)]
}

type orderTerm struct {
	f    *fieldDef
	desc bool
}

var orderRe = regexp.MustCompile(`^\s*([a-zA-Z0-9_\.]+)(\s+(?i:asc|desc))?(\s+(?i:nulls\s+(?:first|last)))?\s*$`)

func (s *Server) parseOrder(m *model, order string) ([]orderTerm, error) {
	if strings.TrimSpace(order) == "" {
		order = m.Order
	}
	if order == "" {
		order = "id"
	}
	var terms []orderTerm
	for _, part := range strings.Split(order, ",") {
		mt := orderRe.FindStringSubmatch(part)
		if mt == nil {
			return nil, valueError("Invalid \"order\" specified (%s). A valid \"order\" specification is a comma-separated list of valid field names (optionally followed by asc/desc for the direction)", order)
		}
		name := mt[1]
		f := m.field(name, s.opts.Version)
		if name == "id" {
			f = &fieldDef{Name: "id", Type: "integer"}
		}
		if f == nil {
			return nil, valueError("Invalid field %s on model %s", quote(name), quote(m.Name))
		}
		if f.x2many() {
			return nil, valueError("Cannot convert %s to SQL because it is not stored", m.Name+"."+name)
		}
		terms = append(terms, orderTerm{f: f, desc: strings.EqualFold(strings.TrimSpace(mt[2]), "desc")})
	}
	return terms, nil
}

func quote(s string) string { return "'" + s + "'" }

func (s *Server) sortKey(e *env, m *model, r *record, f *fieldDef) any {
	if f.Name == "id" {
		return r.ID
	}
	v := s.raw(e, m, r, f)
	if f.Type == "many2one" {
		id := asInt(v)
		if id == 0 {
			return nil
		}
		return strings.ToLower(s.displayName(e.sudo(), s.models[f.Relation], id))
	}
	if isEmptyRaw(f, v) && f.Type != "boolean" && f.Type != "integer" && f.Type != "float" && f.Type != "monetary" {
		return nil
	}
	switch f.Type {
	case "integer":
		return asInt(v)
	case "float", "monetary":
		return asFloat(v)
	case "boolean":
		if v == true {
			return int64(1)
		}
		return int64(0)
	}
	str, _ := v.(string)
	if f.Type == "datetime" {
		return datetimeKey(str, "")
	}
	return str
}

func compareKeys(a, b any) int {
	// Postgres: NULLS LAST for ASC.
	if a == nil && b == nil {
		return 0
	}
	if a == nil {
		return 1
	}
	if b == nil {
		return -1
	}
	switch x := a.(type) {
	case int64:
		y := b.(int64)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	case float64:
		y := b.(float64)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	case string:
		return strings.Compare(x, b.(string))
	}
	return 0
}

// search returns the ids matching the domain, ordered, with offset and limit (limit < 0: none).
func (s *Server) search(e *env, m *model, domain []any, offset, limit int, order string) ([]int64, error) {
	if m.searchHook != nil {
		domain = m.searchHook(e, domain)
	}
	node, err := s.compileDomain(m, domain)
	if err != nil {
		return nil, err
	}
	terms, err := s.parseOrder(m, order)
	if err != nil {
		return nil, err
	}
	activeFilter := e.activeTest && m.field("active", s.opts.Version) != nil && !domainMentions(domain, "active")
	cands, ok := s.candidates(m, node)
	if !ok {
		cands = m.sortedIDs(s, e, "")
	}
	var rs []*record
	for _, id := range cands {
		r := m.recs[id]
		if !s.visible(e, m, r) {
			continue
		}
		if activeFilter && r.Vals["active"] == false {
			continue
		}
		ok, err := s.evalNode(e, m, r, node)
		if err != nil {
			return nil, err
		}
		if ok {
			rs = append(rs, r)
		}
	}
	keys := make(map[int64][]any, len(rs))
	for _, r := range rs {
		k := make([]any, len(terms))
		for i, t := range terms {
			k[i] = s.sortKey(e, m, r, t.f)
		}
		keys[r.ID] = k
	}
	sort.SliceStable(rs, func(i, j int) bool {
		ki, kj := keys[rs[i].ID], keys[rs[j].ID]
		for t := range terms {
			c := compareKeys(ki[t], kj[t])
			if terms[t].desc {
				c = -c
			}
			if c != 0 {
				return c < 0
			}
		}
		return rs[i].ID < rs[j].ID
	})
	if offset > len(rs) {
		offset = len(rs)
	}
	rs = rs[offset:]
	if limit >= 0 && limit < len(rs) {
		rs = rs[:limit]
	}
	ids := make([]int64, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	return ids, nil
}

// ---------------------------------------------------------------------------------------------
// read

func (s *Server) resolveFields(m *model, fields []string) ([]*fieldDef, error) {
	var out []*fieldDef
	if len(fields) == 0 {
		for _, name := range m.fieldOrder {
			if f := m.field(name, s.opts.Version); f != nil {
				out = append(out, f)
			}
		}
		return out, nil
	}
	for _, name := range fields {
		if name == "id" {
			continue
		}
		f := m.field(name, s.opts.Version)
		if f == nil {
			return nil, invalidField(name, m.Name)
		}
		out = append(out, f)
	}
	return out, nil
}

func (s *Server) read(e *env, m *model, ids []int64, fields []string, load string) ([]any, error) {
	fs, err := s.resolveFields(m, fields)
	if err != nil {
		return nil, err
	}
	rs, err := s.browse(e, m, ids)
	if err != nil {
		return nil, err
	}
	out := make([]any, 0, len(rs))
	for _, r := range rs {
		row := map[string]any{"id": r.ID}
		for _, f := range fs {
			row[f.Name] = s.format(e, f, s.raw(e, m, r, f), load)
		}
		out = append(out, row)
	}
	return out, nil
}

// ---------------------------------------------------------------------------------------------
// create / write / unlink

func (s *Server) convert(e *env, m *model, f *fieldDef, v any) (any, error) {
	bad := func() error {
		return valueError("Wrong value for %s.%s: %s", m.Name, f.Name, pyRepr(v))
	}
	switch f.Type {
	case "char", "text", "html", "binary":
		switch x := v.(type) {
		case nil, bool:
			if x == true {
				return nil, bad()
			}
			return "", nil
		case string:
			return x, nil
		case int64:
			return strconv.FormatInt(x, 10), nil
		case float64:
			return formatDouble(x), nil
		}
		return nil, bad()
	case "selection":
		switch x := v.(type) {
		case nil:
			return "", nil
		case bool:
			if !x {
				return "", nil
			}
		case string:
			if x == "" {
				return "", nil
			}
			for _, opt := range s.selection(m, f) {
				if opt[0] == x {
					return x, nil
				}
			}
		}
		return nil, bad()
	case "date", "datetime":
		switch x := v.(type) {
		case nil:
			return "", nil
		case bool:
			if !x {
				return "", nil
			}
		case string:
			if x == "" {
				return "", nil
			}
			if f.Type == "date" {
				if len(x) >= 10 {
					if _, err := time.Parse(dateLayout, x[:10]); err == nil && (len(x) == 10 || len(x) == 19) {
						return x[:10], nil
					}
				}
				return nil, valueError("time data %s does not match format '%%Y-%%m-%%d'", pyRepr(x))
			}
			if len(x) == 10 {
				if _, err := time.Parse(dateLayout, x); err == nil {
					return x + " 00:00:00", nil
				}
			}
			if _, err := time.Parse(dtLayout, x); err == nil {
				return x, nil
			}
			return nil, valueError("time data %s does not match format '%%Y-%%m-%%d %%H:%%M:%%S'", pyRepr(x))
		}
		return nil, bad()
	case "integer":
		switch x := v.(type) {
		case nil:
			return int64(0), nil
		case bool:
			if x {
				return int64(1), nil
			}
			return int64(0), nil
		case int64:
			return x, nil
		case float64:
			return int64(x), nil
		}
		return nil, &Error{Name: "psycopg2.errors.InvalidTextRepresentation", Message: fmt.Sprintf("invalid input syntax for type integer: %s", pyRepr(v))}
	case "float", "monetary":
		switch x := v.(type) {
		case nil:
			return float64(0), nil
		case bool:
			if !x {
				return float64(0), nil
			}
		case int64:
			return float64(x), nil
		case float64:
			return x, nil
		}
		return nil, &Error{Name: "psycopg2.errors.InvalidTextRepresentation", Message: fmt.Sprintf("invalid input syntax for type double precision: %s", pyRepr(v))}
	case "boolean":
		switch x := v.(type) {
		case nil:
			return false, nil
		case bool:
			return x, nil
		case int64:
			return x != 0, nil
		}
		return nil, bad()
	case "json":
		if f.Name == "analytic_distribution" {
			return analyticDistribution(v, bad)
		}
		switch v.(type) {
		case nil, bool, string, int64, float64, []any, map[string]any:
			return v, nil
		}
		return nil, bad()
	case "many2one":
		switch x := v.(type) {
		case nil:
			return int64(0), nil
		case bool:
			if !x {
				return int64(0), nil
			}
		case int64:
			if x == 0 {
				return int64(0), nil
			}
			rel := s.models[f.Relation]
			if rel.recs[x] == nil {
				return nil, validationError("The operation cannot be completed: another model requires the record being deleted. If possible, archive it instead.\n\nModel: %s (%s)\nConstraint: %s_%s_fkey\n\nRecord %d of %s does not exist.", m.Description, m.Name, strings.ReplaceAll(m.Name, ".", "_"), f.Name, x, f.Relation)
			}
			return x, nil
		}
		return nil, bad()
	}
	return nil, bad()
}

func (s *Server) selection(m *model, f *fieldDef) [][2]string {
	if m.Name == "ir.actions.server" && f.Name == "state" && s.installed("base_automation") {
		return append(append([][2]string(nil), f.Selection...), [2]string{"webhook", "Send Webhook Notification"})
	}
	return f.Selection
}

// create creates one record. Returns its id.
func (s *Server) create(e *env, m *model, vals map[string]any) (int64, error) {
	if vals == nil {
		vals = map[string]any{}
	}
	vals = copyMap(vals)
	for k := range vals {
		if k == "id" || m.field(k, s.opts.Version) == nil {
			return 0, invalidField(k, m.Name)
		}
	}
	// defaults
	for _, name := range m.fieldOrder {
		f := m.field(name, s.opts.Version)
		if f == nil || f.Default == nil {
			continue
		}
		if _, ok := vals[name]; !ok {
			if d := f.Default(s, e, vals); d != nil {
				vals[name] = d
			}
		}
	}
	if m.beforeCreate != nil {
		if err := m.beforeCreate(s, e, vals); err != nil {
			return 0, err
		}
	}
	r := &record{Vals: map[string]any{}}
	type pending struct {
		f   *fieldDef
		cmd any
	}
	var later []pending
	for _, name := range sortedKeys(vals) {
		f := m.field(name, s.opts.Version)
		if f.Compute != nil {
			continue // computed, read-only: Odoo ignores it silently for non-stored computed fields
		}
		if f.x2many() {
			later = append(later, pending{f, vals[name]})
			continue
		}
		v, err := s.convert(e, m, f, vals[name])
		if err != nil {
			return 0, err
		}
		if f.CompanyDependent {
			r.Vals[name] = map[int64]any{e.company: v}
			continue
		}
		r.Vals[name] = v
	}
	for _, name := range m.fieldOrder {
		f := m.field(name, s.opts.Version)
		if f != nil && f.Required && f.Compute == nil && !f.x2many() && isEmptyRaw(f, r.Vals[name]) && f.Type != "boolean" {
			return 0, validationError("The operation cannot be completed: Create/update: a mandatory field is not set.\nDelete: another model requires the record being deleted. If possible, archive it instead.\n\nModel: %s (%s)\nField: %s (%s)", m.Description, m.Name, f.String, f.Name)
		}
	}
	if f := m.fields["active"]; f != nil {
		if _, ok := vals["active"]; !ok {
			r.Vals["active"] = true
		}
	}
	m.nextID++
	r.ID = m.nextID
	stamp := s.stampFor(e)
	r.Vals["create_date"] = stamp
	r.Vals["write_date"] = stamp
	r.Vals["create_uid"] = e.uid
	r.Vals["write_uid"] = e.uid
	m.insert(r)
	m.beginX2many(r.ID)
	for _, p := range later {
		if err := s.applyX2many(e, m, r, p.f, p.cmd); err != nil {
			m.endX2many(r.ID)
			m.remove(r.ID)
			return 0, err
		}
	}
	m.endX2many(r.ID)
	if m.afterCreate != nil {
		if err := m.afterCreate(s, e, r); err != nil {
			m.remove(r.ID)
			return 0, err
		}
	}
	e.changed = append(e.changed, change{model: m.Name, id: r.ID, create: true})
	return r.ID, nil
}

// write updates records.
func (s *Server) write(e *env, m *model, ids []int64, vals map[string]any) error {
	for k := range vals {
		if k == "id" || m.field(k, s.opts.Version) == nil {
			return invalidField(k, m.Name)
		}
	}
	rs, err := s.browse(e, m, ids)
	if err != nil {
		return err
	}
	for _, r := range rs {
		if m.beforeWrite != nil {
			if err := m.beforeWrite(s, e, r, vals); err != nil {
				return err
			}
		}
	}
	stamp := s.stampFor(e)
	for _, r := range rs {
		for _, name := range sortedKeys(vals) {
			f := m.field(name, s.opts.Version)
			if f.Compute != nil {
				continue
			}
			if f.x2many() {
				m.beginX2many(r.ID)
				err := s.applyX2many(e, m, r, f, vals[name])
				m.endX2many(r.ID)
				if err != nil {
					return err
				}
				continue
			}
			v, err := s.convert(e, m, f, vals[name])
			if err != nil {
				return err
			}
			if f.Required && isEmptyRaw(f, v) && f.Type != "boolean" {
				return validationError("The operation cannot be completed: Create/update: a mandatory field is not set.\nDelete: another model requires the record being deleted. If possible, archive it instead.\n\nModel: %s (%s)\nField: %s (%s)", m.Description, m.Name, f.String, f.Name)
			}
			if f.CompanyDependent {
				mp, _ := r.Vals[name].(map[int64]any)
				if mp == nil {
					mp = map[int64]any{}
				}
				mp[e.company] = v
				r.Vals[name] = mp
				continue
			}
			m.setVal(r, name, v)
		}
		r.Vals["write_date"] = stamp
		r.Vals["write_uid"] = e.uid
		if m.afterWrite != nil {
			if err := m.afterWrite(s, e, r, vals); err != nil {
				return err
			}
		}
		names := make([]string, 0, len(vals))
		for name := range vals {
			names = append(names, name)
		}
		e.changed = append(e.changed, change{model: m.Name, id: r.ID, fields: names})
	}
	return nil
}

// touch bumps write_date of a record changed by a side effect.
func (s *Server) touch(e *env, m *model, r *record) {
	r.Vals["write_date"] = s.stampFor(e)
	r.Vals["write_uid"] = e.uid
	e.changed = append(e.changed, change{model: m.Name, id: r.ID})
}

func (s *Server) unlink(e *env, m *model, ids []int64) error {
	rs, err := s.browse(e, m, ids)
	if err != nil {
		return err
	}
	for _, r := range rs {
		if m.beforeUnlink != nil {
			if err := m.beforeUnlink(s, e, r); err != nil {
				return err
			}
		}
	}
	for _, r := range rs {
		m.remove(r.ID)
		if m.afterUnlink != nil {
			if err := m.afterUnlink(s, e, r); err != nil {
				return err
			}
		}
	}
	return nil
}

// applyX2many applies Odoo's x2many commands.
func (s *Server) applyX2many(e *env, m *model, r *record, f *fieldDef, v any) error {
	rel := s.models[f.Relation]
	list, ok := v.([]any)
	if v == false || v == nil {
		list, ok = []any{}, true
		if f.Type == "many2many" {
			r.Vals[f.Name] = []int64{}
			return nil
		}
	}
	if !ok {
		return valueError("Wrong value for %s.%s: %s", m.Name, f.Name, pyRepr(v))
	}
	// a plain list of ids means "replace"
	if len(list) > 0 {
		if _, isID := list[0].(int64); isID {
			list = []any{[]any{int64(6), int64(0), list}}
		}
	}
	current := toIDs(s.raw(e.withActiveTest(false), m, r, f))
	setIDs := func(ids []int64) error {
		if f.Type == "many2many" {
			r.Vals[f.Name] = ids
			return nil
		}
		keep := map[int64]bool{}
		for _, id := range ids {
			keep[id] = true
			if c := rel.recs[id]; c != nil {
				rel.setVal(c, f.Inverse, r.ID)
			}
		}
		for _, id := range current {
			if !keep[id] {
				if err := s.unlink(e, rel, []int64{id}); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for _, raw := range list {
		cmd, ok := raw.([]any)
		if !ok || len(cmd) == 0 {
			return valueError("Wrong value for %s.%s: %s", m.Name, f.Name, pyRepr(raw))
		}
		code := asInt(cmd[0])
		arg := func(i int) any {
			if i < len(cmd) {
				return cmd[i]
			}
			return nil
		}
		switch code {
		case 0:
			vals, _ := arg(2).(map[string]any)
			vals = copyMap(vals)
			if f.Type == "one2many" {
				vals[f.Inverse] = r.ID
			}
			id, err := s.create(e, rel, vals)
			if err != nil {
				return err
			}
			current = append(current, id)
			if f.Type == "many2many" {
				r.Vals[f.Name] = current
			}
		case 1:
			vals, _ := arg(2).(map[string]any)
			if err := s.write(e, rel, []int64{asInt(arg(1))}, vals); err != nil {
				return err
			}
		case 2:
			if err := s.unlink(e, rel, []int64{asInt(arg(1))}); err != nil {
				return err
			}
			current = without(current, asInt(arg(1)))
			if f.Type == "many2many" {
				r.Vals[f.Name] = current
			}
		case 3:
			current = without(current, asInt(arg(1)))
			if err := setIDs(current); err != nil {
				return err
			}
		case 4:
			id := asInt(arg(1))
			if rel.recs[id] == nil {
				return missingError(rel.Name, []int64{id}, e.uid)
			}
			if !containsID(current, id) {
				current = append(current, id)
			}
			if err := setIDs(current); err != nil {
				return err
			}
		case 5:
			current = nil
			if err := setIDs(nil); err != nil {
				return err
			}
		case 6:
			ids := toIDs(arg(2))
			for _, id := range ids {
				if rel.recs[id] == nil {
					return missingError(rel.Name, []int64{id}, e.uid)
				}
			}
			if err := setIDs(ids); err != nil {
				return err
			}
			current = ids
		default:
			return valueError("Wrong value for %s.%s: %s", m.Name, f.Name, pyRepr(raw))
		}
	}
	if f.Type == "many2many" {
		if current == nil {
			current = []int64{}
		}
		r.Vals[f.Name] = current
	}
	return nil
}

// ---------------------------------------------------------------------------------------------
// small helpers

func asInt(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int:
		return int64(x)
	case float64:
		return int64(x)
	case []any:
		if len(x) > 0 {
			return asInt(x[0])
		}
	}
	return 0
}

func asFloat(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int64:
		return float64(x)
	case int:
		return float64(x)
	}
	return 0
}

func asString(v any) string {
	s, _ := v.(string)
	return s
}

func toIDs(v any) []int64 {
	switch x := v.(type) {
	case []int64:
		return append([]int64(nil), x...)
	case []any:
		out := make([]int64, 0, len(x))
		for _, e := range x {
			out = append(out, asInt(e))
		}
		return out
	case int64:
		return []int64{x}
	}
	return nil
}

func without(ids []int64, id int64) []int64 {
	out := make([]int64, 0, len(ids))
	for _, x := range ids {
		if x != id {
			out = append(out, x)
		}
	}
	return out
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func isEmptyRaw(f *fieldDef, v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case int64:
		return x == 0 && f.Type == "many2one"
	case bool:
		return !x
	case []int64:
		return len(x) == 0
	case float64:
		return false
	}
	return false
}

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// pyRepr renders a value the way Python's repr would, for error messages.
func pyRepr(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case bool:
		if x {
			return "True"
		}
		return "False"
	case string:
		return "'" + strings.ReplaceAll(x, "'", "\\'") + "'"
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		if x == math.Trunc(x) {
			return formatDouble(x)
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = pyRepr(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		parts := []string{}
		for _, k := range sortedKeys(x) {
			parts = append(parts, pyRepr(k)+": "+pyRepr(x[k]))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprint(v)
}
