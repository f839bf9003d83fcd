#!/usr/bin/env bash
# Start the machine's PostgreSQL and Redis on 127.0.0.1 when they are not
# responding, then wait until both respond.
#
# Usage: conf/services.sh [start|status|env]
#   start   (default) start what is missing and wait; exit 1 if a service
#           still does not respond after the wait
#   status  print which services respond; exit 1 if one does not
#   env     print `export DATABASE_URL=...` and `export REDIS_URL=...` lines
#           for the services that respond, for `eval "$(conf/services.sh env)"`;
#           variables already set in the environment are kept; under CI=true
#           a service that does not respond is an error
#
# Both the Makefile and .ci/run call this script, so the start commands
# live in one place. A service that is already running is left alone.
set -euo pipefail

PG_HOST=127.0.0.1
PG_PORT=5432
REDIS_HOST=127.0.0.1
REDIS_PORT=6379
WAIT_SECONDS="${SERVICES_WAIT_SECONDS:-30}"

postgres_responds() {
    if command -v pg_isready >/dev/null 2>&1; then
        pg_isready -q -h "$PG_HOST" -p "$PG_PORT"
    else
        (exec 3<>"/dev/tcp/$PG_HOST/$PG_PORT") 2>/dev/null
    fi
}

redis_responds() {
    if command -v redis-cli >/dev/null 2>&1; then
        [ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]
    else
        (exec 3<>"/dev/tcp/$REDIS_HOST/$REDIS_PORT") 2>/dev/null
    fi
}

start_postgres() {
    if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ ! -d /etc/postgresql ]; then
        echo "services: PostgreSQL is not installed (no pg_ctlcluster or /etc/postgresql)" >&2
        return 1
    fi
    local version
    # The newest installed cluster version, e.g. "15".
    version="$(ls /etc/postgresql | sort -V | tail -n 1)"
    echo "services: starting PostgreSQL $version (cluster main)"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
}

start_redis() {
    if ! command -v redis-server >/dev/null 2>&1; then
        echo "services: redis-server is not installed" >&2
        return 1
    fi
    mkdir -p /var/lib/redis /var/log/redis
    echo "services: starting Redis on $REDIS_HOST:$REDIS_PORT"
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" \
        --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
}

# wait_until NAME CHECK_FUNCTION: poll every half second for WAIT_SECONDS.
wait_until() {
    local name="$1" check="$2" tries
    tries=$((WAIT_SECONDS * 2))
    while [ "$tries" -gt 0 ]; do
        if "$check"; then
            echo "services: $name responds"
            return 0
        fi
        sleep 0.5
        tries=$((tries - 1))
    done
    echo "services: $name did not respond within $WAIT_SECONDS s" >&2
    return 1
}

command_start() {
    local failed=0
    if ! postgres_responds; then
        start_postgres || failed=1
    fi
    if ! redis_responds; then
        start_redis || failed=1
    fi
    wait_until "PostgreSQL on $PG_HOST:$PG_PORT" postgres_responds || failed=1
    wait_until "Redis on $REDIS_HOST:$REDIS_PORT" redis_responds || failed=1
    return "$failed"
}

command_status() {
    local failed=0
    if postgres_responds; then
        echo "services: PostgreSQL responds on $PG_HOST:$PG_PORT"
    else
        echo "services: PostgreSQL does not respond on $PG_HOST:$PG_PORT"
        failed=1
    fi
    if redis_responds; then
        echo "services: Redis responds on $REDIS_HOST:$REDIS_PORT"
    else
        echo "services: Redis does not respond on $REDIS_HOST:$REDIS_PORT"
        failed=1
    fi
    return "$failed"
}

command_env() {
    local in_ci=0
    case "${CI:-}" in 1 | true | TRUE | True | yes | on) in_ci=1 ;; esac
    if [ -n "${DATABASE_URL:-}" ]; then
        printf 'export DATABASE_URL=%q\n' "$DATABASE_URL"
    elif postgres_responds; then
        echo "export DATABASE_URL=postgres://postgres@$PG_HOST:$PG_PORT/postgres"
    elif [ "$in_ci" = 1 ]; then
        echo "services: CI=true but PostgreSQL does not respond on $PG_HOST:$PG_PORT" >&2
        return 1
    else
        echo "services: PostgreSQL does not respond; its tests will be skipped" >&2
    fi
    if [ -n "${REDIS_URL:-}" ]; then
        printf 'export REDIS_URL=%q\n' "$REDIS_URL"
    elif redis_responds; then
        echo "export REDIS_URL=redis://$REDIS_HOST:$REDIS_PORT/0"
    elif [ "$in_ci" = 1 ]; then
        echo "services: CI=true but Redis does not respond on $REDIS_HOST:$REDIS_PORT" >&2
        return 1
    else
        echo "services: Redis does not respond; its tests will be skipped" >&2
    fi
}

case "${1:-start}" in
    start) command_start ;;
    status) command_status ;;
    env) command_env ;;
    *)
        echo "usage: $0 [start|status|env]" >&2
        exit 2
        ;;
esac
