-- +goose Up
-- The write_date Odoo gave a record right after the connector's own write to it (the Exact ID written back).
-- Odoo bumps write_date on every write, so without this the change detector would find the connector's own
-- write-back on the next poll and sync the record again, forever. A change whose write_date equals the one
-- recorded here is the connector's own and is not synced.
CREATE TABLE odoo_own_writes (
    connection_id  bigint NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    odoo_model     text NOT NULL,
    odoo_id        bigint NOT NULL,
    write_date     timestamptz NOT NULL,
    PRIMARY KEY (connection_id, odoo_model, odoo_id)
);
