-- +goose Up
-- settled is the write_date of a record as a connection's sync last read it once Odoo's clock had left that
-- write_date's second (Odoo gives write_date in whole seconds, so only then no later write can carry the same
-- value). A detector or webhook that finds the record at exactly that write_date has nothing new: the sync
-- already read it, and no second run is started for one edit.
ALTER TABLE odoo_seen ADD COLUMN settled timestamptz;

-- +goose Down
ALTER TABLE odoo_seen DROP COLUMN settled;
