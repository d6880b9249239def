package odootest

import "math"

// defineAnalytic adds Odoo's analytic plans and accounts (module analytic, which account depends on). A move
// line's analytic_distribution maps analytic account ids (or comma-joined ids of one share over several plans) to
// percentages.
func (s *Server) defineAnalytic() {
	plan := s.newModel("account.analytic.plan", "Analytic Plans", "sequence asc, id",
		fChar("name").req().label("Name"), fText("description"), fM2O("parent_id", "account.analytic.plan").label("Parent"),
		fInt("sequence").def(int64(10)), fInt("color").label("Color"),
		fSel("default_applicability", "optional|Optional", "mandatory|Mandatory", "unavailable|Unavailable").def("optional").req().label("Default Applicability"),
	)
	plan.addField((&fieldDef{Name: "root_id", Type: "many2one", Relation: "account.analytic.plan", String: "Root"}).compute(func(s *Server, e *env, r *record) any {
		return rootPlan(s, r.ID)
	}))
	plan.addField((&fieldDef{Name: "complete_name", Type: "char", String: "Complete Name"}).compute(func(s *Server, e *env, r *record) any {
		name := asString(r.Vals["name"])
		for p := s.models["account.analytic.plan"].recs[asInt(r.Vals["parent_id"])]; p != nil; p = s.models["account.analytic.plan"].recs[asInt(p.Vals["parent_id"])] {
			name = asString(p.Vals["name"]) + " / " + name
		}
		return name
	}))
	acc := s.newModel("account.analytic.account", "Analytic Account", "plan_id, name asc",
		fChar("name").req().label("Analytic Account"), fChar("code").label("Reference"), fBool("active").def(true).label("Active"),
		fM2O("plan_id", "account.analytic.plan").req().label("Plan"),
		(&fieldDef{Name: "company_id", Type: "many2one", Relation: "res.company", String: "Company", Default: defaultCompany}),
		fM2O("partner_id", "res.partner").label("Customer"),
	)
	acc.addField((&fieldDef{Name: "root_plan_id", Type: "many2one", Relation: "account.analytic.plan", String: "Root Plan"}).compute(func(s *Server, e *env, r *record) any {
		return rootPlan(s, asInt(r.Vals["plan_id"]))
	}))
	for _, m := range []*model{plan, acc} {
		m.beforeCreate = func(s *Server, e *env, _ map[string]any) error { return analyticRights(s, e, m, "create") }
		m.beforeWrite = func(s *Server, e *env, _ *record, _ map[string]any) error { return analyticRights(s, e, m, "modify") }
		m.beforeUnlink = func(s *Server, e *env, _ *record) error { return analyticRights(s, e, m, "delete") }
	}
	acc.displayName = func(s *Server, e *env, r *record) string {
		name := asString(r.Vals["name"])
		if code := asString(r.Vals["code"]); code != "" {
			name = "[" + code + "] " + name
		}
		if p := s.models["res.partner"].recs[asInt(r.Vals["partner_id"])]; p != nil {
			name += " - " + asString(p.Vals["name"])
		}
		return name
	}
}

// analyticRights refuses a change of an analytic plan or account by a user without the Analytic Accounting group
// (ir.model.access grants it to analytic.group_analytic_accounting and account.group_account_user only), with
// the text real Odoo 17 gives over XML-RPC.
func analyticRights(s *Server, e *env, m *model, op string) error {
	if e.su || s.opts.AnalyticAccounting {
		return nil
	}
	return accessError("You are not allowed to %s '%s' (%s) records.\n\nThis operation is allowed for the following groups:\n"+
		"\t- Technical/Analytic Accounting\n\t- Technical/Show Full Accounting Features\n\nContact your administrator to request access if necessary.",
		op, m.Description, m.Name)
}

// rootPlan is the plan at the top of plan id's tree.
func rootPlan(s *Server, id int64) int64 {
	plans := s.models["account.analytic.plan"]
	for {
		p := plans.recs[id]
		if p == nil {
			return 0
		}
		parent := asInt(p.Vals["parent_id"])
		if parent == 0 || plans.recs[parent] == nil {
			return id
		}
		id = parent
	}
}

// analyticDistribution is what the analytic mixin stores of a written distribution (_sanitize_values): each
// percentage rounded to the "Percentage Analytic" precision (2 digits) as a float; an empty value stays empty.
// A percentage that is not a number fails as float_round does.
func analyticDistribution(v any, bad func() error) (any, error) {
	switch x := v.(type) {
	case nil, bool:
		if x == true {
			return nil, bad()
		}
		return nil, nil
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, pct := range x {
			var f float64
			switch n := pct.(type) {
			case int64:
				f = float64(n)
			case float64:
				f = n
			default:
				return nil, typeError("type %s doesn't define __round__ method", pyType(pct))
			}
			out[k] = math.Round(f*100) / 100
		}
		return out, nil
	}
	return nil, bad()
}
