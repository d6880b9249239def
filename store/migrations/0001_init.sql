-- +goose Up
-- Connections: one Odoo database + company <-> one Exact site + division.
-- Secrets (the Odoo API key, the Exact client secret) are encrypted at rest (AES-256-GCM, key from the environment).
CREATE TABLE connections (
    id                   bigserial PRIMARY KEY,
    name                 text NOT NULL UNIQUE CHECK (name <> ''),
    odoo_url             text NOT NULL DEFAULT '',
    odoo_database        text NOT NULL DEFAULT '',
    odoo_login           text NOT NULL DEFAULT '',
    odoo_secret          bytea,
    odoo_company_id      bigint NOT NULL DEFAULT 0,
    odoo_transport       text NOT NULL DEFAULT 'auto' CHECK (odoo_transport IN ('auto', 'xmlrpc', 'json2')),
    odoo_version         text NOT NULL DEFAULT '',
    exact_site           text NOT NULL DEFAULT '',
    exact_base_url       text NOT NULL DEFAULT '',
    exact_client_id      text NOT NULL DEFAULT '',
    exact_client_secret  bytea,
    exact_redirect_url   text NOT NULL DEFAULT '',
    exact_division       integer NOT NULL DEFAULT 0,
    webhook_secret       text NOT NULL DEFAULT '',
    paused               boolean NOT NULL DEFAULT false,
    paused_reason        text NOT NULL DEFAULT '',
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);

-- One Exact OAuth token pair per connection. Rows are taken FOR UPDATE while refreshing, so only one process
-- refreshes a rotating refresh token at a time.
CREATE TABLE exact_tokens (
    connection_id  bigint PRIMARY KEY REFERENCES connections (id) ON DELETE CASCADE,
    token          bytea,
    updated_at     timestamptz NOT NULL DEFAULT now()
);

-- Links between an Odoo record and the Exact entity it was synced to, with the hash of the last payload sent.
CREATE TABLE links (
    connection_id  bigint NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    odoo_model     text NOT NULL,
    odoo_id        bigint NOT NULL,
    exact_entity   text NOT NULL,
    exact_id       text NOT NULL,
    exact_code     text NOT NULL DEFAULT '',
    payload_hash   text NOT NULL DEFAULT '',
    payload        jsonb,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (connection_id, odoo_model, odoo_id),
    UNIQUE (connection_id, exact_entity, exact_id)
);

-- Mappings the accountant maintains: Odoo journals -> Exact journal codes, taxes -> VAT codes,
-- accounts -> GL accounts, payment terms -> payment conditions.
CREATE TABLE mappings (
    connection_id  bigint NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    kind           text NOT NULL CHECK (kind IN ('journal', 'tax', 'account', 'payment_term')),
    odoo_id        bigint NOT NULL,
    odoo_name      text NOT NULL DEFAULT '',
    exact_code     text NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (connection_id, kind, odoo_id)
);

-- Cursors of the change detectors (e.g. Odoo write_date + id, Exact sync timestamps).
CREATE TABLE cursors (
    connection_id  bigint NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    name           text NOT NULL,
    value          text NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (connection_id, name)
);

-- Self-checks written by the SelfCheck workflow (`starter doctor`): proof that a worker reached this database.
CREATE TABLE selfchecks (
    nonce       text PRIMARY KEY,
    worker      text NOT NULL,
    checked_at  timestamptz NOT NULL DEFAULT now()
);
