package odootest

import (
	"fmt"
	"slices"
)

// Indexes keep the cost of the hot paths proportional to the records involved, not to the
// size of the tables: reading a one2many (a move's lines), recomputing a move, and searching
// with ("field", "=", id) or ("field", "in", ids) on an indexed many2one or on id. Like
// Postgres indexes they never change a result, only how the candidates are found: every
// candidate is still checked against the whole domain.

// refIndex maps the values of one stored many2one field to the records holding them.
type refIndex struct {
	by map[int64]map[int64]struct{} // value → record ids (empty values are not kept)
	of map[int64]int64              // record id → value as indexed
}

func newRefIndex() *refIndex {
	return &refIndex{by: map[int64]map[int64]struct{}{}, of: map[int64]int64{}}
}

func (ix *refIndex) set(id, value int64) {
	if old, ok := ix.of[id]; ok {
		if old == value {
			return
		}
		ix.unset(id, old)
	}
	ix.of[id] = value
	if value == 0 {
		return
	}
	set := ix.by[value]
	if set == nil {
		set = map[int64]struct{}{}
		ix.by[value] = set
	}
	set[id] = struct{}{}
}

func (ix *refIndex) unset(id, value int64) {
	if set := ix.by[value]; set != nil {
		delete(set, id)
		if len(set) == 0 {
			delete(ix.by, value)
		}
	}
}

func (ix *refIndex) drop(id int64) {
	if old, ok := ix.of[id]; ok {
		ix.unset(id, old)
		delete(ix.of, id)
	}
}

// enableIndex indexes a stored many2one field of the model, from the records it holds.
func (m *model) enableIndex(name string) {
	f := m.fields[name]
	if f == nil || f.Type != "many2one" || f.Compute != nil || f.CompanyDependent {
		panic(fmt.Sprintf("odootest: cannot index %s.%s", m.Name, name))
	}
	if m.idx == nil {
		m.idx = map[string]*refIndex{}
	}
	ix := newRefIndex()
	for id, r := range m.recs {
		ix.set(id, asInt(r.Vals[name]))
	}
	m.idx[name] = ix
}

// buildIndexes indexes the inverse field of every one2many and the fields the client
// searches by (account.move.partner_id; account.move.line.move_id is an inverse).
func (s *Server) buildIndexes() {
	for _, m := range s.models {
		for _, f := range m.fields {
			if f.Type != "one2many" {
				continue
			}
			rel := s.models[f.Relation]
			if inv := rel.fields[f.Inverse]; inv != nil && inv.Type == "many2one" && inv.Compute == nil && !inv.CompanyDependent {
				rel.enableIndex(f.Inverse)
			}
		}
	}
	s.models["account.move"].enableIndex("partner_id")
}

// reindex rebuilds the id order and the indexes after recs was replaced (restore).
func (m *model) reindex() {
	m.ids, m.idsStale = nil, true
	for name := range m.idx {
		m.enableIndex(name)
	}
}

// insert stores a new record.
func (m *model) insert(r *record) {
	m.recs[r.ID] = r
	if n := len(m.ids); !m.idsStale && (n == 0 || m.ids[n-1] < r.ID) {
		m.ids = append(m.ids, r.ID)
	} else {
		m.idsStale = true
	}
	for name, ix := range m.idx {
		ix.set(r.ID, asInt(r.Vals[name]))
	}
}

// remove deletes a record (sortedIDs drops its id lazily).
func (m *model) remove(id int64) {
	if m.recs[id] == nil {
		return
	}
	delete(m.recs, id)
	for _, ix := range m.idx {
		ix.drop(id)
	}
}

// setVal sets a raw value of a stored record, keeping the indexes. Indexed fields must be
// set through it (or before insert).
func (m *model) setVal(r *record, name string, v any) {
	r.Vals[name] = v
	if ix := m.idx[name]; ix != nil && m.recs[r.ID] == r {
		ix.set(r.ID, asInt(v))
	}
}

// refIDs returns, in ascending order, the ids of the records whose indexed field holds one
// of values; ok is false when the field is not indexed (the caller scans).
func (m *model) refIDs(name string, values ...int64) (ids []int64, ok bool) {
	ix := m.idx[name]
	if ix == nil {
		return nil, false
	}
	for i, v := range values {
		if slices.Contains(values[:i], v) {
			continue
		}
		for id := range ix.by[v] {
			if r := m.recs[id]; r != nil && asInt(r.Vals[name]) == v {
				ids = append(ids, id)
			}
		}
	}
	slices.Sort(ids)
	return ids, true
}

// moveLines returns the lines of a move in ascending id order.
func (s *Server) moveLines(moveID int64) []*record {
	lines := s.models["account.move.line"]
	ids, ok := lines.refIDs("move_id", moveID)
	if !ok {
		for _, id := range lines.sortedIDs(s, nil, "") {
			if asInt(lines.recs[id].Vals["move_id"]) == moveID {
				ids = append(ids, id)
			}
		}
	}
	out := make([]*record, len(ids))
	for i, id := range ids {
		out[i] = lines.recs[id]
	}
	return out
}

// candidates returns, in ascending order, a superset of the ids of the records matching a
// compiled domain when an index narrows it down; ok false means "scan everything".
func (s *Server) candidates(m *model, n *domNode) (ids []int64, ok bool) {
	switch n.op {
	case "&":
		for _, c := range n.children {
			if cids, cok := s.candidates(m, c); cok && (!ok || len(cids) < len(ids)) {
				ids, ok = cids, true
			}
		}
		return ids, ok
	case "leaf":
		if len(n.path) != 1 || (n.operator != "=" && n.operator != "in") {
			return nil, false
		}
		values, vok := positiveIDs(n.operator, n.value)
		if !vok {
			return nil, false
		}
		f := n.path[0]
		if f.Name == "id" {
			for _, id := range values {
				if m.recs[id] != nil {
					ids = append(ids, id)
				}
			}
			slices.Sort(ids)
			return slices.Compact(ids), true
		}
		if f.Type != "many2one" || f.Compute != nil || f.CompanyDependent || m.fields[f.Name] != f {
			return nil, false
		}
		return m.refIDs(f.Name, values...)
	}
	return nil, false
}

// positiveIDs returns the ids of a "=" id or "in" [ids] operand made only of positive ids.
func positiveIDs(op string, v any) ([]int64, bool) {
	if op == "=" {
		id, ok := v.(int64)
		return []int64{id}, ok && id > 0
	}
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return nil, false
	}
	out := make([]int64, 0, len(list))
	for _, x := range list {
		id, ok := x.(int64)
		if !ok || id <= 0 {
			return nil, false
		}
		out = append(out, id)
	}
	return out, true
}

// beginX2many and endX2many bracket the x2many commands applied on a record by create or
// write; account.move.line defers the recomputation of its move while they run, and the
// move recomputes once in its own afterCreate/afterWrite, like Odoo's batched onchange.
func (m *model) beginX2many(id int64) {
	if m.x2many == nil {
		m.x2many = map[int64]int{}
	}
	m.x2many[id]++
}

func (m *model) endX2many(id int64) {
	if m.x2many[id]--; m.x2many[id] <= 0 {
		delete(m.x2many, id)
	}
}

// deferred reports whether x2many commands are being applied on the record.
func (m *model) deferred(id int64) bool { return m.x2many[id] > 0 }

// afterCall, when set (by the package's tests), runs after every call with the lock held.
var afterCall func(s *Server)

// checkIndexes reports the first difference between the ids cache or the indexes and what
// rebuilding them from the records gives.
func (s *Server) checkIndexes() error {
	for name, m := range s.models {
		want := make([]int64, 0, len(m.recs))
		for id := range m.recs {
			want = append(want, id)
		}
		slices.Sort(want)
		if got := m.sortedIDs(s, nil, ""); !slices.Equal(got, want) {
			return fmt.Errorf("%s: sorted ids %v, want %v", name, got, want)
		}
		if len(m.x2many) != 0 {
			return fmt.Errorf("%s: x2many commands still marked as running: %v", name, m.x2many)
		}
		for field, ix := range m.idx {
			for id, r := range m.recs {
				v, ok := ix.of[id]
				if !ok || v != asInt(r.Vals[field]) {
					return fmt.Errorf("%s.%s: record %d indexed as %d (%v), holds %d", name, field, id, v, ok, asInt(r.Vals[field]))
				}
				if _, in := ix.by[v][id]; v != 0 && !in {
					return fmt.Errorf("%s.%s: record %d missing under %d", name, field, id, v)
				}
			}
			if len(ix.of) != len(m.recs) {
				return fmt.Errorf("%s.%s: %d records indexed, %d stored", name, field, len(ix.of), len(m.recs))
			}
			for v, set := range ix.by {
				for id := range set {
					if ix.of[id] != v {
						return fmt.Errorf("%s.%s: stale entry %d under %d", name, field, id, v)
					}
				}
			}
		}
	}
	return nil
}
