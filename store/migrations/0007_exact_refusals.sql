-- +goose Up
-- What Exact refused, per Odoo record: the hash of the payload it refused and its message. The same payload is not
-- sent again (Exact blocks an app after 10 refused calls per endpoint per hour) until the record or its mapping
-- changes the payload, or a person forces it (`starter retry --force`).
CREATE TABLE exact_refusals (
    connection_id  bigint NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    odoo_model     text NOT NULL,
    odoo_id        bigint NOT NULL,
    payload_hash   text NOT NULL,
    message        text NOT NULL DEFAULT '',
    refused_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (connection_id, odoo_model, odoo_id)
);
