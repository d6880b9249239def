package odoo

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// customFieldTypes are the ttypes EnsureCustomField can create without extra settings.
var customFieldTypes = map[string]bool{
	"char": true, "text": true, "integer": true, "float": true, "boolean": true, "date": true, "datetime": true, "html": true,
}

// FieldOption is an optional setting of EnsureCustomField.
type FieldOption func(*fieldOptions)

type fieldOptions struct{ companyDependent bool }

// CompanyDependent asks for a field that holds one value per company, like
// property_payment_term_id: read and written under the company of the call's
// allowed_company_ids. Only Odoo 18 and later can make a custom field company
// dependent (ir.model.fields.company_dependent); Odoo 17 answers Fault 1
// "Invalid field 'company_dependent' on model 'ir.model.fields'", so there the
// option is dropped and the field is shared by all companies. An existing
// field is never converted. CustomFieldCompanyDependent tells what was made.
func CompanyDependent() FieldOption { return func(o *fieldOptions) { o.companyDependent = true } }

// EnsureCustomField makes sure model has the custom field name (which must
// start with "x_") of type ttype, creating it as an ir.model.fields record
// (not copied on duplicate) when missing. It reads first, so calling it again
// is harmless, and a create that loses a race with a parallel one ("Field
// names must be unique per model.") takes the field the other made; an
// existing field of another type is a Validation fault.
// Returns the ir.model.fields id. Needs Settings rights.
func (c *Client) EnsureCustomField(ctx context.Context, model, name, ttype, label string, opts ...FieldOption) (int64, error) {
	var o fieldOptions
	for _, opt := range opts {
		opt(&o)
	}
	if !strings.HasPrefix(name, "x_") || len(name) < 3 {
		return 0, fmt.Errorf("odoo: custom field %q: name must start with x_", name)
	}
	if !customFieldTypes[ttype] {
		return 0, fmt.Errorf("odoo: custom field %q: unsupported type %q", name, ttype)
	}
	if label == "" {
		label = name
	}
	if id, err := c.customField(ctx, model, name, ttype, errNoField); !errors.Is(err, errNoField) {
		return id, err
	}
	modelID, err := c.modelID(ctx, model)
	if err != nil {
		return 0, err
	}
	vals := map[string]any{"name": name, "model_id": modelID, "ttype": ttype, "field_description": label}
	if ok, err := c.hasField(ctx, "ir.model.fields", "copied"); err != nil {
		return 0, err
	} else if ok {
		vals["copied"] = false
	}
	if o.companyDependent {
		if ok, err := c.hasField(ctx, "ir.model.fields", "company_dependent"); err != nil {
			return 0, err
		} else if ok {
			vals["company_dependent"] = true
		}
	}
	id, err := c.Create(ctx, "ir.model.fields", vals)
	if err != nil {
		var f *Fault
		if !errors.As(err, &f) || !strings.Contains(f.Message, fieldNamesUnique) {
			return 0, err
		}
		// Created meanwhile by a parallel call: take it, if it is the type asked for.
		c.forgetFields(model)
		return c.customField(ctx, model, name, ttype, err)
	}
	c.forgetFields(model)
	return id, nil
}

// CustomFieldCompanyDependent reports whether the custom field holds one value
// per company (never on Odoo 17 and older). A missing field is a NotFound
// Validation fault.
func (c *Client) CustomFieldCompanyDependent(ctx context.Context, model, name string) (bool, error) {
	if ok, err := c.hasField(ctx, "ir.model.fields", "company_dependent"); err != nil || !ok {
		if _, ferr := c.customField(ctx, model, name, "", errNoField); ferr != nil {
			return false, notFoundField(model, name, ferr)
		}
		return false, err
	}
	recs, err := c.searchRead(ctx, "ir.model.fields", and(leaf("model", "=", model), leaf("name", "=", name)),
		[]any{"id", "company_dependent"}, SearchReadOptions{Limit: 1})
	if err != nil {
		return false, err
	}
	if len(recs) != 1 {
		return false, notFoundField(model, name, errNoField)
	}
	d := NewDecoder(recs[0])
	cd := d.Bool("company_dependent")
	if d.Err() != nil {
		return false, fmt.Errorf("ir.model.fields: %w", d.Err())
	}
	return cd, nil
}

// notFoundField turns errNoField into a NotFound Validation fault.
func notFoundField(model, name string, err error) error {
	if errors.Is(err, errNoField) {
		return validationFault("ir.model.fields", "search_read", fmt.Sprintf("field %s.%s does not exist", model, name), true)
	}
	return err
}

// errNoField says customField found no field.
var errNoField = errors.New("odoo: no such custom field")

// fieldNamesUnique is Odoo's fault when an ir.model.fields of that name already exists on the model.
const fieldNamesUnique = "Field names must be unique per model"

// customField reads an existing custom field; cause is returned when there is none. A ttype other than ""
// must match.
func (c *Client) customField(ctx context.Context, model, name, ttype string, cause error) (int64, error) {
	recs, err := c.searchRead(ctx, "ir.model.fields", and(leaf("model", "=", model), leaf("name", "=", name)),
		[]any{"id", "ttype"}, SearchReadOptions{Limit: 1})
	if err != nil {
		return 0, err
	}
	if len(recs) != 1 {
		return 0, cause
	}
	d := NewDecoder(recs[0])
	id, have := d.Int("id"), d.String("ttype")
	if d.Err() != nil {
		return 0, fmt.Errorf("ir.model.fields: %w", d.Err())
	}
	if ttype != "" && have != ttype {
		return 0, validationFault("ir.model.fields", "create",
			fmt.Sprintf("%s.%s exists with type %s, want %s", model, name, have, ttype), false)
	}
	return id, nil
}

// modelID returns the ir.model id of a model name.
func (c *Client) modelID(ctx context.Context, model string) (int64, error) {
	recs, err := c.searchRead(ctx, "ir.model", leaf("model", "=", model), []any{"id"}, SearchReadOptions{Limit: 1})
	if err != nil {
		return 0, err
	}
	if len(recs) != 1 {
		return 0, validationFault("ir.model", "search_read", fmt.Sprintf("model %s does not exist", model), true)
	}
	return recs[0].ID(), nil
}

// module reads an ir.module.module by technical name.
func (c *Client) module(ctx context.Context, name string) (id int64, state string, err error) {
	recs, err := c.searchRead(ctx, "ir.module.module", leaf("name", "=", name), []any{"id", "state"}, SearchReadOptions{Limit: 1})
	if err != nil {
		return 0, "", err
	}
	if len(recs) != 1 {
		return 0, "", validationFault("ir.module.module", "search_read", fmt.Sprintf("module %s does not exist", name), true)
	}
	d := NewDecoder(recs[0])
	id, state = d.Int("id"), d.String("state")
	if d.Err() != nil {
		return 0, "", fmt.Errorf("ir.module.module: %w", d.Err())
	}
	return id, state, nil
}

// ModuleInstalled reports whether the module is installed.
func (c *Client) ModuleInstalled(ctx context.Context, name string) (bool, error) {
	_, state, err := c.module(ctx, name)
	if err != nil {
		return false, err
	}
	return state == "installed", nil
}

// InstallModule installs a module (button_immediate_install) unless it is
// installed already. Needs administrator rights.
func (c *Client) InstallModule(ctx context.Context, name string) error {
	id, state, err := c.module(ctx, name)
	if err != nil {
		return err
	}
	if state == "installed" {
		return nil
	}
	if _, err := c.call(ctx, "ir.module.module", "button_immediate_install", []any{[]int64{id}}, nil); err != nil {
		return err
	}
	_, state, err = c.module(ctx, name)
	if err != nil {
		return err
	}
	if state != "installed" {
		return validationFault("ir.module.module", "button_immediate_install",
			fmt.Sprintf("module %s is %s after installation", name, state), false)
	}
	// New modules add fields to existing models.
	c.mu.Lock()
	c.fields = nil
	c.mu.Unlock()
	return nil
}

// WebhookRule is an automation rule that POSTs changed records to a URL.
type WebhookRule struct {
	Name    string   // unique: the rule is found again by it
	Model   string   // e.g. res.partner
	URL     string   // carries the receiver's secret; never logged
	Fields  []string // fields sent with each notification
	Domain  Domain   // filter_domain; empty: every record
	Trigger string   // default on_create_or_write
}

// EnsureWebhookRule creates, or brings up to date, the base.automation rule
// called r.Name with an ir.actions.server of state "webhook". The module
// base_automation must be installed (see InstallModule); Odoo 16 has no
// webhook actions (a Validation fault). Returns the rule id.
func (c *Client) EnsureWebhookRule(ctx context.Context, r WebhookRule) (int64, error) {
	if r.Name == "" || r.Model == "" || r.URL == "" {
		return 0, fmt.Errorf("odoo: webhook rule needs a name, a model and a URL")
	}
	if r.Trigger == "" {
		r.Trigger = "on_create_or_write"
	}
	if c.version.Major < 17 {
		return 0, validationFault("ir.actions.server", "create",
			fmt.Sprintf("webhook actions need Odoo 17 or later, server is %s", c.version.Version), false)
	}
	modelID, err := c.modelID(ctx, r.Model)
	if err != nil {
		return 0, err
	}
	var fieldIDs []int64
	if len(r.Fields) > 0 {
		names := make([]any, len(r.Fields))
		for i, f := range r.Fields {
			names[i] = f
		}
		recs, err := c.searchRead(ctx, "ir.model.fields", and(leaf("model", "=", r.Model), leaf("name", "in", names)),
			[]any{"id", "name"}, SearchReadOptions{})
		if err != nil {
			return 0, err
		}
		found := map[string]bool{}
		for _, rec := range recs {
			d := NewDecoder(rec)
			fieldIDs = append(fieldIDs, d.Int("id"))
			found[d.String("name")] = true
		}
		for _, f := range r.Fields {
			if !found[f] {
				return 0, validationFault("ir.model.fields", "search_read", fmt.Sprintf("field %s.%s does not exist", r.Model, f), true)
			}
		}
	}
	ruleVals := map[string]any{
		"name": r.Name, "model_id": modelID, "trigger": r.Trigger,
		"filter_domain": pythonLiteral([]any(r.Domain)), "active": true,
	}
	if len(r.Domain) == 0 {
		ruleVals["filter_domain"] = "[]"
	}
	// Odoo 18 fills trigger_field_ids with the filter domain's fields, and then fires only when one of those
	// changes (an e-mail edit would not notify). No trigger fields means every field triggers, as on 17 and 19.
	if ok, err := c.hasField(ctx, "base.automation", "trigger_field_ids"); err != nil {
		return 0, err
	} else if ok {
		ruleVals["trigger_field_ids"] = []any{[]any{6, 0, []int64{}}}
	}
	actionVals := map[string]any{
		"name": r.Name, "model_id": modelID, "state": "webhook", "webhook_url": r.URL,
		"webhook_field_ids": []any{[]any{6, 0, fieldIDs}},
	}
	if fieldIDs == nil {
		actionVals["webhook_field_ids"] = []any{[]any{6, 0, []int64{}}}
	}

	rules, err := c.searchRead(ctx, "base.automation", leaf("name", "=", r.Name), []any{"id", "action_server_ids"},
		SearchReadOptions{Limit: 1, Context: map[string]any{"active_test": false}})
	if err != nil {
		return 0, err
	}
	var ruleID int64
	var actionIDs []int64
	if len(rules) == 1 {
		d := NewDecoder(rules[0])
		ruleID, actionIDs = d.Int("id"), d.IDs("action_server_ids")
		if d.Err() != nil {
			return 0, fmt.Errorf("base.automation: %w", d.Err())
		}
		if err := c.WriteFields(ctx, "base.automation", ruleID, ruleVals); err != nil {
			return 0, err
		}
	} else {
		if ruleID, err = c.Create(ctx, "base.automation", ruleVals); err != nil {
			return 0, err
		}
	}
	if len(actionIDs) > 0 {
		for _, id := range actionIDs {
			if err := c.WriteFields(ctx, "ir.actions.server", id, actionVals); err != nil {
				return 0, err
			}
		}
		return ruleID, nil
	}
	actionVals["base_automation_id"] = ruleID
	if ok, err := c.hasField(ctx, "ir.actions.server", "usage"); err != nil {
		return 0, err
	} else if ok {
		actionVals["usage"] = "base_automation"
	}
	if _, err := c.Create(ctx, "ir.actions.server", actionVals); err != nil {
		return 0, err
	}
	return ruleID, nil
}
