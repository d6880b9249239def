-- +goose Up
-- The connector's write-backs are kept per Odoo database, not per connection. Two connections on two companies
-- of one Odoo database share res.partner records, and write_date is not company dependent: a write-back by one
-- connection shows in the change feed of the other, which must not take it for a change either.
-- write_date is what Odoo gave the record right after the write; basis is the record's write_date before it,
-- less the connector's own writes: the last change someone else made. A connection skips the write-back only if
-- its own sync already read the record at basis or later (odoo_seen), so an edit made just before another
-- connection's write-back is never lost. basis is NULL for the rows carried over from odoo_own_writes, which
-- were the single connection's own writes and are skipped on write_date alone, as before.
CREATE TABLE odoo_write_backs (
    odoo_url       text NOT NULL,
    odoo_database  text NOT NULL,
    odoo_model     text NOT NULL,
    odoo_id        bigint NOT NULL,
    write_date     timestamptz NOT NULL,
    basis          timestamptz,
    PRIMARY KEY (odoo_url, odoo_database, odoo_model, odoo_id)
);

-- The write_date of a record as each connection's sync last read it.
CREATE TABLE odoo_seen (
    connection_id  bigint NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    odoo_model     text NOT NULL,
    odoo_id        bigint NOT NULL,
    write_date     timestamptz NOT NULL,
    PRIMARY KEY (connection_id, odoo_model, odoo_id)
);

INSERT INTO odoo_write_backs (odoo_url, odoo_database, odoo_model, odoo_id, write_date, basis)
SELECT rtrim(c.odoo_url, '/'), c.odoo_database, w.odoo_model, w.odoo_id, max(w.write_date), NULL
FROM odoo_own_writes w JOIN connections c ON c.id = w.connection_id
GROUP BY rtrim(c.odoo_url, '/'), c.odoo_database, w.odoo_model, w.odoo_id;

-- odoo_own_writes is no longer written or read; it stays for workers of the previous version during a rolling
-- upgrade, and a later migration drops it.
