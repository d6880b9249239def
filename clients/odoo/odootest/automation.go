package odootest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode"
)

type webhook struct {
	url  string
	body []byte
}

// collectWebhooks evaluates the automation rules against the records changed by a call.
// Must be called with s.mu held.
func (s *Server) collectWebhooks(e *env) []webhook {
	if e == nil || len(e.changed) == 0 || !s.installed("base_automation") {
		return nil
	}
	autos := s.models["base.automation"]
	if len(autos.recs) == 0 {
		return nil
	}
	type key struct {
		model string
		id    int64
	}
	created := map[key]bool{}
	written := map[key]map[string]bool{}
	var order []key
	seen := map[key]bool{}
	for _, c := range e.changed {
		k := key{c.model, c.id}
		if c.create {
			created[k] = true
		}
		if written[k] == nil {
			written[k] = map[string]bool{}
		}
		for _, f := range c.fields {
			written[k][f] = true
		}
		if !seen[k] {
			seen[k] = true
			order = append(order, k)
		}
	}
	su := &env{uid: s.uid, su: true, company: e.company, companies: e.companies, ctx: map[string]any{}}
	var out []webhook
	for _, aid := range autos.sortedIDs(s, su, "") {
		a := autos.recs[aid]
		if a.Vals["active"] == false {
			continue
		}
		im := s.models["ir.model"].recs[asInt(a.Vals["model_id"])]
		if im == nil {
			continue
		}
		modelName := asString(im.Vals["model"])
		trig := asString(a.Vals["trigger"])
		var dom []any
		if d := strings.TrimSpace(asString(a.Vals["filter_domain"])); d != "" {
			v, err := parsePyLiteral(d)
			if err != nil {
				continue
			}
			dom, _ = v.([]any)
		}
		m := s.models[modelName]
		node, err := s.compileDomain(m, dom)
		if err != nil {
			continue
		}
		for _, k := range order {
			if k.model != modelName {
				continue
			}
			switch trig {
			case "on_create_or_write":
			case "on_create":
				if !created[k] {
					continue
				}
			case "on_write":
				if created[k] {
					continue
				}
			default:
				continue
			}
			r := m.recs[k.id]
			if r == nil {
				continue
			}
			if !created[k] && !triggered(s, a, written[k]) {
				continue
			}
			if ok, err := s.evalNode(su, m, r, node); err != nil || !ok {
				continue
			}
			for _, sid := range s.rawByName(su, autos, a, "action_server_ids").([]int64) {
				act := s.models["ir.actions.server"].recs[sid]
				if act == nil || act.Vals["state"] != "webhook" {
					continue
				}
				payload := map[string]any{"_model": modelName, "_id": k.id, "_action": fmt.Sprintf("%s(#%d)", asString(act.Vals["name"]), sid)}
				var names []string
				for _, fid := range toIDs(act.Vals["webhook_field_ids"]) {
					if fr := s.models["ir.model.fields"].recs[fid]; fr != nil && asString(fr.Vals["model"]) == modelName {
						names = append(names, asString(fr.Vals["name"]))
					}
				}
				if len(names) > 0 {
					rows, err := s.read(su, m, []int64{k.id}, names, "")
					if err == nil {
						for kk, v := range rows[0].(map[string]any) {
							payload[kk] = v
						}
					}
				}
				body, err := json.Marshal(payload)
				if err != nil {
					continue
				}
				out = append(out, webhook{url: asString(act.Vals["webhook_url"]), body: body})
			}
		}
	}
	return out
}

// fireAutomations sends the webhooks of a finished call: send and forget, 1 s timeout, no retry.
// Like Odoo, each change notifies twice (the write and the internal recompute write).
func (s *Server) fireAutomations(hooks []webhook) {
	for _, h := range hooks {
		s.hooks.Add(1)
		go func(h webhook) {
			defer s.hooks.Done()
			for i := 0; i < 2; i++ {
				req, err := http.NewRequest(http.MethodPost, h.url, bytes.NewReader(h.body))
				if err != nil {
					return
				}
				req.Header.Set("Content-Type", "application/json")
				resp, err := s.opts.WebhookClient.Do(req)
				if err != nil {
					continue
				}
				_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
				_ = resp.Body.Close()
			}
		}(h)
	}
}

// parsePyLiteral parses the Python literals Odoo stores in domain fields:
// lists, tuples, strings, ints, floats, True, False, None.
func parsePyLiteral(src string) (any, error) {
	p := &pyParser{src: []rune(src)}
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	p.ws()
	if p.pos != len(p.src) {
		return nil, fmt.Errorf("unexpected %q at %d", string(p.src[p.pos]), p.pos)
	}
	return v, nil
}

type pyParser struct {
	src []rune
	pos int
}

func (p *pyParser) ws() {
	for p.pos < len(p.src) && unicode.IsSpace(p.src[p.pos]) {
		p.pos++
	}
}

func (p *pyParser) value() (any, error) {
	p.ws()
	if p.pos >= len(p.src) {
		return nil, fmt.Errorf("unexpected end")
	}
	c := p.src[p.pos]
	switch {
	case c == '[' || c == '(':
		closer := ']'
		if c == '(' {
			closer = ')'
		}
		p.pos++
		out := []any{}
		for {
			p.ws()
			if p.pos < len(p.src) && p.src[p.pos] == closer {
				p.pos++
				return out, nil
			}
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			out = append(out, v)
			p.ws()
			if p.pos >= len(p.src) {
				return nil, fmt.Errorf("unclosed list")
			}
			if p.src[p.pos] == ',' {
				p.pos++
				continue
			}
			if p.src[p.pos] != closer {
				return nil, fmt.Errorf("unexpected %q", string(p.src[p.pos]))
			}
		}
	case c == '\'' || c == '"':
		p.pos++
		var b strings.Builder
		for p.pos < len(p.src) && p.src[p.pos] != c {
			if p.src[p.pos] == '\\' && p.pos+1 < len(p.src) {
				p.pos++
			}
			b.WriteRune(p.src[p.pos])
			p.pos++
		}
		if p.pos >= len(p.src) {
			return nil, fmt.Errorf("unterminated string")
		}
		p.pos++
		return b.String(), nil
	case c == '-' || c == '.' || unicode.IsDigit(c):
		start := p.pos
		p.pos++
		for p.pos < len(p.src) && (unicode.IsDigit(p.src[p.pos]) || p.src[p.pos] == '.' || p.src[p.pos] == 'e') {
			p.pos++
		}
		lit := string(p.src[start:p.pos])
		if n, err := strconv.ParseInt(lit, 10, 64); err == nil {
			return n, nil
		}
		f, err := strconv.ParseFloat(lit, 64)
		if err != nil {
			return nil, fmt.Errorf("bad number %q", lit)
		}
		return f, nil
	case unicode.IsLetter(c):
		start := p.pos
		for p.pos < len(p.src) && (unicode.IsLetter(p.src[p.pos]) || p.src[p.pos] == '_') {
			p.pos++
		}
		switch string(p.src[start:p.pos]) {
		case "True":
			return true, nil
		case "False":
			return false, nil
		case "None":
			return nil, nil
		}
		return nil, fmt.Errorf("unsupported name %q (only literals are evaluated)", string(p.src[start:p.pos]))
	}
	return nil, fmt.Errorf("unexpected %q", string(c))
}

// triggered reports whether a write of these fields fires the rule: any field when it has no trigger fields,
// else one of them.
func triggered(s *Server, rule *record, fields map[string]bool) bool {
	ids := toIDs(rule.Vals["trigger_field_ids"])
	if len(ids) == 0 {
		return true
	}
	for _, id := range ids {
		if fr := s.models["ir.model.fields"].recs[id]; fr != nil && fields[asString(fr.Vals["name"])] {
			return true
		}
	}
	return false
}
