-- +goose Up
-- An Odoo record can have several Exact objects, one per role: an invoice has its entry, its document and the
-- document's attachment; a partner has its account (role ''). A row is written as pending, with the object's
-- natural key in intent, before the connector asks Exact to create it: a retry that finds a pending row looks the
-- object up in Exact before creating it, so an answer lost after Exact committed never makes a second object.
ALTER TABLE links ADD COLUMN role text NOT NULL DEFAULT '';
ALTER TABLE links ADD COLUMN pending boolean NOT NULL DEFAULT false;
ALTER TABLE links ADD COLUMN intent jsonb;
ALTER TABLE links DROP CONSTRAINT links_pkey;
ALTER TABLE links ADD PRIMARY KEY (connection_id, odoo_model, odoo_id, role);
ALTER TABLE links DROP CONSTRAINT links_connection_id_exact_entity_exact_id_key;
CREATE UNIQUE INDEX links_exact_object ON links (connection_id, exact_entity, exact_id) WHERE exact_id <> '';

-- Mapping kinds for invoices and payments: analytic accounts -> Exact cost centres / cost units, and Odoo bank
-- journals <-> Exact bank and cash journals (where payments made in Exact are registered in Odoo).
ALTER TABLE mappings DROP CONSTRAINT mappings_kind_check;
ALTER TABLE mappings ADD CONSTRAINT mappings_kind_check
    CHECK (kind IN ('journal', 'tax', 'account', 'payment_term', 'analytic', 'bank_journal'));

-- Exact reference data the mapping of an invoice needs (journals, GL accounts, VAT codes, payment conditions,
-- currencies, periods, cost centres and units, document types), cached per connection and kind, so mapping an
-- invoice reads no reference data from Exact. A kind is replaced as a whole when it is refreshed.
CREATE TABLE exact_reference (
    connection_id  bigint NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    kind           text NOT NULL,
    code           text NOT NULL,
    data           jsonb NOT NULL,
    PRIMARY KEY (connection_id, kind, code)
);
CREATE TABLE exact_reference_refreshed (
    connection_id  bigint NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    kind           text NOT NULL,
    refreshed_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (connection_id, kind)
);

-- +goose Down
DROP TABLE exact_reference_refreshed;
DROP TABLE exact_reference;
DELETE FROM mappings WHERE kind IN ('analytic', 'bank_journal');
ALTER TABLE mappings DROP CONSTRAINT mappings_kind_check;
ALTER TABLE mappings ADD CONSTRAINT mappings_kind_check CHECK (kind IN ('journal', 'tax', 'account', 'payment_term'));
DELETE FROM links WHERE role <> '' OR pending;
DROP INDEX links_exact_object;
ALTER TABLE links DROP CONSTRAINT links_pkey;
ALTER TABLE links ADD PRIMARY KEY (connection_id, odoo_model, odoo_id);
ALTER TABLE links ADD CONSTRAINT links_connection_id_exact_entity_exact_id_key UNIQUE (connection_id, exact_entity, exact_id);
ALTER TABLE links DROP COLUMN intent;
ALTER TABLE links DROP COLUMN pending;
ALTER TABLE links DROP COLUMN role;
