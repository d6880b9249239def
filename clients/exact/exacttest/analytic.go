package exacttest

import "strings"

// Analytic accounting: cost centres (hrm/Costcenters) and cost units (hrm/Costunits). Entry lines name them by
// Code; codes are plain strings (not padded) and compare exactly after trimming spaces.
const (
	tableCostCenters = "hrm/Costcenters"
	tableCostUnits   = "hrm/Costunits"
)

// Refusals of a line's cost centre or cost unit. Exact's own texts are not documented; these follow the
// simulator's other reference errors ("Ongeldige referentie: …", "… is geblokkeerd.").
const (
	msgCostCenterUnknown = "Ongeldige referentie: Kostenplaats"
	msgCostUnitUnknown   = "Ongeldige referentie: Kostendrager"
)

func msgCostCenterInactive(code string) string { return "Kostenplaats " + code + " is niet actief." }

// findExactCode finds a record whose Code equals code, both trimmed, case-sensitive.
func (d *division) findExactCode(table, code string) record {
	c := strings.TrimSpace(code)
	for _, r := range d.tables[table] {
		if strings.TrimSpace(r.str("Code")) == c {
			return r
		}
	}
	return nil
}

// lineAnalytics validates a line's CostCenter and CostUnit and fills their descriptions: empty or absent is
// none; a cost centre must exist in the division and be active, a cost unit must exist.
func lineAnalytics(d *division, line record) error {
	if code := strings.TrimSpace(line.str("CostCenter")); code == "" {
		line["CostCenter"], line["CostCenterDescription"] = nil, nil
	} else {
		cc := d.findExactCode(tableCostCenters, code)
		if cc == nil {
			return validation(msgCostCenterUnknown)
		}
		if !cc.boolean("Active") {
			return validation(msgCostCenterInactive(code))
		}
		line["CostCenter"], line["CostCenterDescription"] = cc["Code"], cc["Description"]
	}
	if code := strings.TrimSpace(line.str("CostUnit")); code == "" {
		line["CostUnit"], line["CostUnitDescription"] = nil, nil
	} else {
		cu := d.findExactCode(tableCostUnits, code)
		if cu == nil {
			return validation(msgCostUnitUnknown)
		}
		line["CostUnit"], line["CostUnitDescription"] = cu["Code"], cu["Description"]
	}
	return nil
}
