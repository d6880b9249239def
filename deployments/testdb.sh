# Sourced by test.sh and conformance.sh: when DATABASE_URL is unset, start the throw-away PostgreSQL cluster in
# .data/pgtest (port EXACTSYNC_TEST_PGPORT, default 5434, or the next free one) and stop it when the script exits.
# Each test makes its own database in it. Also points TEMPORAL_CLI at the pinned build in .bin/.
started_pg=""
if [ -z "${DATABASE_URL:-}" ]; then
	DATABASE_URL=$(deployments/postgres.sh start .data/pgtest "${EXACTSYNC_TEST_PGPORT:-5434}")
	export DATABASE_URL
	started_pg=1
fi
stop_testdb() {
	if [ -n "$started_pg" ]; then
		deployments/postgres.sh stop .data/pgtest
	fi
}
trap stop_testdb EXIT
export TEMPORAL_CLI="$root/.bin/temporal"
