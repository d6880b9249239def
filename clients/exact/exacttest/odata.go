package exacttest

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// This file holds the OData v2 subset Exact understands: the $filter lexer,
// parser, static type check and evaluator, and typed literals (also used for
// $skiptoken).

type tokKind int

const (
	tokEOF tokKind = iota
	tokIdent
	tokString
	tokTyped // guid'…', datetime'…'
	tokNumber
	tokLParen
	tokRParen
	tokComma
)

type token struct {
	kind   tokKind
	text   string // identifier, decoded string, number text, typed prefix
	lit    string // typed literal body
	pos    int
	suffix byte // number suffix L, M, D, F or 0
}

func lex(s string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(':
			toks = append(toks, token{kind: tokLParen, pos: i})
			i++
		case c == ')':
			toks = append(toks, token{kind: tokRParen, pos: i})
			i++
		case c == ',':
			toks = append(toks, token{kind: tokComma, pos: i})
			i++
		case c == '\'':
			str, n, err := lexQuoted(s, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{kind: tokString, text: str, pos: i})
			i = n
		case c == '-' || c == '.' || (c >= '0' && c <= '9'):
			start := i
			if c == '-' {
				i++
			}
			for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.' || s[i] == 'E' || s[i] == 'e' ||
				((s[i] == '+' || s[i] == '-') && (s[i-1] == 'E' || s[i-1] == 'e'))) {
				i++
			}
			t := token{kind: tokNumber, text: s[start:i], pos: start}
			if i < len(s) && strings.IndexByte("LlMmDdFf", s[i]) >= 0 {
				t.suffix = byte(strings.ToUpper(string(s[i]))[0])
				i++
			}
			if t.text == "-" || t.text == "." {
				return nil, syntaxErr(start, "Syntax error at position %d.", start)
			}
			toks = append(toks, t)
		case isIdentStart(c):
			start := i
			for i < len(s) && isIdentChar(s[i]) {
				i++
			}
			word := s[start:i]
			if i < len(s) && s[i] == '\'' {
				switch strings.ToLower(word) {
				case "guid", "datetime", "datetimeoffset", "time", "x", "binary":
					body, n, err := lexQuoted(s, i)
					if err != nil {
						return nil, err
					}
					toks = append(toks, token{kind: tokTyped, text: strings.ToLower(word), lit: body, pos: start})
					i = n
					continue
				}
				return nil, syntaxErr(start, "Unrecognized '%s' literal at position %d.", word, start)
			}
			toks = append(toks, token{kind: tokIdent, text: word, pos: start})
		default:
			return nil, syntaxErr(i, "Syntax error: character '%c' is not valid at position %d.", c, i)
		}
	}
	toks = append(toks, token{kind: tokEOF, pos: len(s)})
	return toks, nil
}

func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isIdentChar(c byte) bool {
	return isIdentStart(c) || (c >= '0' && c <= '9') || c == '/'
}

// lexQuoted reads a quoted literal starting at s[i]; two quotes in a row escape one.
func lexQuoted(s string, i int) (string, int, error) {
	start := i
	i++
	var b strings.Builder
	for {
		if i >= len(s) {
			return "", 0, syntaxErr(start, "There is an unterminated string literal at position %d in '%s'.", start, s)
		}
		if s[i] == '\'' {
			if i+1 < len(s) && s[i+1] == '\'' {
				b.WriteByte('\'')
				i += 2
				continue
			}
			return b.String(), i + 1, nil
		}
		b.WriteByte(s[i])
		i++
	}
}

func syntaxErr(_ int, format string, args ...any) error {
	return badRequest(fmt.Sprintf(format, args...))
}

// kind is the static type of a filter expression.
type kind int

const (
	kNull kind = iota
	kString
	kGuid
	kNum
	kDate
	kBool
	kBinary
)

func (k kind) edm() string {
	return [...]string{"<null>", "System.String", "System.Guid", "System.Decimal", "System.DateTime", "System.Boolean", "System.Byte[]"}[k]
}

func kindOf(t ftype) kind {
	switch t {
	case tString:
		return kString
	case tGuid:
		return kGuid
	case tInt32, tInt64, tDouble:
		return kNum
	case tDate:
		return kDate
	case tBool:
		return kBool
	case tBinary:
		return kBinary
	}
	return kNull
}

// guidVal is an evaluated Guid (lower case).
type guidVal string

type expr interface {
	kind() kind
	eval(r record) any
}

type propExpr struct{ f *field }

func (p propExpr) kind() kind { return kindOf(p.f.typ) }
func (p propExpr) eval(r record) any {
	v := r[p.f.name]
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		if p.f.typ == tGuid {
			return guidVal(strings.ToLower(x))
		}
		return x
	case int64:
		return decimal.NewFromInt(x)
	case int:
		return decimal.NewFromInt(int64(x))
	}
	return v
}

type litExpr struct {
	k kind
	v any
}

func (l litExpr) kind() kind      { return l.k }
func (l litExpr) eval(record) any { return l.v }

type binExpr struct {
	op   string
	l, r expr
}

func (b binExpr) kind() kind { return kBool }
func (b binExpr) eval(r record) any {
	switch b.op {
	case "and":
		return truthy(b.l.eval(r)) && truthy(b.r.eval(r))
	case "or":
		return truthy(b.l.eval(r)) || truthy(b.r.eval(r))
	}
	lv, rv := b.l.eval(r), b.r.eval(r)
	if lv == nil || rv == nil {
		switch b.op {
		case "eq":
			return lv == nil && rv == nil
		case "ne":
			return !(lv == nil && rv == nil)
		}
		return false
	}
	c := compareValues(lv, rv)
	switch b.op {
	case "eq":
		return c == 0
	case "ne":
		return c != 0
	case "gt":
		return c > 0
	case "ge":
		return c >= 0
	case "lt":
		return c < 0
	case "le":
		return c <= 0
	}
	return false
}

type notExpr struct{ x expr }

func (n notExpr) kind() kind        { return kBool }
func (n notExpr) eval(r record) any { return !truthy(n.x.eval(r)) }

type callExpr struct {
	fn   string
	args []expr
	k    kind
}

func (c callExpr) kind() kind { return c.k }
func (c callExpr) eval(r record) any {
	vals := make([]any, len(c.args))
	for i, a := range c.args {
		vals[i] = a.eval(r)
		if vals[i] == nil {
			if c.k == kBool {
				return false
			}
			return nil
		}
	}
	str := func(i int) string { s, _ := vals[i].(string); return s }
	switch c.fn {
	case "trim":
		return strings.TrimSpace(str(0))
	case "tolower":
		return strings.ToLower(str(0))
	case "toupper":
		return strings.ToUpper(str(0))
	case "length":
		return decimal.NewFromInt(int64(len([]rune(str(0)))))
	case "substringof":
		return strings.Contains(strings.ToLower(str(1)), strings.ToLower(str(0)))
	case "startswith":
		return strings.HasPrefix(strings.ToLower(str(0)), strings.ToLower(str(1)))
	case "endswith":
		return strings.HasSuffix(strings.ToLower(str(0)), strings.ToLower(str(1)))
	}
	return nil
}

func truthy(v any) bool { b, _ := v.(bool); return b }

// sqlString normalises a string the way SQL Server's default collation
// compares: case-insensitive, trailing spaces ignored (leading spaces matter).
func sqlString(s string) string { return strings.ToLower(strings.TrimRight(s, " ")) }

// compareValues compares two non-nil evaluated values of compatible kinds.
func compareValues(a, b any) int {
	switch x := a.(type) {
	case string:
		y, _ := b.(string)
		return strings.Compare(sqlString(x), sqlString(y))
	case guidVal:
		y, _ := b.(guidVal)
		return strings.Compare(string(x), string(y))
	case decimal.Decimal:
		y, _ := b.(decimal.Decimal)
		return x.Cmp(y)
	case time.Time:
		y, _ := b.(time.Time)
		return x.Compare(y)
	case bool:
		y, _ := b.(bool)
		switch {
		case x == y:
			return 0
		case !x:
			return -1
		}
		return 1
	}
	return 0
}

// compareNullable orders nil before everything else.
func compareNullable(a, b any) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return compareValues(a, b)
}

type parser struct {
	toks  []token
	i     int
	es    *entitySet
	src   string
	props map[string]bool
}

func parseFilter(es *entitySet, src string) (expr, map[string]bool, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, nil, err
	}
	p := &parser{toks: toks, es: es, src: src, props: map[string]bool{}}
	e, err := p.parseOr()
	if err != nil {
		return nil, nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		return nil, nil, badRequest(fmt.Sprintf("Syntax error at position %d in '%s'.", t.pos, src))
	}
	if e.kind() != kBool {
		return nil, nil, badRequest(fmt.Sprintf("Expression of type '%s' expected to be of type 'System.Boolean'.", e.kind().edm()))
	}
	return e, p.props, nil
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token { t := p.toks[p.i]; p.i++; return t }

func (p *parser) isWord(w string) bool {
	t := p.peek()
	return t.kind == tokIdent && t.text == w
}

func (p *parser) parseOr() (expr, error) {
	l, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	for p.isWord("or") {
		t := p.next()
		r, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		if err := p.needBool("or", t.pos, l, r); err != nil {
			return nil, err
		}
		l = binExpr{op: "or", l: l, r: r}
	}
	return l, nil
}

func (p *parser) parseAnd() (expr, error) {
	l, err := p.parseNot()
	if err != nil {
		return nil, err
	}
	for p.isWord("and") {
		t := p.next()
		r, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		if err := p.needBool("and", t.pos, l, r); err != nil {
			return nil, err
		}
		l = binExpr{op: "and", l: l, r: r}
	}
	return l, nil
}

func (p *parser) needBool(op string, pos int, es ...expr) error {
	for _, e := range es {
		if e.kind() != kBool {
			return badRequest(fmt.Sprintf("Operator '%s' incompatible with operand type '%s' at position %d.", op, e.kind().edm(), pos))
		}
	}
	return nil
}

func (p *parser) parseNot() (expr, error) {
	if p.isWord("not") {
		t := p.next()
		x, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		if err := p.needBool("not", t.pos, x); err != nil {
			return nil, err
		}
		return notExpr{x: x}, nil
	}
	return p.parseCmp()
}

var cmpOps = map[string]bool{"eq": true, "ne": true, "gt": true, "ge": true, "lt": true, "le": true}

func (p *parser) parseCmp() (expr, error) {
	l, err := p.parsePrimary()
	if err != nil {
		return nil, err
	}
	t := p.peek()
	if t.kind != tokIdent || !cmpOps[t.text] {
		return l, nil
	}
	p.next()
	r, err := p.parsePrimary()
	if err != nil {
		return nil, err
	}
	lk, rk := l.kind(), r.kind()
	if lk != kNull && rk != kNull && lk != rk {
		return nil, badRequest(fmt.Sprintf("Operator '%s' incompatible with operand types '%s' and '%s' at position %d.", t.text, lk.edm(), rk.edm(), t.pos))
	}
	if t.text != "eq" && t.text != "ne" && (lk == kNull || rk == kNull || lk == kBinary) {
		return nil, badRequest(fmt.Sprintf("Operator '%s' incompatible with operand types '%s' and '%s' at position %d.", t.text, lk.edm(), rk.edm(), t.pos))
	}
	return binExpr{op: t.text, l: l, r: r}, nil
}

var funcs = map[string]struct {
	args []kind
	out  kind
}{
	"trim":        {[]kind{kString}, kString},
	"tolower":     {[]kind{kString}, kString},
	"toupper":     {[]kind{kString}, kString},
	"length":      {[]kind{kString}, kNum},
	"substringof": {[]kind{kString, kString}, kBool},
	"startswith":  {[]kind{kString, kString}, kBool},
	"endswith":    {[]kind{kString, kString}, kBool},
}

func (p *parser) parsePrimary() (expr, error) {
	t := p.next()
	switch t.kind {
	case tokLParen:
		e, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if c := p.next(); c.kind != tokRParen {
			return nil, badRequest(fmt.Sprintf("')' or operator expected at position %d in '%s'.", c.pos, p.src))
		}
		return e, nil
	case tokString:
		return litExpr{k: kString, v: t.text}, nil
	case tokNumber, tokTyped:
		return literalExpr(t)
	case tokIdent:
		switch t.text {
		case "true":
			return litExpr{k: kBool, v: true}, nil
		case "false":
			return litExpr{k: kBool, v: false}, nil
		case "null":
			return litExpr{k: kNull}, nil
		}
		if p.peek().kind == tokLParen {
			fn, ok := funcs[t.text]
			if !ok {
				return nil, badRequest(fmt.Sprintf("Unknown function '%s' at position %d.", t.text, t.pos))
			}
			p.next()
			var args []expr
			for {
				a, err := p.parseOr()
				if err != nil {
					return nil, err
				}
				args = append(args, a)
				c := p.next()
				if c.kind == tokRParen {
					break
				}
				if c.kind != tokComma {
					return nil, badRequest(fmt.Sprintf("')' or ',' expected at position %d in '%s'.", c.pos, p.src))
				}
			}
			if len(args) != len(fn.args) {
				return nil, badRequest(fmt.Sprintf("No applicable function found for '%s' at position %d with the specified arguments.", t.text, t.pos))
			}
			for i, a := range args {
				if a.kind() != fn.args[i] && a.kind() != kNull {
					return nil, badRequest(fmt.Sprintf("No applicable function found for '%s' at position %d with the specified arguments. The functions considered are: %s(System.String).", t.text, t.pos, t.text))
				}
			}
			return callExpr{fn: t.text, args: args, k: fn.out}, nil
		}
		f := p.es.field(t.text)
		if f == nil || f.typ == tNav {
			return nil, badRequest(fmt.Sprintf("No property '%s' exists in type '%s' at position %d.", t.text, p.es.typeName, t.pos))
		}
		p.props[f.name] = true
		return propExpr{f: f}, nil
	}
	return nil, badRequest(fmt.Sprintf("Expression expected at position %d in '%s'.", t.pos, p.src))
}

// literalExpr converts a number or typed literal token into a literal.
func literalExpr(t token) (expr, error) {
	v, k, err := literalValue(t)
	if err != nil {
		return nil, err
	}
	return litExpr{k: k, v: v}, nil
}

func literalValue(t token) (any, kind, error) {
	switch t.kind {
	case tokString:
		return t.text, kString, nil
	case tokNumber:
		txt := t.text
		if t.suffix == 'L' && strings.ContainsAny(txt, ".eE") {
			return nil, kNull, badRequest(fmt.Sprintf("Unrecognized 'Edm.Int64' literal '%sL' at position %d.", txt, t.pos))
		}
		d, err := decimal.NewFromString(txt)
		if err != nil {
			return nil, kNull, badRequest(fmt.Sprintf("Unrecognized numeric literal '%s' at position %d.", txt, t.pos))
		}
		if t.suffix == 0 && !strings.ContainsAny(txt, ".eE") {
			if _, err := strconv.ParseInt(txt, 10, 32); err != nil {
				return nil, kNull, badRequest(fmt.Sprintf("Unrecognized 'Edm.Int32' literal '%s' at position %d.", txt, t.pos))
			}
		}
		return d, kNum, nil
	case tokIdent:
		switch t.text {
		case "true":
			return true, kBool, nil
		case "false":
			return false, kBool, nil
		case "null":
			return nil, kNull, nil
		}
	case tokTyped:
		switch t.text {
		case "guid":
			g, ok := parseGuid(t.lit)
			if !ok {
				return nil, kNull, badRequest("Niet herkende GUID-indeling.")
			}
			return guidVal(g), kGuid, nil
		case "datetime", "datetimeoffset":
			tm, ok := parseODataTime(t.lit)
			if !ok {
				return nil, kNull, badRequest(fmt.Sprintf("Unrecognized 'Edm.DateTime' literal '%s'%s'' at position %d.", t.text, t.lit, t.pos))
			}
			return tm, kDate, nil
		}
	}
	return nil, kNull, badRequest(fmt.Sprintf("Unrecognized literal at position %d.", t.pos))
}

// parseODataTime accepts the datetime'…' body forms (no zone shift: Exact
// times are floating local times).
func parseODataTime(s string) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02T15:04:05.9999999", "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC), true
	}
	return time.Time{}, false
}

// parseGuid validates and canonicalises a GUID (8-4-4-4-12 hex, optional braces).
func parseGuid(s string) (string, bool) {
	s = strings.TrimSuffix(strings.TrimPrefix(s, "{"), "}")
	if len(s) != 36 {
		return "", false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return "", false
			}
			continue
		}
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return "", false
		}
	}
	return strings.ToLower(s), true
}

// parseLiteralList parses a comma separated list of literals ($skiptoken, keys).
func parseLiteralList(s string) ([]any, error) {
	toks, err := lex(s)
	if err != nil {
		return nil, err
	}
	var out []any
	for i := 0; ; {
		t := toks[i]
		if t.kind == tokEOF {
			return nil, badRequest("Literal expected in '" + s + "'.")
		}
		v, _, err := literalValue(t)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		i++
		switch toks[i].kind {
		case tokEOF:
			return out, nil
		case tokComma:
			i++
		default:
			return nil, badRequest("Bad literal list '" + s + "'.")
		}
	}
}

// formatLiteral writes v (a stored record value of field f) as an OData literal.
func formatLiteral(f *field, v any) string {
	if v == nil {
		return "null"
	}
	switch f.typ {
	case tGuid:
		return "guid'" + v.(string) + "'"
	case tString:
		return "'" + strings.ReplaceAll(v.(string), "'", "''") + "'"
	case tInt32:
		return strconv.FormatInt(v.(int64), 10)
	case tInt64:
		return strconv.FormatInt(v.(int64), 10) + "L"
	case tDouble:
		return v.(decimal.Decimal).String() + "M"
	case tBool:
		return strconv.FormatBool(v.(bool))
	case tDate:
		return "datetime'" + v.(time.Time).UTC().Format("2006-01-02T15:04:05.999") + "'"
	}
	return fmt.Sprint(v)
}

// evalStored converts a stored value to its evaluated form for comparisons.
func evalStored(f *field, v any) any { return propExpr{f: f}.eval(record{f.name: v}) }
