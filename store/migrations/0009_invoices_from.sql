-- +goose Up
-- The invoice sync of a connection: posted invoices, bills and credit notes dated on or after invoices_from, in
-- the journals the accountant mapped, go to Exact. NULL: the connection syncs no invoices.
ALTER TABLE connections ADD COLUMN invoices_from date;

-- +goose Down
ALTER TABLE connections DROP COLUMN invoices_from;
