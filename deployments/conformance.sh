#!/usr/bin/env bash
# `make conformance`: the Odoo client's operations and the contact flow against a REAL Odoo (not part of
# `make test`; CI has no Odoo). Needs ODOO_URL, ODOO_DB, ODOO_USER and ODOO_API_KEY (optional ODOO_COMPANY_ID,
# ODOO_TRANSPORT); ../shared/real-odoo/up.sh brings up a throw-away Odoo 17, 18 or 19 and writes them to an env file.
# It changes that Odoo (creates partners, invoices, payments, x_ fields, a webhook rule): never point it at
# production. Starts a throw-away PostgreSQL when DATABASE_URL is unset, like `make test`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

missing=()
for v in ODOO_URL ODOO_DB ODOO_USER ODOO_API_KEY; do
	[ -n "${!v:-}" ] || missing+=("$v")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "make conformance: set ${missing[*]} (for a local Odoo: ../shared/real-odoo/up.sh, then set -a; . /tmp/real-odoo/env; set +a)" >&2
	exit 2
fi

deployments/tools.sh

# shellcheck source=deployments/testdb.sh
. deployments/testdb.sh
echo "== conformance against Odoo at $ODOO_URL, database $ODOO_DB"
go test -tags conformance -count=1 -v -timeout 30m -run 'Conformance' ./clients/odoo/... ./worker/ 2>&1 | grep -v '^{'
exit "${PIPESTATUS[0]}"
