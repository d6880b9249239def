-- +goose Up
-- The payment pull's mirror of Exact's payment terms (sync/Cashflow/PaymentTerms and the terms in sync/Deleted):
-- every term by its ID at its latest Timestamp, deleted ones kept as deleted, so what Exact concludes about an
-- entry (paid, partly paid, open again) is decided from the mirror, without an Exact call per invoice.
CREATE TABLE exact_terms (
    connection_id  bigint NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    term_id        text NOT NULL,
    account_id     text NOT NULL DEFAULT '',
    entry_id       text NOT NULL DEFAULT '',
    ts             bigint NOT NULL DEFAULT 0,
    deleted        boolean NOT NULL DEFAULT false,
    data           jsonb,
    PRIMARY KEY (connection_id, term_id)
);
CREATE INDEX exact_terms_account ON exact_terms (connection_id, account_id);

-- What the connector did in Odoo for Exact's payments: a payment registered for an Exact term (kind payment,
-- key = the term's ID, payment_id = the account.payment) or a credit note reconciled with an invoice (kind
-- reconcile, key = "<term> <credit entry>"). A row is written as pending before the Odoo call, so a registration
-- whose answer was lost is found again (by its memo) instead of made twice; only rows here are ever undone.
CREATE TABLE odoo_payments (
    connection_id  bigint NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    kind           text NOT NULL CHECK (kind IN ('payment', 'reconcile')),
    key            text NOT NULL,
    move_id        bigint NOT NULL,
    payment_id     bigint NOT NULL DEFAULT 0,
    amount         numeric NOT NULL,
    memo           text NOT NULL DEFAULT '',
    state          text NOT NULL CHECK (state IN ('pending', 'done', 'cancelled')),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (connection_id, kind, key, move_id)
);

-- +goose Down
DROP TABLE odoo_payments;
DROP TABLE exact_terms;
