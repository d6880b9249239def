-- +goose Up
-- A local mirror of each division's Exact accounts (ID, code, VAT and Chamber of Commerce numbers), kept
-- current through sync/CRM/Accounts with a Timestamp cursor. Matching an Odoo partner to an existing Exact
-- relation reads this table instead of spending Exact's small API budget on a lookup per partner.
CREATE TABLE exact_accounts (
    connection_id        bigint NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    id                   text NOT NULL,
    code                 text NOT NULL DEFAULT '',
    name                 text NOT NULL DEFAULT '',
    vat_number           text NOT NULL DEFAULT '',
    chamber_of_commerce  text NOT NULL DEFAULT '',
    sync_timestamp       bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (connection_id, id)
);
CREATE INDEX exact_accounts_vat ON exact_accounts (connection_id, vat_number) WHERE vat_number <> '';
CREATE INDEX exact_accounts_coc ON exact_accounts (connection_id, chamber_of_commerce) WHERE chamber_of_commerce <> '';
CREATE INDEX exact_accounts_code ON exact_accounts (connection_id, code);
