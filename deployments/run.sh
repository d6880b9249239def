#!/usr/bin/env bash
# `make run`: brings up everything and runs the sync.
#
# By default: a local PostgreSQL (.data/postgres), the Temporal dev server with its Web UI (127.0.0.1:8233,
# history in .data/temporal.db), the Odoo and Exact simulators seeded with a demo company, and the worker;
# then connects both sides as connection "demo" and starts the change detection. Ctrl-C stops everything it
# started. Running it again keeps PostgreSQL and Temporal's history; `make clean` wipes them. EXACTSYNC_DATA_DIR
# puts them elsewhere than .data/ (the e2e test of this script does).
#
# With real systems: set DATABASE_URL to use your PostgreSQL, TEMPORAL_ADDRESS (and TEMPORAL_NAMESPACE,
# TEMPORAL_API_KEY, …) to use your Temporal, ODOO_URL/ODOO_DB/ODOO_USER/ODOO_API_KEY (ODOO_COMPANY_ID) for a real Odoo and
# EXACT_CLIENT_ID/EXACT_CLIENT_SECRET/EXACT_SITE (EXACT_DIVISION) for a real Exact Online; the consent URL is
# printed once. EXACTSYNC_CONNECTION names the connection (default "demo").
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
data=${EXACTSYNC_DATA_DIR:-.data} # PostgreSQL, Temporal's history, the secrets key and the logs
mkdir -p "$data" .bin

log() { printf '\033[1mexactsync:\033[0m %s\n' "$*"; }

pids=()
started_pg=""
cleanup() {
	trap - EXIT INT TERM
	log "stopping"
	local i
	for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
		kill -TERM "${pids[$i]}" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	if [ -n "$started_pg" ]; then
		deployments/postgres.sh stop "$data/postgres"
	fi
	log "stopped; data kept in $data/ (make clean wipes it)"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# wait_for NAME CMD...: retries CMD for up to 90 s (a service starting), failing loudly.
wait_for() {
	local name=$1
	shift
	for _ in $(seq 1 180); do
		if "$@" >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.5
	done
	log "$name did not come up; see $data/*.log"
	exit 1
}

# port_free PORT: nothing listens on 127.0.0.1:PORT.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# free_port NAME DEFAULT: DEFAULT when free, else the next free port above it (and says so): never attach to
# another program's Temporal, simulator or worker by accident.
free_port() {
	local name=$1 p=$2
	while ! port_free "$p"; do
		p=$((p + 1))
		if [ "$p" -gt $(($2 + 100)) ]; then
			log "no free port for $name in $2-$(($2 + 100)); stop what holds them or set its port" >&2
			exit 1
		fi
	done
	[ "$p" = "$2" ] || log "port $2 ($name) is taken by another program; using $p" >&2
	echo "$p"
}

deployments/tools.sh
log "building the worker, the starter and the simulators"
go build -o .bin/ ./worker ./starter ./clients/exact/exacttest/exactsim ./clients/odoo/odootest/odoosim

if [ -z "${DATABASE_URL:-}" ]; then
	DATABASE_URL=$(deployments/postgres.sh start "$data/postgres" "${EXACTSYNC_PGPORT:-5433}")
	started_pg=1
	log "PostgreSQL at $DATABASE_URL"
fi
export DATABASE_URL

key_hint="EXACTSYNC_SECRET_KEY=<the key you set>"
if [ -z "${EXACTSYNC_SECRET_KEY:-}" ]; then
	key_hint="EXACTSYNC_SECRET_KEY=\$(cat $data/secret.key)"
	if [ ! -s "$data/secret.key" ]; then
		(umask 077 && head -c 32 /dev/urandom | base64 >"$data/secret.key")
		log "generated the secret-encryption key in $data/secret.key (production: set EXACTSYNC_SECRET_KEY)"
	fi
	EXACTSYNC_SECRET_KEY=$(cat "$data/secret.key")
fi
export EXACTSYNC_SECRET_KEY

ui_port=8233
own_temporal=${TEMPORAL_ADDRESS:-}
if [ -z "${TEMPORAL_ADDRESS:-}" ]; then
	temporal_port=$(free_port "Temporal" 7233)
	ui_port=$(free_port "Temporal Web UI" 8233)
	export TEMPORAL_ADDRESS=127.0.0.1:$temporal_port
	sa_args=()
	for sa in ExactsyncConnection=Keyword OdooModel=Keyword OdooID=Int ExactDivision=Int SyncState=Keyword ErrorClass=Keyword OdooName=Keyword ExactEntryNumber=Keyword SyncReason=Text; do
		sa_args+=(--search-attribute "$sa")
	done
	.bin/temporal server start-dev --ip 127.0.0.1 --port "$temporal_port" --ui-port "$ui_port" --db-filename "$data/temporal.db" \
		--log-level warn "${sa_args[@]}" >"$data/temporal.log" 2>&1 &
	pids+=($!)
	wait_for "Temporal" .bin/temporal operator cluster health --address "$TEMPORAL_ADDRESS"
	log "Temporal dev server at $TEMPORAL_ADDRESS, Web UI at http://127.0.0.1:$ui_port"
fi
.bin/starter search-attributes >/dev/null

conn=${EXACTSYNC_CONNECTION:-demo}
export EXACTSYNC_CONNECTION=$conn
odoo_sim="" exact_sim=""
if [ -z "${ODOO_URL:-}" ]; then
	odoo_port=$(free_port "the Odoo simulator" 8069)
	.bin/odoosim -addr "127.0.0.1:$odoo_port" -seed >"$data/odoosim.log" 2>&1 &
	pids+=($!)
	export ODOO_URL=http://127.0.0.1:$odoo_port ODOO_DB=demo ODOO_USER=admin ODOO_API_KEY=7c1e94b2d0a35f68e4b9a7c2d15f0e83b6a4c9d2
	odoo_sim=1
	log "Odoo simulator (17.0, demo company) at $ODOO_URL"
fi
exact_args=()
if [ -z "${EXACT_CLIENT_ID:-}" ]; then
	exact_port=$(free_port "the Exact simulator" 8090)
	.bin/exactsim -addr "127.0.0.1:$exact_port" >"$data/exactsim.log" 2>&1 &
	pids+=($!)
	export EXACT_CLIENT_ID=exactsync-dev EXACT_CLIENT_SECRET=exactsync-dev-secret EXACT_BASE_URL=http://127.0.0.1:$exact_port
	exact_args+=(--consent-over-http)
	exact_sim=1
	log "Exact Online simulator (division 1234567 \"Demo BV\") at $EXACT_BASE_URL"
fi
simulated=$odoo_sim$exact_sim # either side simulated
wait_for "the Odoo simulator" curl -sf -o /dev/null -X POST -H 'Content-Type: text/xml' \
	--data '<?xml version="1.0"?><methodCall><methodName>version</methodName><params></params></methodCall>' "$ODOO_URL/xmlrpc/2/common"

if [ -n "${EXACT_BASE_URL:-}" ]; then
	wait_for "Exact" curl -s -o /dev/null "$EXACT_BASE_URL/api/v1/current/Me"
fi

if [ -z "${EXACT_REDIRECT_URL:-}" ]; then
	export EXACT_REDIRECT_URL=http://127.0.0.1:$(free_port "the OAuth callback of starter connect exact" 8765)/exact/callback
fi

# Connect before the worker starts, so no sync runs with the tokens of a previous run.
if [ -n "$simulated" ]; then
	# The simulators start afresh each run, so links to their old records are forgotten.
	.bin/starter forget >/dev/null 2>&1 || true
fi
if [ -n "$simulated" ] || ! .bin/starter connected >/dev/null 2>&1; then
	.bin/starter connect odoo
	.bin/starter connect exact ${EXACT_DIVISION:+--division "$EXACT_DIVISION"} "${exact_args[@]}"
	.bin/starter mappings suggest --apply
fi
if [ -n "$simulated" ]; then
	# The demo sends its posted invoices of the last three months; real systems choose their own from-date.
	.bin/starter invoices --from "$(date -u -d '-3 months' +%F)"
fi

export EXACTSYNC_HTTP_ADDR=${EXACTSYNC_HTTP_ADDR:-127.0.0.1:$(free_port "the worker's HTTP (metrics, webhooks)" 9090)}
EXACTSYNC_LOG_FORMAT=${EXACTSYNC_LOG_FORMAT:-console} .bin/worker >>"$data/worker.log" 2>&1 &
pids+=($!)
wait_for "the worker" curl -sf "http://$EXACTSYNC_HTTP_ADDR/healthz"
log "worker polling task queue exactsync; metrics at http://$EXACTSYNC_HTTP_ADDR/metrics, logs in $data/worker.log"

.bin/starter odoo install-webhooks --public-url "http://$EXACTSYNC_HTTP_ADDR" --install-module ||
	log "webhooks not installed; polling every minute keeps the sync going"
pull_every=${EXACTSYNC_PULL_EVERY:-5m}
[ -n "$simulated" ] && pull_every=${EXACTSYNC_PULL_EVERY:-1m} # the demo shows a payment within a minute
.bin/starter schedule --every "${EXACTSYNC_POLL_EVERY:-60s}" --payments-every "$pull_every"

queue_url="http://127.0.0.1:$ui_port/namespaces/default/workflows"
[ -n "$own_temporal" ] && queue_url="your Temporal's Web UI, namespace ${TEMPORAL_NAMESPACE:-default}"
cat <<EOF

  exactsync is running.
    Queue (Temporal Web UI):  $queue_url
                              filter e.g.  SyncState = 'waiting'   or   OdooModel = 'account.move'   or   OdooName = 'INV/2026/00001'
    Status:                   .bin/starter status
    Mappings (valid/missing): .bin/starter mappings list
    Retry after a fix:        .bin/starter retry   (or in the Web UI, on a waiting run: Send signal "retry")
EOF
if [ -n "$odoo_sim" ]; then
	cat <<EOF
  The first contacts reach Exact within seconds; one seeded payment term ("30% Now, Balance 60 Days")
  has no Exact payment condition on purpose, so its partners wait in the queue for a fix, with a hint,
  until you map it: .bin/starter mappings set --kind payment_term --odoo-id ID --exact-code 60 && .bin/starter retry
  The demo's posted invoices, bills and credit notes follow, each with its PDF; the two with the 0 % sales tax
  wait for a fix: Exact has two 0 % VAT codes (0 and 6), so the tax is left for you to map (the hint names the
  command), then .bin/starter retry sends them. The analytic accounts whose reference is an Exact cost centre
  or cost unit code are mapped by the suggestion: INV/…/00001's labour line reaches Exact split 60/40 over
  cost centres 100 and 300 (.bin/starter mappings list --kind analytic).
EOF
else
	what="customers and suppliers"
	[ -n "$exact_sim" ] && what="customers and suppliers, and the posted invoices, bills and credit notes from the from-date above,"
	cat <<EOF
  Your Odoo's $what
  go to Exact at the first detection; what cannot go waits in the queue with its reason and the fix.
  Map what .bin/starter mappings list shows MISSING, then .bin/starter retry.
EOF
fi
if [ -n "$exact_sim" ]; then
	cat <<EOF
  Payments come back: pay an invoice or bill that is open in Odoo (the Web UI shows its ExactEntryNumber,
  e.g. 26600001) in the Exact simulator, as an accountant processing a bank statement:
    .bin/exactsim pay -url $EXACT_BASE_URL -entry-number 26600001
  and within $pull_every Odoo shows it paid (starter status shows the last pull).
EOF
fi
cat <<EOF
  (export DATABASE_URL=$DATABASE_URL $key_hint to run .bin/starter in another shell)
  Ctrl-C stops everything.

EOF
wait "${pids[@]}"
