package odootest

import (
	"regexp"
	"strings"
)

type domNode struct {
	op       string // "&", "|", "!", "leaf", "true", "false"
	children []*domNode
	// leaf
	path     []*fieldDef
	models   []*model
	operator string
	value    any
}

var domainOperators = map[string]bool{
	"=": true, "!=": true, "<>": true, "<": true, "<=": true, ">": true, ">=": true, "in": true, "not in": true,
	"like": true, "ilike": true, "not like": true, "not ilike": true, "=like": true, "=ilike": true, "child_of": true, "parent_of": true,
}

// compileDomain parses a domain in prefix notation (implicit "&" between top-level terms).
func (s *Server) compileDomain(m *model, domain []any) (*domNode, error) {
	pos := 0
	var parse func() (*domNode, error)
	syntaxErr := func() error {
		return valueError("Invalid domain: %s", pyRepr(domain))
	}
	parse = func() (*domNode, error) {
		if pos >= len(domain) {
			return nil, syntaxErr()
		}
		item := domain[pos]
		pos++
		if op, ok := item.(string); ok {
			switch op {
			case "&", "|":
				a, err := parse()
				if err != nil {
					return nil, err
				}
				b, err := parse()
				if err != nil {
					return nil, err
				}
				return &domNode{op: op, children: []*domNode{a, b}}, nil
			case "!":
				a, err := parse()
				if err != nil {
					return nil, err
				}
				return &domNode{op: "!", children: []*domNode{a}}, nil
			}
			return nil, valueError("Invalid leaf %s", pyRepr(item))
		}
		return s.compileLeaf(m, item)
	}
	root := &domNode{op: "true"}
	var terms []*domNode
	for pos < len(domain) {
		n, err := parse()
		if err != nil {
			return nil, err
		}
		terms = append(terms, n)
	}
	if len(terms) == 1 {
		root = terms[0]
	} else if len(terms) > 1 {
		root = &domNode{op: "&", children: terms}
	}
	return root, nil
}

func (s *Server) compileLeaf(m *model, item any) (*domNode, error) {
	leaf, ok := item.([]any)
	if !ok || len(leaf) != 3 {
		return nil, valueError("Invalid leaf %s", pyRepr(item))
	}
	// TRUE_LEAF / FALSE_LEAF
	if a, ok := leaf[0].(int64); ok {
		if b, ok := leaf[2].(int64); ok && leaf[1] == "=" && (a == 0 || a == 1) && b == 1 {
			if a == 1 {
				return &domNode{op: "true"}, nil
			}
			return &domNode{op: "false"}, nil
		}
		return nil, valueError("Invalid leaf %s", pyRepr(item))
	}
	path, ok := leaf[0].(string)
	op, ok2 := leaf[1].(string)
	if !ok || !ok2 {
		return nil, valueError("Invalid leaf %s", pyRepr(item))
	}
	op = strings.ToLower(op)
	if !domainOperators[op] {
		return nil, valueError("Invalid leaf %s", pyRepr(item))
	}
	if op == "<>" {
		op = "!="
	}
	n := &domNode{op: "leaf", operator: op, value: leaf[2]}
	cur := m
	parts := strings.Split(path, ".")
	for i, name := range parts {
		var f *fieldDef
		if name == "id" {
			f = &fieldDef{Name: "id", Type: "integer"}
		} else {
			f = cur.field(name, s.opts.Version)
		}
		if f == nil {
			return nil, invalidField(name, cur.Name)
		}
		n.path = append(n.path, f)
		n.models = append(n.models, cur)
		if i < len(parts)-1 {
			if !f.relational() {
				return nil, valueError("Invalid field %s on model %s", quote(path), quote(m.Name))
			}
			cur = s.models[f.Relation]
		}
	}
	if (op == "child_of" || op == "parent_of") && n.path[len(n.path)-1].Type != "many2one" && n.path[len(n.path)-1].Name != "id" && !n.path[len(n.path)-1].x2many() {
		return nil, valueError("Invalid leaf %s", pyRepr(item))
	}
	return n, nil
}

func domainMentions(domain []any, field string) bool {
	for _, item := range domain {
		leaf, ok := item.([]any)
		if !ok || len(leaf) != 3 {
			continue
		}
		if p, ok := leaf[0].(string); ok && strings.Split(p, ".")[0] == field {
			return true
		}
	}
	return false
}

func (s *Server) evalNode(e *env, m *model, r *record, n *domNode) (bool, error) {
	switch n.op {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "&":
		for _, c := range n.children {
			ok, err := s.evalNode(e, m, r, c)
			if err != nil || !ok {
				return false, err
			}
		}
		return true, nil
	case "|":
		for _, c := range n.children {
			ok, err := s.evalNode(e, m, r, c)
			if err != nil {
				return false, err
			}
			if ok {
				return true, nil
			}
		}
		return false, nil
	case "!":
		ok, err := s.evalNode(e, m, r, n.children[0])
		return !ok, err
	}
	return s.evalPath(e, r, n, 0)
}

func (s *Server) evalPath(e *env, r *record, n *domNode, depth int) (bool, error) {
	f := n.path[depth]
	m := n.models[depth]
	var v any
	if f.Name == "id" {
		v = r.ID
	} else {
		v = s.raw(e, m, r, f)
	}
	if depth == len(n.path)-1 {
		return s.evalLeaf(e, m, f, r, v, n.operator, n.value)
	}
	rel := s.models[f.Relation]
	for _, id := range toIDs(v) {
		if id == 0 {
			continue
		}
		c := rel.recs[id]
		if c == nil {
			continue
		}
		ok, err := s.evalPath(e.withActiveTest(false), c, n, depth+1)
		if err != nil {
			return false, err
		}
		if ok {
			return true, nil
		}
	}
	return false, nil
}

func isNegative(op string) bool {
	return op == "!=" || op == "not in" || op == "not like" || op == "not ilike"
}

func positive(op string) string {
	switch op {
	case "!=":
		return "="
	case "not in":
		return "in"
	case "not like":
		return "like"
	case "not ilike":
		return "ilike"
	}
	return op
}

func (s *Server) evalLeaf(e *env, m *model, f *fieldDef, r *record, v any, op string, want any) (bool, error) {
	if isNegative(op) {
		ok, err := s.evalLeaf(e, m, f, r, v, positive(op), want)
		return !ok, err
	}
	switch f.Type {
	case "many2one", "one2many", "many2many":
		return s.evalRelational(e, f, r, v, op, want)
	}
	if f.Name == "id" && (op == "child_of" || op == "parent_of") {
		return s.evalRelational(e, &fieldDef{Name: "id", Type: "many2one", Relation: m.Name}, r, r.ID, op, want)
	}
	empty := v == nil || v == "" || (f.Type == "boolean" && v == false)
	if op == "in" {
		list := toList(want)
		for _, w := range list {
			if ok, _ := s.evalScalar(f, v, empty, "=", w); ok {
				return true, nil
			}
		}
		return false, nil
	}
	return s.evalScalar(f, v, empty, op, want)
}

func toList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	return []any{v}
}

func (s *Server) evalScalar(f *fieldDef, v any, empty bool, op string, want any) (bool, error) {
	if want == false || want == nil {
		if f.Type == "boolean" {
			if op == "=" {
				return empty, nil
			}
			return false, nil
		}
		if op == "=" {
			return empty, nil
		}
		return false, nil
	}
	if f.Type == "boolean" {
		b, _ := want.(bool)
		if op == "=" {
			return (v == true) == b, nil
		}
		return false, nil
	}
	if empty {
		return false, nil
	}
	switch f.Type {
	case "integer", "float", "monetary":
		a := asFloat(v)
		var b float64
		switch w := want.(type) {
		case int64:
			b = float64(w)
		case float64:
			b = w
		case bool:
			if w {
				b = 1
			}
		default:
			if op == "like" || op == "ilike" || op == "=like" || op == "=ilike" {
				return likeMatch(formatNumber(v), w2s(want), op), nil
			}
			return false, valueError("Invalid value %s for %s field", pyRepr(want), f.Type)
		}
		return compareOp(cmpFloat(a, b), op), nil
	}
	a := asString(v)
	b, ok := want.(string)
	if !ok {
		b = formatNumber(want)
	}
	switch op {
	case "like", "ilike", "=like", "=ilike":
		return likeMatch(a, b, op), nil
	}
	if f.Type == "datetime" {
		// the stored value keeps its microseconds: write_date > 'S' matches S.5, = 'S' does not
		return compareOp(strings.Compare(datetimeKey(a, ""), datetimeKey(b, op)), op), nil
	}
	return compareOp(strings.Compare(a, b), op), nil
}

func formatNumber(v any) string {
	switch x := v.(type) {
	case int64:
		return pyRepr(x)
	case float64:
		return formatDouble(x)
	case string:
		return x
	}
	return pyRepr(v)
}

func w2s(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return formatNumber(v)
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func compareOp(c int, op string) bool {
	switch op {
	case "=":
		return c == 0
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	case ">=":
		return c >= 0
	}
	return false
}

var likeCache = map[string]*regexp.Regexp{}

// likeMatch implements SQL LIKE/ILIKE the way Odoo builds them ("like" wraps the value in %…%).
func likeMatch(value, pattern, op string) bool {
	if op == "like" || op == "ilike" {
		pattern = "%" + pattern + "%"
	}
	key := op + "\x00" + pattern
	re := likeCache[key]
	if re == nil {
		var b strings.Builder
		b.WriteString("^(?s)")
		if op == "ilike" || op == "=ilike" {
			b.WriteString("(?i)")
		}
		for _, ch := range pattern {
			switch ch {
			case '%':
				b.WriteString(".*")
			case '_':
				b.WriteString(".")
			default:
				b.WriteString(regexp.QuoteMeta(string(ch)))
			}
		}
		b.WriteString("$")
		re = regexp.MustCompile(b.String())
		likeCache[key] = re
	}
	return re.MatchString(value)
}

func (s *Server) evalRelational(e *env, f *fieldDef, r *record, v any, op string, want any) (bool, error) {
	ids := toIDs(v)
	if f.Type == "many2one" {
		if asInt(v) == 0 {
			ids = nil
		}
	}
	rel := s.models[f.Relation]
	switch op {
	case "child_of", "parent_of":
		targets := toIDs(toList(want))
		parentField := "parent_id"
		if rel.fields[parentField] == nil {
			return containsAny(ids, targets), nil
		}
		for _, id := range ids {
			for cur, guard := id, 0; cur != 0 && guard < 100; guard++ {
				if containsID(targets, cur) {
					return true, nil
				}
				if op == "parent_of" {
					break
				}
				c := rel.recs[cur]
				if c == nil {
					break
				}
				cur = asInt(c.Vals[parentField])
			}
			if op == "parent_of" {
				for _, t := range targets {
					for cur, guard := t, 0; cur != 0 && guard < 100; guard++ {
						if cur == id {
							return true, nil
						}
						c := rel.recs[cur]
						if c == nil {
							break
						}
						cur = asInt(c.Vals[parentField])
					}
				}
			}
		}
		return false, nil
	}
	list := toList(want)
	if op == "=" || op == "in" {
		if op == "=" && (want == false || want == nil) {
			return len(ids) == 0, nil
		}
		for _, w := range list {
			switch x := w.(type) {
			case bool:
				if !x && len(ids) == 0 {
					return true, nil
				}
			case nil:
				if len(ids) == 0 {
					return true, nil
				}
			case int64:
				if containsID(ids, x) {
					return true, nil
				}
			case float64:
				if containsID(ids, int64(x)) {
					return true, nil
				}
			case string:
				for _, id := range ids {
					if s.displayName(e.sudo(), rel, id) == x {
						return true, nil
					}
				}
			default:
				return false, valueError("Invalid value %s for relational field %s", pyRepr(w), f.Name)
			}
		}
		return false, nil
	}
	// like/ilike/=like/=ilike and comparisons against the display name
	str, ok := want.(string)
	if !ok {
		if want == false && len(ids) == 0 {
			return false, nil
		}
		if n, ok := want.(int64); ok {
			for _, id := range ids {
				if compareOp(cmpFloat(float64(id), float64(n)), op) {
					return true, nil
				}
			}
			return false, nil
		}
		return false, valueError("Invalid value %s for relational field %s", pyRepr(want), f.Name)
	}
	for _, id := range ids {
		name := s.displayName(e.sudo(), rel, id)
		switch op {
		case "like", "ilike", "=like", "=ilike":
			if likeMatch(name, str, op) {
				return true, nil
			}
		default:
			if compareOp(strings.Compare(name, str), op) {
				return true, nil
			}
		}
	}
	return false, nil
}

func containsAny(a, b []int64) bool {
	for _, x := range a {
		if containsID(b, x) {
			return true
		}
	}
	return false
}
