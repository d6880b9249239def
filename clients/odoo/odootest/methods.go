package odootest

import (
	"strings"
)

// genericMethods are the ORM methods every model has.
var genericMethods map[string]methodSpec

func init() {
	genericMethods = map[string]methodSpec{
		"search":       {Params: []string{"domain", "offset", "limit", "order"}, Fn: mSearch, ReadOnly: true},
		"search_read":  {Params: []string{"domain", "fields", "offset", "limit", "order", "load"}, Fn: mSearchRead, ReadOnly: true},
		"search_count": {Params: []string{"domain", "limit"}, Fn: mSearchCount, ReadOnly: true},
		"read":         {Record: true, Params: []string{"fields", "load"}, Fn: mRead, ReadOnly: true},
		"create":       {Params: []string{"vals_list"}, Fn: mCreate},
		"write":        {Record: true, Params: []string{"vals"}, Fn: mWrite},
		"unlink":       {Record: true, Fn: mUnlink},
		"fields_get":   {Params: []string{"allfields", "attributes"}, Fn: mFieldsGet, ReadOnly: true},
		"name_search":  {Params: []string{"name", "args", "operator", "limit", "domain"}, Fn: mNameSearch, ReadOnly: true},
		"default_get":  {Params: []string{"fields_list"}, Fn: mDefaultGet, ReadOnly: true},
		"exists":       {Record: true, Fn: mExists, ReadOnly: true},
		"action_archive": {Record: true, Fn: func(s *Server, e *env, m *model, ids []int64, _ map[string]any) (any, error) {
			return archive(s, e, m, ids, false)
		}},
		"action_unarchive": {Record: true, Fn: func(s *Server, e *env, m *model, ids []int64, _ map[string]any) (any, error) {
			return archive(s, e, m, ids, true)
		}},
	}
}

func archive(s *Server, e *env, m *model, ids []int64, active bool) (any, error) {
	if m.field("active", s.opts.Version) == nil {
		return nil, &Error{Name: excAttributeError, Message: "'" + m.Name + "' object has no attribute 'action_archive'"}
	}
	return true, s.write(e, m, ids, map[string]any{"active": active})
}

func paramDomain(p map[string]any, key string) ([]any, error) {
	v, ok := p[key]
	if !ok || v == nil || v == false {
		return nil, nil
	}
	d, ok := v.([]any)
	if !ok {
		return nil, valueError("Invalid domain: %s", pyRepr(v))
	}
	return d, nil
}

func paramFields(p map[string]any, key string) ([]string, error) {
	v, ok := p[key]
	if !ok || v == nil || v == false {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		if str, ok := v.(string); ok {
			return []string{str}, nil
		}
		return nil, typeError("fields must be a list of field names")
	}
	out := make([]string, 0, len(list))
	for _, x := range list {
		str, ok := x.(string)
		if !ok {
			return nil, typeError("fields must be a list of field names, got %s", pyRepr(x))
		}
		out = append(out, str)
	}
	return out, nil
}

func paramInt(p map[string]any, key string, def int) (int, error) {
	v, ok := p[key]
	if !ok || v == nil || v == false {
		return def, nil
	}
	n, ok := v.(int64)
	if !ok {
		if f, ok := v.(float64); ok && f == float64(int64(f)) {
			return int(f), nil
		}
		return 0, typeError("'%s' must be an integer, got %s", key, pyRepr(v))
	}
	if n < 0 {
		return 0, valueError("%s must be positive", key)
	}
	return int(n), nil
}

func paramString(p map[string]any, key string) (string, error) {
	v, ok := p[key]
	if !ok || v == nil || v == false {
		return "", nil
	}
	str, ok := v.(string)
	if !ok {
		return "", typeError("'%s' must be a string, got %s", key, pyRepr(v))
	}
	return str, nil
}

func paramLoad(p map[string]any) string {
	v, ok := p["load"]
	if !ok {
		return "_classic_read"
	}
	if str, ok := v.(string); ok && str != "" {
		return str
	}
	return ""
}

func searchParams(s *Server, e *env, m *model, p map[string]any) ([]int64, error) {
	dom, err := paramDomain(p, "domain")
	if err != nil {
		return nil, err
	}
	offset, err := paramInt(p, "offset", 0)
	if err != nil {
		return nil, err
	}
	limit, err := paramInt(p, "limit", -1)
	if err != nil {
		return nil, err
	}
	order, err := paramString(p, "order")
	if err != nil {
		return nil, err
	}
	return s.search(e, m, dom, offset, limit, order)
}

func mSearch(s *Server, e *env, m *model, _ []int64, p map[string]any) (any, error) {
	if _, ok := p["domain"]; !ok {
		return nil, typeError("search() missing 1 required positional argument: 'domain'")
	}
	ids, err := searchParams(s, e, m, p)
	if err != nil {
		return nil, err
	}
	return idList(ids), nil
}

func mSearchRead(s *Server, e *env, m *model, _ []int64, p map[string]any) (any, error) {
	fields, err := paramFields(p, "fields")
	if err != nil {
		return nil, err
	}
	if _, err := s.resolveFields(m, fields); err != nil {
		return nil, err
	}
	ids, err := searchParams(s, e, m, p)
	if err != nil {
		return nil, err
	}
	return s.read(e, m, ids, fields, paramLoad(p))
}

func mSearchCount(s *Server, e *env, m *model, _ []int64, p map[string]any) (any, error) {
	if _, ok := p["domain"]; !ok {
		return nil, typeError("search_count() missing 1 required positional argument: 'domain'")
	}
	dom, err := paramDomain(p, "domain")
	if err != nil {
		return nil, err
	}
	limit, err := paramInt(p, "limit", -1)
	if err != nil {
		return nil, err
	}
	ids, err := s.search(e, m, dom, 0, limit, "id")
	if err != nil {
		return nil, err
	}
	return int64(len(ids)), nil
}

func mRead(s *Server, e *env, m *model, ids []int64, p map[string]any) (any, error) {
	fields, err := paramFields(p, "fields")
	if err != nil {
		return nil, err
	}
	// Odoo 17's read leaves out records that do not exist (write and the buttons raise a MissingError).
	existing := make([]int64, 0, len(ids))
	for _, id := range ids {
		if m.recs[id] != nil {
			existing = append(existing, id)
		}
	}
	return s.read(e, m, existing, fields, paramLoad(p))
}

func mExists(s *Server, e *env, m *model, ids []int64, _ map[string]any) (any, error) {
	out := []any{}
	for _, id := range ids {
		if m.recs[id] != nil {
			out = append(out, id)
		}
	}
	return out, nil
}

func mCreate(s *Server, e *env, m *model, _ []int64, p map[string]any) (any, error) {
	v, ok := p["vals_list"]
	if !ok {
		return nil, typeError("create() missing 1 required positional argument: 'vals_list'")
	}
	if one, ok := v.(map[string]any); ok {
		id, err := s.create(e, m, one)
		if err != nil {
			return nil, err
		}
		return id, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, valueError("Wrong value for create: %s", pyRepr(v))
	}
	out := []any{}
	for _, x := range list {
		vals, ok := x.(map[string]any)
		if !ok {
			return nil, &Error{Name: excAttributeError, Message: "'" + pyType(x) + "' object has no attribute 'items'"}
		}
		id, err := s.create(e, m, vals)
		if err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, nil
}

func pyType(v any) string {
	switch v.(type) {
	case int64:
		return "int"
	case float64:
		return "float"
	case string:
		return "str"
	case bool:
		return "bool"
	case []any:
		return "list"
	}
	return "NoneType"
}

func mWrite(s *Server, e *env, m *model, ids []int64, p map[string]any) (any, error) {
	v, ok := p["vals"]
	if !ok {
		return nil, typeError("write() missing 1 required positional argument: 'vals'")
	}
	vals, ok := v.(map[string]any)
	if !ok {
		return nil, &Error{Name: excAttributeError, Message: "'" + pyType(v) + "' object has no attribute 'items'"}
	}
	if err := s.write(e, m, ids, vals); err != nil {
		return nil, err
	}
	return true, nil
}

func mUnlink(s *Server, e *env, m *model, ids []int64, _ map[string]any) (any, error) {
	if err := s.unlink(e, m, ids); err != nil {
		return nil, err
	}
	return true, nil
}

func mFieldsGet(s *Server, e *env, m *model, _ []int64, p map[string]any) (any, error) {
	all, err := paramFields(p, "allfields")
	if err != nil {
		return nil, err
	}
	attrs, err := paramFields(p, "attributes")
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	names := all
	if len(names) == 0 {
		names = append([]string{"id"}, m.fieldOrder...)
	}
	for _, name := range names {
		var f *fieldDef
		if name == "id" {
			f = &fieldDef{Name: "id", Type: "integer", String: "ID", Readonly: true}
		} else {
			f = m.field(name, s.opts.Version)
		}
		if f == nil {
			continue
		}
		desc := map[string]any{
			"type":              f.Type,
			"string":            f.String,
			"required":          f.Required,
			"readonly":          f.Readonly || (f.Compute != nil && f.Name != "display_name") || f.Name == "display_name",
			"store":             f.Compute == nil || f.Name == "commercial_partner_id",
			"searchable":        true,
			"sortable":          !f.x2many(),
			"company_dependent": f.CompanyDependent,
			"manual":            f.Manual,
			"name":              f.Name,
			"depends":           []any{},
			"groupable":         !f.x2many(),
			"exportable":        true,
			"change_default":    false,
			"translate":         false,
			"help":              f.Help,
		}
		if f.Help == "" {
			delete(desc, "help")
		}
		if f.relational() {
			desc["relation"] = f.Relation
			desc["context"] = map[string]any{}
			desc["domain"] = []any{}
		}
		if f.Type == "one2many" {
			desc["relation_field"] = f.Inverse
		}
		if f.Type == "selection" {
			sel := []any{}
			for _, o := range s.selection(m, f) {
				sel = append(sel, []any{o[0], o[1]})
			}
			desc["selection"] = sel
		}
		if f.Type == "monetary" {
			desc["currency_field"] = "currency_id"
		}
		if f.Type == "float" {
			desc["digits"] = false
		}
		if len(attrs) > 0 {
			filtered := map[string]any{}
			for _, a := range attrs {
				if v, ok := desc[a]; ok {
					filtered[a] = v
				}
			}
			desc = filtered
		}
		out[name] = desc
	}
	return out, nil
}

func mNameSearch(s *Server, e *env, m *model, _ []int64, p map[string]any) (any, error) {
	name, err := paramString(p, "name")
	if err != nil {
		return nil, err
	}
	dom, err := paramDomain(p, "args")
	if err != nil {
		return nil, err
	}
	if dom == nil {
		if dom, err = paramDomain(p, "domain"); err != nil {
			return nil, err
		}
	}
	op, _ := paramString(p, "operator")
	if op == "" {
		op = "ilike"
	}
	limit, err := paramInt(p, "limit", 100)
	if err != nil {
		return nil, err
	}
	ids, err := s.search(e, m, dom, 0, -1, "")
	if err != nil {
		return nil, err
	}
	out := []any{}
	for _, id := range ids {
		dn := s.displayName(e, m, id)
		match := name == ""
		if !match {
			switch op {
			case "=":
				match = dn == name
			case "ilike", "like", "=like", "=ilike":
				match = likeMatch(dn, name, op)
			case "not ilike":
				match = !likeMatch(dn, name, "ilike")
			default:
				match = strings.EqualFold(dn, name)
			}
		}
		if match {
			out = append(out, []any{id, dn})
			if len(out) >= limit {
				break
			}
		}
	}
	return out, nil
}

func mDefaultGet(s *Server, e *env, m *model, _ []int64, p map[string]any) (any, error) {
	fields, err := paramFields(p, "fields_list")
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	vals := map[string]any{}
	for _, name := range fields {
		f := m.field(name, s.opts.Version)
		if f == nil {
			return nil, invalidField(name, m.Name)
		}
		if f.Default != nil {
			if d := f.Default(s, e, vals); d != nil {
				out[name] = d
			}
		}
	}
	return out, nil
}
