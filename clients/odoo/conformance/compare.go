package conformance

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Compare lists how got (a replay) differs from want (a recording of real Odoo), exchange by
// exchange: the same steps, in each step the same calls (model, method, the shape of their
// arguments) and the same answers: the same kind (value, fault), the same fault code, exception
// and masked message, and values of the same shape. Shapes compare types, the key sets of
// mappings (field values may be false on one side: data differs between databases) and the
// element shape of lists, never their length. Exchanges of an unordered step are compared after
// sorting both sides by answer.
func Compare(want, got *Recording) []string {
	var diffs []string
	n := len(want.Steps)
	if len(got.Steps) != n {
		diffs = append(diffs, fmt.Sprintf("recorded %d steps, replayed %d", n, len(got.Steps)))
		n = min(n, len(got.Steps))
	}
	for i := 0; i < n; i++ {
		w, g := want.Steps[i], got.Steps[i]
		label := fmt.Sprintf("step %d %q", i+1, w.Name)
		if w.Name != g.Name {
			diffs = append(diffs, fmt.Sprintf("%s: replayed step is %q", label, g.Name))
			continue
		}
		we, ge := w.Exchanges, g.Exchanges
		if w.Unordered {
			we, ge = sortedByAnswer(we), sortedByAnswer(ge)
		}
		if len(we) != len(ge) {
			diffs = append(diffs, fmt.Sprintf("%s: recorded %d calls (%s), replayed %d (%s)", label, len(we), calls(we), len(ge), calls(ge)))
		}
		for j := 0; j < min(len(we), len(ge)); j++ {
			diffs = append(diffs, compareExchange(fmt.Sprintf("%s, call %d %s", label, j+1, callName(we[j])), we[j], ge[j])...)
		}
	}
	return diffs
}

func callName(ex Exchange) string {
	if ex.Model != "" {
		return ex.Model + "." + ex.Method
	}
	return ex.Service + "." + ex.Method
}

func calls(exs []Exchange) string {
	names := make([]string, len(exs))
	for i, ex := range exs {
		names[i] = callName(ex)
	}
	return strings.Join(names, ", ")
}

func sortedByAnswer(exs []Exchange) []Exchange {
	out := append([]Exchange(nil), exs...)
	key := func(ex Exchange) string {
		k := callName(ex) + " " + ex.Answer.Kind
		if ex.Answer.Fault != nil {
			k += " " + ex.Answer.Fault.Message
		}
		return k
	}
	sort.SliceStable(out, func(i, j int) bool { return key(out[i]) < key(out[j]) })
	return out
}

func compareExchange(label string, w, g Exchange) []string {
	var diffs []string
	if callName(w) != callName(g) || w.Transport != g.Transport {
		return []string{fmt.Sprintf("%s: replayed %s %s", label, g.Transport, callName(g))}
	}
	diffs = append(diffs, diffShapes(label+": args", shapeOf(w.Args, false), shapeOf(g.Args, false))...)
	diffs = append(diffs, diffShapes(label+": kwargs", shapeOf(w.Kwargs, false), shapeOf(g.Kwargs, false))...)
	if w.Status != g.Status {
		diffs = append(diffs, fmt.Sprintf("%s: HTTP status %d recorded, %d replayed", label, w.Status, g.Status))
	}
	wa, ga := w.Answer, g.Answer
	if wa.Kind != ga.Kind {
		return append(diffs, fmt.Sprintf("%s: real Odoo answered %s, the simulator %s", label, describe(wa), describe(ga)))
	}
	if wa.Kind == "fault" {
		if describe(wa) != describe(ga) {
			diffs = append(diffs, fmt.Sprintf("%s: real Odoo answered %s, the simulator %s", label, describe(wa), describe(ga)))
		}
		return diffs
	}
	dynamic := w.Method == "fields_get"
	return append(diffs, diffShapes(label+": answer", shapeOf(wa.Value, dynamic), shapeOf(ga.Value, dynamic))...)
}

func describe(a Answer) string {
	switch a.Kind {
	case "fault":
		f := a.Fault
		exc := ""
		if f.Exception != "" {
			exc = " " + f.Exception
		}
		return fmt.Sprintf("fault %v%s %q", f.Code, exc, f.Message)
	case "value":
		b, _ := json.Marshal(a.Value)
		s := string(b)
		if len(s) > 120 {
			s = s[:120] + "…"
		}
		return "value " + s
	}
	return fmt.Sprintf("%s %v", a.Kind, a.Value)
}

// shape is the type structure of a value; list elements and the values of dynamic mappings
// (keyed by data, not by field: fields_get, analytic distributions) are merged.
type shape struct {
	kinds  map[string]bool
	elem   *shape
	fields map[string]*shape
	dict   *shape
	// partial mappings (fields_get's, keyed by the fields each server has) compare only the keys
	// both sides have.
	partial bool
}

func shapeOf(v any, dynamic bool) *shape {
	s := &shape{kinds: map[string]bool{}}
	switch x := v.(type) {
	case nil:
		s.kinds["null"] = true
	case bool:
		if x {
			s.kinds["true"] = true
		} else {
			s.kinds["false"] = true
		}
	case json.Number:
		if strings.ContainsAny(x.String(), ".eE") {
			s.kinds["float"] = true
		} else {
			s.kinds["int"] = true
		}
	case string:
		switch x {
		case "<id>", "<date>", "<datetime>":
			s.kinds[strings.Trim(x, "<>")] = true
		case "":
			s.kinds["empty string"] = true
		default:
			s.kinds["string"] = true
		}
	case []any:
		s.kinds["list"] = true
		for _, e := range x {
			s.elem = merge(s.elem, shapeOf(e, false))
		}
	case map[string]any:
		if dynamic {
			s.kinds["map"] = true
			s.partial = true
			s.fields = map[string]*shape{}
			for k, e := range x {
				s.fields[k] = shapeOf(e, false)
			}
			break
		}
		if numericKeys(x) {
			s.kinds["dict"] = true
			for _, e := range x {
				s.dict = merge(s.dict, shapeOf(e, false))
			}
			break
		}
		s.kinds["map"] = true
		s.fields = map[string]*shape{}
		for k, e := range x {
			s.fields[k] = shapeOf(e, false)
		}
	default:
		s.kinds[fmt.Sprintf("%T", v)] = true
	}
	return s
}

func numericKeys(m map[string]any) bool {
	if len(m) == 0 {
		return false
	}
	for k := range m {
		if strings.Trim(k, "0123456789,") != "" {
			return false
		}
	}
	return true
}

func merge(a, b *shape) *shape {
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	out := &shape{kinds: map[string]bool{}}
	for k := range a.kinds {
		out.kinds[k] = true
	}
	for k := range b.kinds {
		out.kinds[k] = true
	}
	out.elem = merge(a.elem, b.elem)
	out.dict = merge(a.dict, b.dict)
	out.partial = a.partial || b.partial
	if a.fields != nil || b.fields != nil {
		out.fields = map[string]*shape{}
		for k, v := range a.fields {
			out.fields[k] = v
		}
		for k, v := range b.fields {
			out.fields[k] = merge(out.fields[k], v)
		}
	}
	return out
}

func diffShapes(path string, w, g *shape) []string {
	var out []string
	walkDiff(path, w, g, false, &out)
	return out
}

// walkDiff compares shapes; loose (the value of a record's field) lets false stand for any type.
func walkDiff(path string, w, g *shape, loose bool, out *[]string) {
	wk, gk := kindList(w, loose), kindList(g, loose)
	if !(loose && (len(wk) == 0 || len(gk) == 0)) && strings.Join(wk, "|") != strings.Join(gk, "|") {
		*out = append(*out, fmt.Sprintf("%s: recorded %s, replayed %s", path, strings.Join(kindList(w, false), " or "), strings.Join(kindList(g, false), " or ")))
		return
	}
	if w.elem != nil && g.elem != nil {
		walkDiff(path+"[]", w.elem, g.elem, false, out)
	}
	if w.dict != nil && g.dict != nil {
		walkDiff(path+"{}", w.dict, g.dict, true, out)
	}
	if w.fields != nil && g.fields != nil {
		var missing, extra []string
		for k := range w.fields {
			if _, ok := g.fields[k]; !ok {
				missing = append(missing, k)
			}
		}
		for k := range g.fields {
			if _, ok := w.fields[k]; !ok {
				extra = append(extra, k)
			}
		}
		sort.Strings(missing)
		sort.Strings(extra)
		if w.partial || g.partial {
			missing, extra = nil, nil
		}
		if len(missing) > 0 {
			*out = append(*out, fmt.Sprintf("%s: keys %v missing from the replay", path, missing))
		}
		if len(extra) > 0 {
			*out = append(*out, fmt.Sprintf("%s: replay has keys %v that real Odoo has not", path, extra))
		}
		keys := make([]string, 0, len(w.fields))
		for k := range w.fields {
			if _, ok := g.fields[k]; ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			walkDiff(path+"."+k, w.fields[k], g.fields[k], !w.partial, out)
		}
	}
}

func kindList(s *shape, loose bool) []string {
	var ks []string
	for k := range s.kinds {
		if loose && k == "false" {
			continue
		}
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
