package odootest

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"mime"
	"path"
	"sort"
	"strings"
)

var customTypes = map[string]string{"char": "char", "text": "text", "integer": "integer", "float": "float", "boolean": "boolean", "date": "date", "datetime": "datetime", "html": "html", "monetary": "monetary", "selection": "selection", "many2one": "many2one"}

func (s *Server) defineIR() {
	att := s.newModel("ir.attachment", "Attachment", "id desc",
		fChar("name").req(), (&fieldDef{Name: "datas", Type: "binary", String: "File Content (base64)"}),
		fChar("mimetype"), fChar("res_model").label("Resource Model"), (&fieldDef{Name: "res_id", Type: "integer", String: "Resource ID"}),
		fChar("res_field").label("Resource Field"), fInt("file_size").ro(), fChar("checksum").ro(),
		fSel("type", "url|URL", "binary|File").def("binary"), fChar("url"), fBool("public"), fM2O("company_id", "res.company"),
		fText("description"),
	)
	att.beforeCreate = attachmentPrepare
	// mail's register_as_main_attachment(force=True): the attachment becomes its record's message_main_attachment_id.
	// It returns None.
	att.methods["register_as_main_attachment"] = methodSpec{Record: true, Params: []string{"force"}, Fn: registerMainAttachment}
	att.beforeWrite = func(s *Server, e *env, r *record, vals map[string]any) error { return attachmentPrepare(s, e, vals) }
	// Odoo hides field attachments (res_field set) from searches that do not mention res_field or id.
	att.searchHook = func(e *env, dom []any) []any {
		if domainMentions(dom, "res_field") || domainMentions(dom, "id") {
			return dom
		}
		return append(append([]any{}, dom...), []any{"res_field", "=", false})
	}

	irModel := s.newModel("ir.model", "Models", "model", fChar("name").req().label("Model Description"), fChar("model").req(),
		fSel("state", "manual|Custom Object", "base|Base Object").def("manual"), fO2M("field_id", "ir.model.fields", "model_id").label("Fields"),
		fBool("transient"))
	irModel.beforeCreate = func(s *Server, e *env, vals map[string]any) error {
		if !s.inRecompute {
			return userError("The model name must start with 'x_'.")
		}
		return nil
	}
	irModel.beforeUnlink = func(s *Server, e *env, r *record) error {
		return userError("Model '%s' contains module data and cannot be removed.", asString(r.Vals["model"]))
	}

	ttypes := []string{"binary", "boolean", "char", "date", "datetime", "float", "html", "integer", "json", "many2many", "many2one", "many2one_reference", "monetary", "one2many", "properties", "reference", "selection", "text"}
	fields := s.newModel("ir.model.fields", "Fields", "name",
		fChar("name").req().label("Field Name"), fChar("complete_name"), fChar("model").label("Model Name"),
		fM2O("model_id", "ir.model").req().label("Model"), fSel("ttype", ttypes...).req().label("Field Type"),
		fChar("field_description").req().label("Field Label"), fChar("relation").label("Related Model"), fChar("relation_field"),
		fBool("required"), fBool("readonly"), fBool("store").def(true), fBool("index"), fBool("copied").def(true),
		fSel("state", "manual|Custom Field", "base|Base Field").def("manual").label("Type"), fText("help"), fText("selection"),
		fInt("size"), fBool("translate"),
		// Odoo 18 made company-dependent fields jsonb columns and let a custom field be one; 17 has no such
		// column ("Invalid field 'company_dependent' on model 'ir.model.fields'", seen on a real 17).
		fBool("company_dependent").label("Company Dependent").versions(18, 0),
	)
	fields.displayName = func(s *Server, e *env, r *record) string {
		return asString(r.Vals["field_description"]) + " (" + asString(r.Vals["model"]) + ")"
	}
	fields.beforeCreate = fieldBeforeCreate
	fields.afterCreate = func(s *Server, e *env, r *record) error {
		if s.inRecompute {
			return nil
		}
		m := s.models[asString(r.Vals["model"])]
		f := &fieldDef{Name: asString(r.Vals["name"]), Type: asString(r.Vals["ttype"]), String: asString(r.Vals["field_description"]),
			Relation: asString(r.Vals["relation"]), Manual: true, Required: r.Vals["required"] == true,
			CompanyDependent: r.Vals["company_dependent"] == true}
		// ir.model.fields.copied defaults to true (false for one2many); the client asks for false.
		if c, ok := r.Vals["copied"].(bool); ok && !c {
			f.NoCopy = true
		}
		m.addField(f)
		return nil
	}
	fields.beforeWrite = func(s *Server, e *env, r *record, vals map[string]any) error {
		if s.inRecompute {
			return nil
		}
		if r.Vals["state"] != "manual" {
			return userError("Properties of base fields cannot be altered in this manner! Please modify them through Python code, preferably through a custom addon!")
		}
		for k := range vals {
			if k != "field_description" && k != "help" && k != "required" && k != "readonly" && k != "index" && k != "copied" && k != "translate" {
				return userError("Changing the type or the name of a field is not supported: delete the field and create a new one (field %s).", k)
			}
		}
		return nil
	}
	fields.afterWrite = func(s *Server, e *env, r *record, vals map[string]any) error {
		if m := s.models[asString(r.Vals["model"])]; m != nil {
			if f := m.fields[asString(r.Vals["name"])]; f != nil && f.Manual {
				nf := *f
				nf.String = asString(r.Vals["field_description"])
				nf.Required = r.Vals["required"] == true
				nf.NoCopy = r.Vals["copied"] == false
				m.fields[f.Name] = &nf
			}
		}
		return nil
	}
	fields.beforeUnlink = func(s *Server, e *env, r *record) error {
		if r.Vals["state"] != "manual" {
			return userError("This column contains module data and cannot be removed!")
		}
		return nil
	}
	fields.afterUnlink = func(s *Server, e *env, r *record) error {
		m := s.models[asString(r.Vals["model"])]
		if m == nil {
			return nil
		}
		name := asString(r.Vals["name"])
		fs := make(map[string]*fieldDef, len(m.fields))
		for k, v := range m.fields {
			if k != name {
				fs[k] = v
			}
		}
		m.fields = fs
		m.fieldOrder = append([]string(nil), without2(m.fieldOrder, name)...)
		for _, rec := range m.recs {
			delete(rec.Vals, name)
		}
		return nil
	}

	mod := s.newModel("ir.module.module", "Module", "application desc,sequence,name",
		fChar("name").req().label("Technical Name"), fChar("shortdesc").label("Module Name"),
		fSel("state", "uninstallable|Uninstallable", "uninstalled|Not Installed", "installed|Installed", "to upgrade|To be upgraded", "to remove|To be removed", "to install|To be installed").def("uninstalled").ro(),
		fBool("application"), fInt("sequence").def(int64(100)), fChar("latest_version"),
	)
	mod.beforeCreate = func(s *Server, e *env, vals map[string]any) error {
		if !s.inRecompute && e.uid != 1 {
			return userError("Modules cannot be created over the API; use button_immediate_install on an existing module.")
		}
		return nil
	}
	mod.methods["button_immediate_install"] = methodSpec{Record: true, Fn: immediateInstall}
	mod.methods["button_install"] = methodSpec{Record: true, Fn: immediateInstall}

	srv := s.newModel("ir.actions.server", "Server Actions", "sequence,name",
		fChar("name").req().label("Action Name"), fM2O("model_id", "ir.model").req(),
		(&fieldDef{Name: "model_name", Type: "char"}).compute(func(s *Server, e *env, r *record) any {
			if m := s.models["ir.model"].recs[asInt(r.Vals["model_id"])]; m != nil {
				return m.Vals["model"]
			}
			return ""
		}),
		fSel("state", "object_write|Update Record", "object_create|Create Record", "code|Execute Code", "webhook_placeholder|-", "multi|Execute Existing Actions").def("object_write").label("Type"),
		fText("code"), fInt("sequence").def(int64(5)), fChar("type").def("ir.actions.server"),
		fSel("binding_type", "action|Action", "report|Report").def("action"),
		fSel("usage", "ir_actions_server|Server Action", "ir_cron|Scheduled Action").def("ir_actions_server").req(),
	)
	srv.fields["state"].Selection = [][2]string{{"object_write", "Update Record"}, {"object_create", "Create Record"}, {"code", "Execute Code"}, {"multi", "Execute Existing Actions"}, {"mail_post", "Send Email"}, {"followers", "Add Followers"}, {"next_activity", "Create Activity"}}
	srv.beforeCreate = func(s *Server, e *env, vals map[string]any) error {
		if asInt(vals["model_id"]) == 0 {
			if a := s.models["base.automation"].recs[asInt(vals["base_automation_id"])]; a != nil {
				vals["model_id"] = a.Vals["model_id"]
			}
		}
		return checkWebhookAction(s, vals, nil)
	}
	srv.beforeWrite = func(s *Server, e *env, r *record, vals map[string]any) error { return checkWebhookAction(s, vals, r) }
	srv.methods["run"] = methodSpec{Record: true, Fn: func(s *Server, e *env, m *model, ids []int64, _ map[string]any) (any, error) {
		return false, nil
	}}

	auto := s.newModel("base.automation", "Automation Rule", "id",
		fChar("name").req().label("Automation Rule Name"), fM2O("model_id", "ir.model").req(),
		(&fieldDef{Name: "model_name", Type: "char"}).compute(func(s *Server, e *env, r *record) any {
			if m := s.models["ir.model"].recs[asInt(r.Vals["model_id"])]; m != nil {
				return m.Vals["model"]
			}
			return ""
		}),
		fSel("trigger", "on_stage_set|Stage is set to", "on_user_set|User is set", "on_tag_set|Tag is added", "on_state_set|State is set to", "on_priority_set|Priority is set to",
			"on_archive|On archived", "on_unarchive|On unarchived", "on_create_or_write|On save", "on_create|On creation", "on_write|On update", "on_unlink|On deletion",
			"on_change|On UI change", "on_time|Based on date field", "on_time_created|After creation", "on_time_updated|After last update", "on_message_received|On incoming message",
			"on_message_sent|On outgoing message", "on_webhook|On webhook").req(),
		fChar("filter_domain").label("Apply on"), fChar("filter_pre_domain").label("Before Update Domain"),
		fO2M("action_server_ids", "ir.actions.server", "base_automation_id").label("Actions"),
		fM2M("trigger_field_ids", "ir.model.fields"), fBool("active"), fText("description"),
	)
	auto.Module = "base_automation"
	auto.beforeCreate = func(s *Server, e *env, vals map[string]any) error { return checkAutomation(s, vals, nil) }
	auto.beforeWrite = func(s *Server, e *env, r *record, vals map[string]any) error { return checkAutomation(s, vals, r) }
}

func without2(list []string, x string) []string {
	out := make([]string, 0, len(list))
	for _, v := range list {
		if v != x {
			out = append(out, v)
		}
	}
	return out
}

func registerMainAttachment(s *Server, e *env, m *model, ids []int64, p map[string]any) (any, error) {
	rs, err := s.browse(e, m, ids)
	if err != nil {
		return nil, err
	}
	if len(rs) != 1 {
		return nil, valueError("Expected singleton: %s%s", m.Name, pyRepr(idList(ids)))
	}
	att := rs[0]
	force := true
	if f, ok := p["force"].(bool); ok {
		force = f
	}
	target := s.models[asString(att.Vals["res_model"])]
	if target == nil || target.field("message_main_attachment_id", s.opts.Version) == nil {
		return nil, nil
	}
	r := target.recs[asInt(att.Vals["res_id"])]
	if r == nil {
		return nil, nil
	}
	if force || asInt(r.Vals["message_main_attachment_id"]) == 0 {
		return nil, s.write(e, target, []int64{r.ID}, map[string]any{"message_main_attachment_id": att.ID})
	}
	return nil, nil
}

func attachmentPrepare(s *Server, e *env, vals map[string]any) error {
	if d, ok := vals["datas"]; ok {
		str, _ := d.(string)
		raw, err := base64.StdEncoding.DecodeString(str)
		if err != nil {
			return &Error{Name: "binascii.Error", Message: "Incorrect padding"}
		}
		sum := sha1.Sum(raw)
		vals["checksum"] = hex.EncodeToString(sum[:])
		vals["file_size"] = int64(len(raw))
		if _, ok := vals["mimetype"]; !ok {
			mt := ""
			if name, _ := vals["name"].(string); name != "" {
				mt = mime.TypeByExtension(path.Ext(name))
			}
			if mt == "" {
				mt = "application/octet-stream"
				if len(raw) > 4 && string(raw[:5]) == "%PDF-" {
					mt = "application/pdf"
				}
			}
			vals["mimetype"] = strings.Split(mt, ";")[0]
		}
	}
	return nil
}

func fieldBeforeCreate(s *Server, e *env, vals map[string]any) error {
	if s.inRecompute {
		return nil
	}
	name, _ := vals["name"].(string)
	if !strings.HasPrefix(name, "x_") {
		return validationError("Custom fields must have a name that starts with 'x_' !")
	}
	for _, ch := range name {
		if !(ch == '_' || ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9') {
			return validationError("Field names can only contain characters, digits and underscores (up to 63).")
		}
	}
	im := s.models["ir.model"].recs[asInt(vals["model_id"])]
	if im == nil {
		return validationError("The operation cannot be completed: Create/update: a mandatory field is not set.\nDelete: another model requires the record being deleted. If possible, archive it instead.\n\nModel: Fields (ir.model.fields)\nField: Model (model_id)")
	}
	modelName := asString(im.Vals["model"])
	m := s.models[modelName]
	if m.fields[name] != nil {
		return validationError("The operation cannot be completed: Field names must be unique per model.")
	}
	tt, _ := vals["ttype"].(string)
	if customTypes[tt] == "" {
		return userError("Custom fields of type %s are not supported over the API by this server.", tt)
	}
	if tt == "many2one" {
		rel, _ := vals["relation"].(string)
		if s.models[rel] == nil {
			return userError("Model %s does not exist!", rel)
		}
	}
	if tt == "selection" {
		return userError("Selection fields need a selection; create char fields instead.")
	}
	vals["model"] = modelName
	vals["state"] = "manual"
	vals["complete_name"] = modelName + "." + name
	return nil
}

// syncIRModels creates ir.model and ir.model.fields rows for every model and field known.
func (s *Server) syncIRModels() {
	e := &env{uid: 1, su: true, company: s.mainCompany, companies: s.companies}
	s.inRecompute = true
	defer func() { s.inRecompute = false }()
	irModel := s.models["ir.model"]
	irFields := s.models["ir.model.fields"]
	existing := map[string]int64{}
	for id, r := range irModel.recs {
		existing[asString(r.Vals["model"])] = id
	}
	fieldRows := map[string]bool{}
	for _, r := range irFields.recs {
		fieldRows[asString(r.Vals["model"])+"."+asString(r.Vals["name"])] = true
	}
	names := make([]string, 0, len(s.models))
	for name, m := range s.models {
		if m.Module != "" && !s.installed(m.Module) {
			continue
		}
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		m := s.models[name]
		mid, ok := existing[name]
		if !ok {
			var err error
			mid, err = s.create(e, irModel, map[string]any{"name": m.Description, "model": name, "state": "base", "transient": m.Transient})
			if err != nil {
				panic(err)
			}
		}
		for _, fname := range append([]string{"id"}, m.fieldOrder...) {
			var f *fieldDef
			if fname == "id" {
				f = &fieldDef{Name: "id", Type: "integer", String: "ID"}
			} else if f = m.field(fname, s.opts.Version); f == nil {
				continue
			}
			if fieldRows[name+"."+fname] {
				continue
			}
			vals := map[string]any{
				"name": fname, "model": name, "model_id": mid, "ttype": f.Type, "field_description": f.String, "relation": f.Relation,
				"required": f.Required, "readonly": f.Readonly, "store": f.Compute == nil, "state": "base", "complete_name": name + "." + fname,
			}
			if s.opts.Version >= 18 {
				vals["company_dependent"] = f.CompanyDependent
			}
			if _, err := s.create(e, irFields, vals); err != nil {
				panic(err)
			}
		}
	}
}

func immediateInstall(s *Server, e *env, m *model, ids []int64, _ map[string]any) (any, error) {
	rs, err := s.browse(e, m, ids)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		if r.Vals["state"] == "installed" {
			continue
		}
		r.Vals["state"] = "installed"
		s.touch(e, m, r)
		if r.Vals["name"] == "base_automation" {
			srv := s.models["ir.actions.server"]
			srv.addField(fChar("webhook_url").label("Webhook URL"))
			srv.addField(fM2M("webhook_field_ids", "ir.model.fields").label("Webhook Fields"))
			srv.addField(fM2O("base_automation_id", "base.automation").label("Automation Rule"))
			if u := srv.fields["usage"]; u != nil {
				u.Selection = append(u.Selection, [2]string{"base_automation", "Automation Rule"})
			}
			srv.addField((&fieldDef{Name: "webhook_sample_payload", Type: "text"}).compute(func(s *Server, e *env, r *record) any {
				return ""
			}))
		}
	}
	s.syncIRModels()
	return map[string]any{"type": "ir.actions.client", "tag": "reload", "params": map[string]any{"menu_id": int64(1)}}, nil
}

func checkWebhookAction(s *Server, vals map[string]any, r *record) error {
	state, _ := vals["state"].(string)
	if state == "" && r != nil {
		state = asString(r.Vals["state"])
	}
	if state != "webhook" {
		return nil
	}
	url, ok := vals["webhook_url"].(string)
	if !ok && r != nil {
		url = asString(r.Vals["webhook_url"])
	}
	if !strings.HasPrefix(url, "http://") && !strings.HasPrefix(url, "https://") {
		return validationError("The webhook URL must be a valid http(s) URL.")
	}
	return nil
}

func checkAutomation(s *Server, vals map[string]any, r *record) error {
	for _, k := range []string{"filter_domain", "filter_pre_domain"} {
		if d, ok := vals[k].(string); ok && strings.TrimSpace(d) != "" {
			v, err := parsePyLiteral(d)
			if err != nil {
				return validationError("Invalid domain %s on automation rule: %v", pyRepr(d), err)
			}
			if _, ok := v.([]any); !ok {
				return validationError("Invalid domain %s on automation rule: not a list", pyRepr(d))
			}
			mid := asInt(vals["model_id"])
			if mid == 0 && r != nil {
				mid = asInt(r.Vals["model_id"])
			}
			if im := s.models["ir.model"].recs[mid]; im != nil {
				if _, err := s.compileDomain(s.models[asString(im.Vals["model"])], v.([]any)); err != nil {
					return err
				}
				// 18 and later compute the trigger fields of an "on save" rule from its domain: it then fires
				// only when one of them changes. A value given with the domain wins, as for any stored compute.
				if k == "filter_domain" && s.opts.Version >= 18 {
					if _, given := vals["trigger_field_ids"]; !given {
						vals["trigger_field_ids"] = []any{[]any{int64(6), int64(0), idList(domainFieldIDs(s, asString(im.Vals["model"]), v.([]any)))}}
					}
				}
			}
		}
	}
	return nil
}

// domainFieldIDs are the ir.model.fields ids of the fields a domain's leaves start with.
func domainFieldIDs(s *Server, model string, domain []any) []int64 {
	var ids []int64
	for _, leaf := range domain {
		t, ok := leaf.([]any)
		if !ok || len(t) != 3 {
			continue
		}
		name, _, _ := strings.Cut(asString(t[0]), ".")
		for id, fr := range s.models["ir.model.fields"].recs {
			if asString(fr.Vals["model"]) == model && asString(fr.Vals["name"]) == name && !containsID(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	return ids
}
