package odoo

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

// RegisterPayment registers a payment on one posted invoice or bill the way a
// user does in the UI: it creates an account.payment.register wizard for the
// move (amount, payment date, journal, communication) and calls
// action_create_payments. The move's payment_state and amount_residual follow;
// a partial amount leaves it partial. It returns the created account.payment's
// id when Odoo reports it (0 otherwise).
func (c *Client) RegisterPayment(ctx context.Context, moveID int64, amount decimal.Decimal, date time.Time, journalID int64, communication string) (int64, error) {
	const wizard = "account.payment.register"
	switch {
	case moveID <= 0:
		return 0, fmt.Errorf("odoo: %s: invalid move id %d", wizard, moveID)
	case !amount.IsPositive():
		return 0, fmt.Errorf("odoo: %s: amount %s must be positive", wizard, amount)
	case date.IsZero():
		return 0, fmt.Errorf("odoo: %s: a payment date is required", wizard)
	case journalID <= 0:
		return 0, fmt.Errorf("odoo: %s: invalid journal id %d", wizard, journalID)
	}
	active := map[string]any{"active_model": "account.move", "active_ids": []int64{moveID}, "active_id": moveID}
	vals := map[string]any{
		// The wire carries a double; the decimal is the source of truth and is
		// converted once, here.
		"amount":       amount.InexactFloat64(),
		"payment_date": formatDate(date),
		"journal_id":   journalID,
	}
	if communication != "" {
		vals["communication"] = communication
	}
	wid, err := c.createWith(ctx, wizard, vals, active)
	if err != nil {
		return 0, err
	}
	res, err := c.call(ctx, wizard, "action_create_payments", []any{[]int64{wid}}, map[string]any{"context": active})
	if err != nil {
		return 0, err
	}
	if action, ok := res.(map[string]any); ok {
		if id, ok := asInt(action["res_id"]); ok {
			return id, nil
		}
	}
	return 0, nil
}
