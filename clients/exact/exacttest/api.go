package exacttest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

type apiRequest struct {
	s    *Server
	d    *division
	es   *entitySet
	r    *http.Request
	base string
	key  string
	nav  string
	body []byte
	resp *response
}

func (q *apiRequest) fail(err error) { q.resp.errorFrom(err) }

func (q *apiRequest) methodNotAllowed() {
	q.resp.json(405, envelope("The requested resource does not support http method '"+q.r.Method+"'."))
}

func (q *apiRequest) serve() {
	switch q.r.Method {
	case http.MethodGet:
		if !q.es.get {
			q.methodNotAllowed()
			return
		}
		if q.key != "" {
			q.getOne()
			return
		}
		q.getMany()
	case http.MethodPost:
		if !q.es.post || q.key != "" {
			q.methodNotAllowed()
			return
		}
		q.create()
	case http.MethodPut:
		if !q.es.put || q.key == "" {
			q.methodNotAllowed()
			return
		}
		q.update()
	case http.MethodDelete:
		if !q.es.del || q.key == "" {
			q.methodNotAllowed()
			return
		}
		q.remove()
	default:
		q.methodNotAllowed()
	}
}

// lookup finds the record addressed by the key segment.
func (q *apiRequest) lookup() (record, error) {
	kf := q.es.keyField()
	vals, err := parseLiteralList(q.key)
	if err != nil || len(vals) != 1 {
		if err != nil {
			return nil, err
		}
		return nil, badRequest("Bad Request - Error in query syntax.")
	}
	var k string
	switch v := vals[0].(type) {
	case guidVal:
		if kf.typ != tGuid {
			return nil, badRequest("Bad Request - Error in query syntax.")
		}
		k = string(v)
	case string:
		if kf.typ != tString {
			return nil, badRequest("Bad Request - Error in query syntax.")
		}
		k = strings.ToLower(v)
	default:
		if kf.typ != tInt32 && kf.typ != tInt64 {
			return nil, badRequest("Bad Request - Error in query syntax.")
		}
		k = keyString(v)
		if dv, ok := v.(interface{ IntPart() int64 }); ok {
			k = strconv.FormatInt(dv.IntPart(), 10)
		}
	}
	for _, r := range q.d.source(q.es) {
		if keyString(r[q.es.key]) == k {
			return r, nil
		}
	}
	return nil, notFound("Resource not found for the segment '" + lastSegment(q.es.name) + "'.")
}

type queryOpts struct {
	sel       map[string]bool
	selList   []string
	filter    expr
	filterSrc string
	props     map[string]bool
	order     []orderTerm
	orderSrc  string
	top       int // -1 unset
	skip      int
	skiptoken []any
	expand    map[string]bool
	raw       url.Values
}

func (q *apiRequest) parseQuery() (*queryOpts, error) {
	vals := q.r.URL.Query()
	o := &queryOpts{top: -1, raw: vals}
	es := q.es
	if s := vals.Get("$select"); s != "" {
		o.sel = map[string]bool{}
		for _, name := range strings.Split(s, ",") {
			name = strings.TrimSpace(name)
			if name == "*" {
				o.sel = nil
				break
			}
			if es.field(name) == nil {
				return nil, badRequest("No property '" + name + "' exists in type '" + es.typeName + "'.")
			}
			o.sel[name] = true
			o.selList = append(o.selList, name)
		}
	}
	if s := vals.Get("$expand"); s != "" {
		o.expand = map[string]bool{}
		for _, name := range strings.Split(s, ",") {
			name = strings.TrimSpace(name)
			f := es.field(name)
			if f == nil || f.typ != tNav {
				return nil, badRequest("No property '" + name + "' exists in type '" + es.typeName + "'.")
			}
			o.expand[name] = true
			if o.sel != nil {
				o.sel[name] = true
			}
		}
	}
	if s := vals.Get("$top"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return nil, badRequest("Invalid value for $top query parameter.")
		}
		o.top = n
	}
	if s := vals.Get("$skip"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return nil, badRequest("Invalid value for $skip query parameter.")
		}
		o.skip = n
	}
	if s := vals.Get("$filter"); s != "" {
		e, props, err := parseFilter(es, s)
		if err != nil {
			return nil, err
		}
		o.filter, o.filterSrc, o.props = e, s, props
	}
	if s := vals.Get("$orderby"); s != "" {
		o.orderSrc = s
		for _, part := range strings.Split(s, ",") {
			fs := strings.Fields(part)
			if len(fs) == 0 || len(fs) > 2 {
				return nil, badRequest("Syntax error in $orderby.")
			}
			f := es.field(fs[0])
			if f == nil || f.typ == tNav {
				return nil, badRequest("No property '" + fs[0] + "' exists in type '" + es.typeName + "'.")
			}
			t := orderTerm{f: f}
			if len(fs) == 2 {
				switch strings.ToLower(fs[1]) {
				case "asc":
				case "desc":
					t.desc = true
				default:
					return nil, badRequest("Syntax error in $orderby: '" + fs[1] + "'.")
				}
			}
			o.order = append(o.order, t)
		}
	}
	if es.syncTimestamp {
		o.order = []orderTerm{{f: es.field("Timestamp")}}
	}
	if s := vals.Get("$skiptoken"); s != "" {
		toks, err := parseLiteralList(s)
		if err != nil {
			return nil, err
		}
		want := len(o.order) + 1
		if es.syncTimestamp {
			want = 1
		}
		if len(toks) != want {
			return nil, badRequest("The skip token '" + s + "' is not valid.")
		}
		o.skiptoken = toks
	}
	return o, nil
}

func (q *apiRequest) getOne() {
	o, err := q.parseQuery()
	if err != nil {
		q.fail(err)
		return
	}
	rec, err := q.lookup()
	if err != nil {
		q.fail(err)
		return
	}
	if q.nav != "" {
		f := q.es.field(q.nav)
		if f == nil || f.typ != tNav {
			q.fail(notFound("Resource not found for the segment '" + q.nav + "'."))
			return
		}
		target := registry[strings.ToLower(f.nav)]
		rows := navRows(q.d, f, rec)
		sortRows(target, rows, nil)
		var b bytes.Buffer
		b.WriteString(`{"d":{"results":[`)
		for i, r := range rows {
			if i > 0 {
				b.WriteString(",")
			}
			target.writeEntity(&b, r, writeOpts{base: q.base, div: q.d.code})
		}
		b.WriteString("]}}")
		q.resp.json(200, b.Bytes())
		return
	}
	var b bytes.Buffer
	b.WriteString(`{"d":`)
	q.es.writeEntity(&b, rec, writeOpts{base: q.base, div: q.d.code, sel: o.sel, expand: o.expand, expander: q.expander()})
	b.WriteString("}")
	q.resp.json(200, b.Bytes())
}

func (q *apiRequest) expander() func(f *field, rec record) []record {
	return func(f *field, rec record) []record {
		rows := navRows(q.d, f, rec)
		sortRows(registry[strings.ToLower(f.nav)], rows, nil)
		return rows
	}
}

// navRows returns the related rows of a navigation property.
func navRows(d *division, f *field, rec record) []record {
	target := registry[strings.ToLower(f.nav)]
	var fk string
	var want any
	switch f.nav {
	case "crm/BankAccounts":
		fk, want = "Account", rec["ID"]
	case "salesentry/SalesEntryLines", "purchaseentry/PurchaseEntryLines", "financialtransaction/BankEntryLines":
		fk, want = "EntryID", rec["EntryID"]
	default:
		return nil
	}
	var out []record
	for _, r := range d.source(target) {
		if r[fk] == want {
			out = append(out, r)
		}
	}
	return out
}

const selectRequired = "Please add a $select or a $top=1 statement to the query string."

func (q *apiRequest) getMany() {
	es := q.es
	o, err := q.parseQuery()
	if err != nil {
		q.fail(err)
		return
	}
	if es.needSelect && o.sel == nil && o.top != 1 {
		q.fail(badRequest(selectRequired))
		return
	}
	if es.mandatoryFilter != nil {
		ok := false
		for _, f := range es.mandatoryFilter {
			if o.props[f] {
				ok = true
			}
		}
		if !ok {
			q.fail(badRequest("This endpoint has mandatory filtering applied. A GET request for this endpoint must have a $filter parameter with one of the following fields in the url:" + strings.Join(es.mandatoryFilter, ",") + "."))
			return
		}
	}
	if es.syncTimestamp {
		if o.filter == nil {
			q.fail(badRequest("This endpoint has mandatory filtering applied. A GET request for this endpoint must have a $filter parameter with one of the following fields in the url:Timestamp."))
			return
		}
		if b, ok := o.filter.(binExpr); !ok || b.op != "gt" || !isProp(b.l, "Timestamp") || !isNumLit(b.r) {
			q.fail(badRequest("This $filter parameter is not supported for this resource. Only 'Timestamp gt <value>L' is allowed."))
			return
		}
		if o.orderSrc != "" {
			q.fail(badRequest("$orderby is not supported for this resource."))
			return
		}
	}

	rows := q.d.source(es)
	if o.filter != nil {
		kept := rows[:0:0]
		for _, r := range rows {
			if truthy(o.filter.eval(r)) {
				kept = append(kept, r)
			}
		}
		rows = kept
	}
	sortRows(es, rows, o.order)
	if o.skiptoken != nil {
		rows = afterToken(es, rows, o.order, o.skiptoken)
	}
	if o.skip > 0 {
		if o.skip >= len(rows) {
			rows = nil
		} else {
			rows = rows[o.skip:]
		}
	}
	limit := es.pageSize
	if o.top >= 0 && o.top < limit {
		limit = o.top
	}
	page := rows
	if len(page) > limit {
		page = page[:limit]
	}
	wo := writeOpts{base: q.base, div: q.d.code, sel: o.sel, expand: o.expand, expander: q.expander()}
	var b bytes.Buffer
	bare := o.top >= 0 && o.top <= es.pageSize && o.skiptoken == nil
	if bare {
		b.WriteString(`{"d":[`)
	} else {
		b.WriteString(`{"d":{"results":[`)
	}
	for i, r := range page {
		if i > 0 {
			b.WriteString(",")
		}
		es.writeEntity(&b, r, wo)
	}
	b.WriteString("]")
	if !bare {
		remaining := -1
		if o.top >= 0 {
			remaining = o.top - len(page)
		}
		if len(page) == es.pageSize && len(page) > 0 && remaining != 0 {
			b.WriteString(`,"__next":`)
			jsonString(&b, q.nextURL(o, page[len(page)-1], remaining))
		}
		b.WriteString("}")
	}
	b.WriteString("}")
	q.resp.json(200, b.Bytes())
}

func isProp(e expr, name string) bool {
	p, ok := e.(propExpr)
	return ok && p.f.name == name
}

func isNumLit(e expr) bool {
	l, ok := e.(litExpr)
	return ok && l.k == kNum
}

// afterToken keeps the rows strictly after the skip-token tuple.
func afterToken(es *entitySet, rows []record, order []orderTerm, tok []any) []record {
	kf := es.keyField()
	fields := make([]orderTerm, 0, len(order)+1)
	fields = append(fields, order...)
	if !es.syncTimestamp {
		fields = append(fields, orderTerm{f: kf})
	}
	for i, r := range rows {
		c := 0
		for j, o := range fields {
			c = compareNullable(evalStored(o.f, r[o.f.name]), tok[j])
			if o.desc {
				c = -c
			}
			if c != 0 {
				break
			}
		}
		if c > 0 {
			return rows[i:]
		}
	}
	return nil
}

// escapeQuery percent-encodes a query value the way Exact writes __next.
func escapeQuery(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_.~'(),*$", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteString("%" + strings.ToUpper(strconv.FormatInt(int64(c)>>4, 16)) + strings.ToUpper(strconv.FormatInt(int64(c)&15, 16)))
	}
	return b.String()
}

func (q *apiRequest) nextURL(o *queryOpts, last record, remaining int) string {
	var parts []string
	keys := make([]string, 0, len(o.raw))
	for k := range o.raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch k {
		case "$skip", "$skiptoken", "$top":
			continue
		}
		for _, v := range o.raw[k] {
			parts = append(parts, escapeQuery(k)+"="+escapeQuery(v))
		}
	}
	if remaining > 0 {
		parts = append(parts, "$top="+strconv.Itoa(remaining))
	}
	var tok []string
	for _, t := range o.order {
		tok = append(tok, formatLiteral(t.f, last[t.f.name]))
	}
	if !q.es.syncTimestamp {
		kf := q.es.keyField()
		tok = append(tok, formatLiteral(kf, last[kf.name]))
	}
	parts = append(parts, "$skiptoken="+escapeQuery(strings.Join(tok, ",")))
	return q.base + "/api/v1/" + strconv.Itoa(q.d.code) + "/" + q.es.name + "?" + strings.Join(parts, "&")
}

// decodeBody reads a JSON object into an input, rejecting unknown
// properties and converting types.
func (q *apiRequest) decodeBody(forPut bool) (*input, error) {
	es := q.es
	dec := json.NewDecoder(bytes.NewReader(q.body))
	dec.UseNumber()
	var raw map[string]any
	if err := dec.Decode(&raw); err != nil || raw == nil {
		return nil, badRequest("Error processing request stream. The request payload is not a valid JSON object.")
	}
	in := &input{vals: map[string]any{}, set: map[string]bool{}}
	names := make([]string, 0, len(raw))
	for k := range raw {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		v := raw[k]
		if k == "__metadata" {
			continue
		}
		f := es.field(k)
		if f == nil {
			return nil, badRequest("Error processing request stream. The property name '" + k + "' specified for type '" + es.typeName + "' is not valid.")
		}
		if f.typ == tNav {
			if v == nil {
				continue
			}
			arr, ok := v.([]any)
			if !ok {
				if m, ok2 := v.(map[string]any); ok2 {
					if res, ok3 := m["results"].([]any); ok3 {
						arr, ok = res, true
					}
				}
			}
			if !ok || !deepInsertable(es, f) {
				return nil, badRequest("Error processing request stream. Binding to new entities is not supported for the navigation property '" + k + "'.")
			}
			in.hasLn = true
			for _, item := range arr {
				m, ok := item.(map[string]any)
				if !ok {
					return nil, badRequest("Error processing request stream. An entity was expected for the navigation property '" + k + "'.")
				}
				in.lines = append(in.lines, m)
			}
			continue
		}
		if (forPut && !f.put) || (!forPut && !f.post) {
			continue // read-only properties are ignored
		}
		if f.typ == tBinary {
			in.vals[k] = v
			in.set[k] = true
			continue
		}
		cv, err := convert(es, f, v)
		if err != nil {
			return nil, err
		}
		in.vals[k] = cv
		in.set[k] = true
	}
	return in, nil
}

func deepInsertable(es *entitySet, f *field) bool {
	return (es.name == "salesentry/SalesEntries" && f.name == "SalesEntryLines") ||
		(es.name == "purchaseentry/PurchaseEntries" && f.name == "PurchaseEntryLines")
}

func (q *apiRequest) create() {
	in, err := q.decodeBody(false)
	if err != nil {
		q.fail(err)
		return
	}
	for _, f := range q.es.fields {
		if f.required && f.post && f.typ != tNav && (in.vals[f.name] == nil || in.vals[f.name] == "") {
			q.fail(validation("Verplicht: " + dutchName(f.name)))
			return
		}
	}
	rec, err := q.es.create(q.s, q.d, in)
	if err != nil {
		q.fail(err)
		return
	}
	keyOnly := !strings.Contains(strings.ToLower(q.r.Header.Get("Prefer")), "return=representation")
	var b bytes.Buffer
	b.WriteString(`{"d":`)
	q.es.writeEntity(&b, rec, writeOpts{base: q.base, div: q.d.code, keyOnly: keyOnly})
	b.WriteString("}")
	q.resp.header.Set("Location", q.es.entityURI(q.base, q.d.code, rec))
	q.resp.json(201, b.Bytes())
}

func (q *apiRequest) update() {
	rec, err := q.lookup()
	if err != nil {
		q.fail(err)
		return
	}
	in, err := q.decodeBody(true)
	if err != nil {
		q.fail(err)
		return
	}
	for _, f := range q.es.fields {
		if f.required && in.set[f.name] && (in.vals[f.name] == nil || in.vals[f.name] == "") {
			q.fail(validation("Verplicht: " + dutchName(f.name)))
			return
		}
	}
	if q.es.update == nil {
		q.methodNotAllowed()
		return
	}
	if err := q.es.update(q.s, q.d, rec, in); err != nil {
		q.fail(err)
		return
	}
	q.resp.status = 204
}

func (q *apiRequest) remove() {
	rec, err := q.lookup()
	if err != nil {
		q.fail(err)
		return
	}
	if q.es.remove == nil {
		q.methodNotAllowed()
		return
	}
	if err := q.es.remove(q.s, q.d, rec); err != nil {
		q.fail(err)
		return
	}
	q.resp.status = 204
}

var dutchNames = map[string]string{
	"Name": "Naam", "Journal": "Dagboek", "Customer": "Klant", "Supplier": "Leverancier",
	"GLAccount": "Grootboekrekening", "AmountFC": "Bedrag", "Subject": "Onderwerp", "Type": "Soort",
	"BankAccount": "Bankrekening", "Account": "Relatie", "Document": "Document", "FileName": "Bestandsnaam",
	"Attachment": "Bijlage", "Code": "Code", "Description": "Omschrijving", "EntryID": "Boeking",
}

func dutchName(n string) string {
	if d, ok := dutchNames[n]; ok {
		return d
	}
	return n
}
