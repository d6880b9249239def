package activities

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/exactsync/exactsync/clients/exact"
	"github.com/exactsync/exactsync/clients/odoo"
)

// Odoo 17+ payment term line delay types (account.payment.term.line delay_type). Odoo 16 has none: its lines
// count days after the invoice date.
const (
	DelayDaysAfter               = "days_after"
	DelayDaysAfterEndOfMonth     = "days_after_end_of_month"
	DelayDaysAfterEndOfNextMonth = "days_after_end_of_next_month"
	DelayDaysEndOfMonthOnThe     = "days_end_of_month_on_the"
)

// The hint for a term left unmapped, in English and Dutch: the whole command, with the term's id for %d.
const (
	mapByHandEN = "map it by hand: `starter mappings set --kind payment_term --odoo-id %d --exact-code <code>`"
	mapByHandNL = "koppel hem met de hand: `starter mappings set --kind payment_term --odoo-id %d --exact-code <code>`"
)

// EarlyDiscount is the early-payment discount of an Odoo 17+ payment term (early_discount, discount_percentage,
// discount_days). The zero value is no discount.
type EarlyDiscount struct {
	Percentage decimal.Decimal
	Days       int64
}

// PaymentConditionFor returns the code of the one Exact payment condition that is exactly equivalent to an Odoo
// payment term, or a Problem saying, in English and Dutch, why none is. Equivalent means: the whole amount is due
// on one day, N days after the invoice date (one line, or lines that all fall on the same day, counted in days
// after the invoice date), without an early-payment discount, and the Exact condition is N days, without
// end-of-month and without discount. Everything else (end-of-month variants, instalments on several days,
// discounts, delay types this function does not know) is left for a person to map.
func PaymentConditionFor(term odoo.PaymentTerm, discount EarlyDiscount, conds []exact.PaymentCondition) (string, *Problem) {
	days, p := termDays(term, discount)
	if p != nil {
		return "", p
	}
	var candidates []string
	for _, c := range conds {
		if c.PaymentEndOfMonths == 0 && int64(c.PaymentDays) == days && c.DiscountPercentage.IsZero() {
			candidates = append(candidates, strings.TrimSpace(c.Code))
		}
	}
	switch len(candidates) {
	case 1:
		return candidates[0], nil
	case 0:
		return "", &Problem{Code: "payment_term.no_condition",
			EN:    fmt.Sprintf("Payment term %q is due %d days after the invoice date; the Exact division has no payment condition of %d days (without end of month or discount).", term.Name, days, days),
			NL:    fmt.Sprintf("Betalingstermijn %q vervalt %d dagen na de factuurdatum; de Exact-administratie heeft geen betalingsconditie van %d dagen (zonder einde maand of korting).", term.Name, days, days),
			FixEN: fmt.Sprintf("create that condition in Exact and suggest again, or "+mapByHandEN, term.ID),
			FixNL: fmt.Sprintf("maak die conditie aan in Exact en vraag opnieuw een voorstel, of "+mapByHandNL, term.ID)}
	default:
		list := strings.Join(candidates, ", ")
		return "", &Problem{Code: "payment_term.ambiguous",
			EN:    fmt.Sprintf("Payment term %q is due %d days after the invoice date; several Exact payment conditions are (%s).", term.Name, days, list),
			NL:    fmt.Sprintf("Betalingstermijn %q vervalt %d dagen na de factuurdatum; meerdere Exact-betalingscondities passen (%s).", term.Name, days, list),
			FixEN: fmt.Sprintf("pick one and "+mapByHandEN, term.ID),
			FixNL: fmt.Sprintf("kies er een en "+mapByHandNL, term.ID)}
	}
}

// termDays returns the number of days after the invoice date at which the whole amount of term is due, or the
// Problem that makes the term inexpressible as "N days after the invoice date".
func termDays(term odoo.PaymentTerm, discount EarlyDiscount) (int64, *Problem) {
	byHand := func(en, nl string) *Problem {
		return &Problem{Code: "payment_term.no_equivalent",
			EN:    fmt.Sprintf("Payment term %q: %s; Exact has no equivalent payment condition to suggest.", term.Name, en),
			NL:    fmt.Sprintf("Betalingstermijn %q: %s; Exact heeft geen gelijkwaardige betalingsconditie om voor te stellen.", term.Name, nl),
			FixEN: fmt.Sprintf(mapByHandEN+" (a condition whose due date comes closest)", term.ID),
			FixNL: fmt.Sprintf(mapByHandNL+" (een conditie met de dichtstbijzijnde vervaldatum)", term.ID)}
	}
	if len(term.Lines) == 0 {
		return 0, byHand("it has no lines", "hij heeft geen regels")
	}
	if discount.Percentage.IsPositive() {
		pct := discount.Percentage.String() + "%"
		return 0, byHand(fmt.Sprintf("early-payment discount of %s within %d days", pct, discount.Days),
			fmt.Sprintf("betalingskorting van %s binnen %d dagen", pct, discount.Days))
	}
	first := term.Lines[0]
	for _, l := range term.Lines[1:] {
		if l.NbDays != first.NbDays || normalDelay(l.DelayType) != normalDelay(first.DelayType) {
			en, nl := instalments(term.Lines)
			return 0, byHand(en, nl)
		}
	}
	n := first.NbDays
	switch normalDelay(first.DelayType) {
	case DelayDaysAfter:
		if n < 0 {
			return 0, byHand(fmt.Sprintf("due %d days before the invoice date", -n), fmt.Sprintf("vervalt %d dagen vóór de factuurdatum", -n))
		}
		return n, nil
	case DelayDaysAfterEndOfMonth:
		if n == 0 {
			return 0, byHand("due at the end of the invoice's month", "vervalt aan het einde van de factuurmaand")
		}
		return 0, byHand(fmt.Sprintf("due %d days after the end of the invoice's month", n), fmt.Sprintf("vervalt %d dagen na het einde van de factuurmaand", n))
	case DelayDaysAfterEndOfNextMonth:
		if n == 0 {
			return 0, byHand("due at the end of the following month", "vervalt aan het einde van de volgende maand")
		}
		return 0, byHand(fmt.Sprintf("due %d days after the end of the following month", n), fmt.Sprintf("vervalt %d dagen na het einde van de volgende maand", n))
	case DelayDaysEndOfMonthOnThe:
		return 0, byHand("due on a fixed day of a later month", "vervalt op een vaste dag van een latere maand")
	default:
		return 0, byHand(fmt.Sprintf("delay type %q is unknown to exactsync", first.DelayType), fmt.Sprintf("termijnsoort %q kent exactsync niet", first.DelayType))
	}
}

// normalDelay reads an absent delay type (Odoo 16) as days after the invoice date.
func normalDelay(t string) string {
	if t == "" {
		return DelayDaysAfter
	}
	return t
}

// instalments describes lines due on different days, e.g. "2 instalments (30% after 0 days, the balance after 60
// days)".
func instalments(lines []odoo.PaymentTermLine) (en, nl string) {
	var ens, nls []string
	for _, l := range lines {
		var amountEN, amountNL string
		switch l.Value {
		case "percent":
			amountEN = l.ValueAmount.String() + "%"
			amountNL = amountEN
		case "fixed":
			amountEN, amountNL = "a fixed "+l.ValueAmount.String(), "een vast bedrag van "+l.ValueAmount.String()
		default:
			amountEN, amountNL = "the balance", "het restant"
		}
		whenEN, whenNL := fmt.Sprintf("after %d days", l.NbDays), fmt.Sprintf("na %d dagen", l.NbDays)
		if d := normalDelay(l.DelayType); d != DelayDaysAfter {
			whenEN, whenNL = fmt.Sprintf("%d days %s", l.NbDays, d), fmt.Sprintf("%d dagen %s", l.NbDays, d)
		}
		ens = append(ens, amountEN+" "+whenEN)
		nls = append(nls, amountNL+" "+whenNL)
	}
	return fmt.Sprintf("%d instalments on different days (%s); an Exact condition has one due date", len(lines), strings.Join(ens, ", ")),
		fmt.Sprintf("%d termijnen op verschillende dagen (%s); een Exact-conditie heeft één vervaldatum", len(lines), strings.Join(nls, ", "))
}
