package conformance

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Normalizer masks what differs from run to run and server to server, so that recordings of two
// runs can be compared: credentials, the database, record ids, dates and datetimes, move names
// (INV/2026/00001, BILL/2026/12/0001), the run's unique suffix and attachment contents.
// The shape of every value is kept: a masked id is "<id>", a date "<date>", a datetime
// "<datetime>"; other integers, floats, booleans and strings stay as they are.
type Normalizer struct {
	Secrets  []string // API keys and passwords, masked wherever they appear
	Database string
	Login    string
	Run      string // the run's unique suffix (see Options.Run)
}

var (
	reDate       = regexp.MustCompile(`^\d{4}-\d\d-\d\d$`)
	reDatetime   = regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$`)
	reMoveName   = regexp.MustCompile(`\b[A-Z][A-Z0-9]*/\d{4}/(\d\d/)?\d{4,}\b`)
	reMoveFile   = regexp.MustCompile(`\b[A-Z][A-Z0-9]*_\d{4}_(\d\d_)?\d{4,}\b`)
	reInDatetime = regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?`)
	reInDate     = regexp.MustCompile(`\b\d{4}-\d\d-\d\d\b`)
	reIDParen    = regexp.MustCompile(`\(id \d+\)`)
	reRecordset  = regexp.MustCompile(`\b([a-z_0-9]+(?:\.[a-z_0-9]+)+)\(\d+(?:, ?\d+)*,?\)`)
	reUser       = regexp.MustCompile(`User: \d+`)
	reWebContent = regexp.MustCompile(`/web/content/\d+`)
	reFileLine   = regexp.MustCompile(`File "[^"]*", line \d+`)
)

// text masks the variable parts of free text (fault messages, names, URLs).
func (n *Normalizer) text(s string) string {
	for _, sec := range n.Secrets {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, "<api-key>")
		}
	}
	if n.Run != "" {
		s = strings.ReplaceAll(s, n.Run, "<run>")
	}
	s = reMoveName.ReplaceAllString(s, "<move-name>")
	s = reMoveFile.ReplaceAllString(s, "<move-name>")
	s = reInDatetime.ReplaceAllString(s, "<datetime>")
	s = reInDate.ReplaceAllString(s, "<date>")
	s = reIDParen.ReplaceAllString(s, "(id <id>)")
	s = reRecordset.ReplaceAllString(s, "$1(<ids>)")
	s = reUser.ReplaceAllString(s, "User: <uid>")
	s = reWebContent.ReplaceAllString(s, "/web/content/<id>")
	s = reFileLine.ReplaceAllString(s, `File "<file>", line <n>`)
	return s
}

// str masks one string value.
func (n *Normalizer) str(s, key string) string {
	switch {
	case s == "":
		return s
	case key == "datas" || key == "raw":
		return "<base64>"
	case n.Database != "" && s == n.Database:
		return "<db>"
	case n.Login != "" && s == n.Login:
		return "<login>"
	case reDate.MatchString(s):
		return "<date>"
	case reDatetime.MatchString(s):
		return "<datetime>"
	}
	return n.text(s)
}

// idKey reports whether integers under a mapping key are record ids.
func idKey(k string) bool {
	return k == "id" || k == "res_id" || k == "active_id" || strings.HasSuffix(k, "_id") || strings.HasSuffix(k, "_ids")
}

var domainOps = map[string]bool{
	"=": true, "!=": true, "<>": true, "<": true, "<=": true, ">": true, ">=": true, "in": true, "not in": true,
	"like": true, "ilike": true, "not like": true, "not ilike": true, "=like": true, "=ilike": true, "child_of": true, "parent_of": true,
}

// value normalises a decoded value; hint "id" says integers in it are record ids.
func (n *Normalizer) value(v any, hint string) any {
	switch x := v.(type) {
	case int64:
		if hint == "id" && x > 0 {
			return "<id>"
		}
		return x
	case int:
		return n.value(int64(x), hint)
	case float64:
		return jsonFloat(x)
	case string:
		return n.str(x, hint)
	case []any:
		out := make([]any, len(x))
		// many2one: [id, "display name"]
		if len(x) == 2 {
			if _, ok := x[0].(int64); ok {
				if _, ok := x[1].(string); ok {
					return []any{n.value(x[0], "id"), n.str(x[1].(string), "")}
				}
			}
		}
		// domain leaf: [field, operator, value]
		if len(x) == 3 {
			f, fok := x[0].(string)
			op, ook := x[1].(string)
			if fok && ook && domainOps[op] {
				h := ""
				if idKey(lastPart(f)) {
					h = "id"
				}
				return []any{f, op, n.value(x[2], h)}
			}
			// x2many command: [code, id, vals or ids]
			if code, ok := x[0].(int64); ok && hint == "id" && code >= 0 && code <= 6 {
				return []any{code, n.value(x[1], "id"), n.value(x[2], "id")}
			}
		}
		for i, e := range x {
			out[i] = n.value(e, hint)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			h := ""
			if idKey(k) {
				h = "id"
			}
			if k == "datas" || k == "raw" {
				h = k
			}
			if n.Run != "" {
				k = strings.ReplaceAll(k, n.Run, "<run>") // custom field names
			}
			out[k] = n.value(e, h)
		}
		return out
	}
	return v
}

func lastPart(path string) string {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[i+1:]
	}
	return path
}

// args normalises execute_kw's positional arguments: a leading list of ints is the record ids.
func (n *Normalizer) args(v any) any {
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return n.value(v, "")
	}
	out := make([]any, len(list))
	for i, a := range list {
		h := ""
		if i == 0 && isIDs(a) {
			h = "id"
		}
		out[i] = n.value(a, h)
	}
	return out
}

func isIDs(v any) bool {
	switch x := v.(type) {
	case int64:
		return true
	case []any:
		for _, e := range x {
			if _, ok := e.(int64); !ok {
				return false
			}
		}
		return true
	}
	return false
}

// result normalises an answer; the results of create, search and authenticate are ids.
func (n *Normalizer) result(model, method string, v any) any {
	switch method {
	case "create", "search", "authenticate", "name_create":
		return n.value(v, "id")
	}
	return n.value(v, "")
}

// fault keeps a fault's code, its exception (the last traceback line of fault 1) and its masked
// message.
func (n *Normalizer) fault(code, faultString any) *Fault {
	s, _ := faultString.(string)
	f := &Fault{Code: code}
	if c, ok := code.(string); ok {
		f.Code = n.text(c)
	}
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "Traceback (most recent call last):") {
		lines := strings.Split(s, "\n")
		last := strings.TrimSpace(lines[len(lines)-1])
		if exc, msg, ok := strings.Cut(last, ": "); ok && !strings.Contains(exc, " ") {
			f.Exception, s = exc, msg
		} else {
			s = last
		}
	}
	f.Message = n.text(s)
	return f
}

// jsonFloat is a float that keeps its decimal point in JSON, so that a recording tells a float
// 100.0 from an integer 100.
type jsonFloat float64

func (f jsonFloat) MarshalJSON() ([]byte, error) {
	s := strconv.FormatFloat(float64(f), 'g', -1, 64)
	if !strings.ContainsAny(s, ".eEnN") {
		s += ".0"
	}
	if strings.ContainsAny(s, "nN") {
		return nil, fmt.Errorf("conformance: cannot record %v", float64(f))
	}
	return []byte(s), nil
}
