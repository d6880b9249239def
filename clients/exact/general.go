package exact

import (
	"context"

	"github.com/shopspring/decimal"
)

// Currency is a general/Currencies record: a currency the division can book in.
type Currency struct {
	Code            string          `json:"Code"`
	Description     string          `json:"Description"`
	AmountPrecision decimal.Decimal `json:"AmountPrecision"`
}

// Currencies lists the currencies of a division (general/Currencies).
func (c *Client) Currencies(ctx context.Context, division int) ([]Currency, error) {
	return Collect(list[Currency](ctx, c, division, "general/Currencies", nil))
}
