#!/usr/bin/env bash
# Starts, stops and describes a local PostgreSQL cluster for development and tests.
#
#   deployments/postgres.sh start  DATADIR PORT   # initdb when new, start, create the database; prints the URL
#   deployments/postgres.sh stop   DATADIR        # fast shutdown; the data stays
#   deployments/postgres.sh url    DATADIR PORT   # prints the URL only
#
# The cluster listens on 127.0.0.1 only, trusts local connections (a development cluster, never production)
# and runs as an unprivileged user: PostgreSQL refuses to run as root, and CI runs as root.
# The PostgreSQL 15 binaries are looked up on PATH and under /usr/lib/postgresql; when missing they are
# installed with apt-get.
set -euo pipefail

cmd=${1:?usage: postgres.sh start|stop|url DATADIR [PORT]}
datadir=${2:?data directory missing}
port=${3:-5433}
dbname=exactsync
dbuser=exactsync

find_bin() {
	local d
	for d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
		if [ -x "$d/pg_ctl" ] && [ -x "$d/initdb" ] && [ -x "$d/psql" ]; then
			echo "$d"
			return 0
		fi
	done
	if command -v pg_ctl >/dev/null 2>&1 && command -v psql >/dev/null 2>&1; then
		d=$(dirname "$(readlink -f "$(command -v pg_ctl)")")
		[ -x "$d/initdb" ] && [ -x "$d/psql" ] && echo "$d" && return 0
	fi
	return 1
}

pgbin=$(find_bin || true)
if [ -z "$pgbin" ]; then
	echo "postgres.sh: PostgreSQL binaries not found; installing the postgresql package with apt-get" >&2
	if [ "$(id -u)" != 0 ]; then
		echo "postgres.sh: not root; install PostgreSQL 15 (apt-get install postgresql) or set DATABASE_URL" >&2
		exit 1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
	pgbin=$(find_bin)
fi

# as_owner runs a PostgreSQL command as the unprivileged owner of the cluster.
as_owner() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u "$owner" -- "$@"
	else
		"$@"
	fi
}

owner=$(id -un)
if [ "$(id -u)" = 0 ]; then
	owner=postgres
	if ! id "$owner" >/dev/null 2>&1; then
		useradd --system --no-create-home --shell /usr/sbin/nologin "$owner"
	fi
fi

url="postgres://${dbuser}@127.0.0.1:${port}/${dbname}?sslmode=disable"

case "$cmd" in
url)
	if [ -f "$datadir/exactsync.port" ]; then
		port=$(cat "$datadir/exactsync.port")
	fi
	echo "postgres://${dbuser}@127.0.0.1:${port}/${dbname}?sslmode=disable"
	;;
start)
	mkdir -p "$datadir"
	datadir=$(cd "$datadir" && pwd)
	if [ "$(id -u)" = 0 ]; then
		chown "$owner" "$datadir"
		chmod 700 "$datadir"
	fi
	if [ ! -f "$datadir/PG_VERSION" ]; then
		as_owner "$pgbin/initdb" -D "$datadir" -U "$dbuser" -A trust -E UTF8 --locale=C.UTF-8 >/dev/null 2>&1 ||
			as_owner "$pgbin/initdb" -D "$datadir" -U "$dbuser" -A trust -E UTF8 --locale=C >/dev/null
	fi
	if as_owner "$pgbin/pg_ctl" -D "$datadir" status >/dev/null 2>&1; then
		port=$(cat "$datadir/exactsync.port" 2>/dev/null || echo "$port")
	else
		# Another server on the port (a second checkout, a system PostgreSQL): take the next free one.
		while (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
			port=$((port + 1))
		done
		as_owner "$pgbin/pg_ctl" -D "$datadir" -w -t 60 -l "$datadir/server.log" \
			-o "-h 127.0.0.1 -p $port -k $datadir -c max_connections=200 -c fsync=off" start >/dev/null
		echo "$port" >"$datadir/exactsync.port"
	fi
	url="postgres://${dbuser}@127.0.0.1:${port}/${dbname}?sslmode=disable"
	if ! as_owner "$pgbin/psql" -h 127.0.0.1 -p "$port" -U "$dbuser" -d postgres -tAc \
		"SELECT 1 FROM pg_database WHERE datname = '$dbname'" | grep -q 1; then
		as_owner "$pgbin/createdb" -h 127.0.0.1 -p "$port" -U "$dbuser" "$dbname"
	fi
	echo "$url"
	;;
stop)
	if [ -f "$datadir/PG_VERSION" ]; then
		as_owner "$pgbin/pg_ctl" -D "$datadir" -m fast -w stop >/dev/null 2>&1 || true
	fi
	;;
*)
	echo "usage: postgres.sh start|stop|url DATADIR [PORT]" >&2
	exit 2
	;;
esac
