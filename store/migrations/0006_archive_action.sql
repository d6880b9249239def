-- +goose Up
-- What a sync does when an Odoo partner linked to an Exact account is archived: 'block' sets the account's
-- Blocked flag in Exact (and clears it when the partner is restored), 'ignore' leaves the account active.
ALTER TABLE connections ADD COLUMN archive_action text NOT NULL DEFAULT 'block'
    CHECK (archive_action IN ('block', 'ignore'));

-- Accounts deleted in Exact, as sync/Deleted (EntityType 2) reports them: the mirror keeps the row as a
-- tombstone, so a sync can tell that its linked account is gone and matching never offers it again.
ALTER TABLE exact_accounts ADD COLUMN deleted boolean NOT NULL DEFAULT false;
