package activities

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/exactsync/exactsync/clients/exact"
	"github.com/exactsync/exactsync/clients/odoo"
)

func TestPaymentConditionFor(t *testing.T) {
	pct := func(p, days int64, delay string) odoo.PaymentTermLine {
		return odoo.PaymentTermLine{Value: "percent", ValueAmount: decimal.NewFromInt(p), NbDays: days, DelayType: delay}
	}
	term := func(name string, lines ...odoo.PaymentTermLine) odoo.PaymentTerm {
		return odoo.PaymentTerm{ID: 42, Name: name, Active: true, Lines: lines}
	}
	cond := func(code string, days, eom int) exact.PaymentCondition {
		return exact.PaymentCondition{Code: code, PaymentDays: days, PaymentEndOfMonths: eom}
	}
	// What the Exact simulator seeds, plus the kinds a real division has: end of month, a discount, a duplicate.
	seeded := []exact.PaymentCondition{cond("00", 0, 0), cond("14", 14, 0), cond("30", 30, 0), cond("60", 60, 0)}
	rich := append(append([]exact.PaymentCondition(nil), seeded...),
		cond("EM", 0, 1), cond("3M", 30, 1),
		exact.PaymentCondition{Code: "21K", PaymentDays: 21, DiscountPaymentDays: 7, DiscountPercentage: decimal.RequireFromString("0.02")},
		cond("45", 45, 0), cond("45I ", 45, 0))
	twoSeven := EarlyDiscount{Percentage: decimal.NewFromInt(2), Days: 7}

	tests := []struct {
		name     string
		term     odoo.PaymentTerm
		discount EarlyDiscount
		conds    []exact.PaymentCondition
		want     string
		reason   []string // substrings of the problem when want is ""
	}{
		// The eleven payment terms of Odoo 17's demo data, as the client reads them.
		{"Immediate Payment", term("Immediate Payment", pct(100, 0, DelayDaysAfter)), EarlyDiscount{}, seeded, "00", nil},
		{"15 Days", term("15 Days", pct(100, 15, DelayDaysAfter)), EarlyDiscount{}, seeded, "",
			[]string{"due 15 days after the invoice date", "no payment condition of 15 days", "vervalt 15 dagen", "--odoo-id 42"}},
		{"21 Days: the only 21-day condition has a discount", term("21 Days", pct(100, 21, DelayDaysAfter)), EarlyDiscount{}, rich, "",
			[]string{"no payment condition of 21 days"}},
		{"30 Days", term("30 Days", pct(100, 30, DelayDaysAfter)), EarlyDiscount{}, rich, "30", nil},
		{"45 Days: two Exact conditions fit", term("45 Days", pct(100, 45, DelayDaysAfter)), EarlyDiscount{}, rich, "",
			[]string{"several Exact payment conditions", "45, 45I", "meerdere", "pick one"}},
		{"2 Months (60 days)", term("2 Months", pct(100, 60, DelayDaysAfter)), EarlyDiscount{}, seeded, "60", nil},
		{"End of Following Month", term("End of Following Month", pct(100, 0, DelayDaysAfterEndOfNextMonth)), EarlyDiscount{}, rich, "",
			[]string{"due at the end of the following month", "no equivalent", "aan het einde van de volgende maand", "starter mappings set"}},
		{"10 Days after End of Next Month", term("10 Days after End of Next Month", pct(100, 10, DelayDaysAfterEndOfNextMonth)), EarlyDiscount{}, rich, "",
			[]string{"due 10 days after the end of the following month"}},
		{"30% Now, Balance 60 Days", term("30% Now, Balance 60 Days", pct(30, 0, DelayDaysAfter), pct(70, 60, DelayDaysAfter)), EarlyDiscount{}, seeded, "",
			[]string{"2 instalments", "30% after 0 days", "70% after 60 days", "2 termijnen"}},
		{"2/7 Net 30", term("2/7 Net 30", pct(100, 30, DelayDaysAfter)), twoSeven, rich, "",
			[]string{"early-payment discount of 2% within 7 days", "betalingskorting"}},
		{"90 days, on the 10th", term("90 days, on the 10th", pct(100, 90, DelayDaysEndOfMonthOnThe)), EarlyDiscount{}, rich, "",
			[]string{"fixed day of a later month"}},

		// Other shapes.
		{"end of the invoice's month", term("EOM", pct(100, 0, DelayDaysAfterEndOfMonth)), EarlyDiscount{}, rich, "",
			[]string{"end of the invoice's month"}},
		{"15 days after the end of the month", term("EOM+15", pct(100, 15, DelayDaysAfterEndOfMonth)), EarlyDiscount{}, rich, "",
			[]string{"15 days after the end of the invoice's month"}},
		{"two lines on the same day are one due date", term("Split 30", pct(50, 30, DelayDaysAfter), pct(50, 30, "")), EarlyDiscount{}, seeded, "30", nil},
		{"same days, different delay types", term("Mixed", pct(50, 30, DelayDaysAfter), pct(50, 30, DelayDaysAfterEndOfMonth)), EarlyDiscount{}, rich, "",
			[]string{"2 instalments", "30 days days_after_end_of_month"}},
		{"fixed amount now, balance later", term("Deposit", odoo.PaymentTermLine{Value: "fixed", ValueAmount: decimal.NewFromInt(250)}, pct(100, 30, DelayDaysAfter)),
			EarlyDiscount{}, seeded, "", []string{"a fixed 250 after 0 days", "100% after 30 days"}},
		{"Odoo 16: no delay type, balance line", term("30 Days (16)", odoo.PaymentTermLine{Value: "balance", NbDays: 30}), EarlyDiscount{}, seeded, "30", nil},
		{"Odoo 16: percent then balance on different days", term("Advance (16)", pct(30, 0, ""), odoo.PaymentTermLine{Value: "balance", NbDays: 60}),
			EarlyDiscount{}, seeded, "", []string{"30% after 0 days", "the balance after 60 days"}},
		{"unknown delay type", term("Future", pct(100, 30, "days_after_full_moon")), EarlyDiscount{}, seeded, "",
			[]string{`delay type "days_after_full_moon" is unknown`}},
		{"no lines", term("Empty"), EarlyDiscount{}, seeded, "", []string{"no lines"}},
		{"negative days", term("Odd", pct(100, -5, DelayDaysAfter)), EarlyDiscount{}, seeded, "", []string{"5 days before the invoice date"}},
		{"a zero discount is no discount", term("30 Days", pct(100, 30, DelayDaysAfter)), EarlyDiscount{Days: 7}, seeded, "30", nil},
		{"an end-of-month condition never matches days after the invoice date", term("30 Days", pct(100, 30, DelayDaysAfter)), EarlyDiscount{},
			[]exact.PaymentCondition{cond("3M", 30, 1)}, "", []string{"no payment condition of 30 days"}},
		{"padded Exact codes are trimmed", term("30 Days", pct(100, 30, DelayDaysAfter)), EarlyDiscount{}, []exact.PaymentCondition{cond("30 ", 30, 0)}, "30", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, p := PaymentConditionFor(tt.term, tt.discount, tt.conds)
			if got != tt.want {
				t.Fatalf("PaymentConditionFor = %q (problem %v), want %q", got, p, tt.want)
			}
			if tt.want != "" {
				if p != nil {
					t.Errorf("problem = %v with a match, want nil", p)
				}
				return
			}
			if p == nil {
				t.Fatal("no match and no problem, want a reason")
			}
			msg := p.Error()
			for _, want := range append(tt.reason, tt.term.Name, "Fix:", "Oplossing:") {
				if !strings.Contains(msg, want) {
					t.Errorf("problem %q lacks %q", msg, want)
				}
			}
		})
	}
}
