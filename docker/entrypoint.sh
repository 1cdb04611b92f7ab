#!/bin/sh
# Entrypoint of the twin image (docker/Dockerfile), also run outside Docker by
# tests/integration/test_docker_entrypoint.py: what runs in the container is tested code.
#
#   1. wait for the database (bounded: TWIN_DB_WAIT seconds), creating PostGIS if missing
#   2. twin db migrate (every head; then the publication made whole, the transforms probed)
#   3. twin doctor: database, schema, grids of the service and of the database, data
#      directory, viewer assets; a failure stops here (warnings do not)
#   4. exec twin serve (TWIN_HOST, TWIN_PORT; links built from TWIN_PUBLIC_URL)
#
# With arguments, runs them instead (after the wait), e.g.
#   docker compose -f docker/compose.yml run --rm app twin layers list
#
# Configured by environment variables only:
#   TWIN_DATABASE_URL  required: the PostGIS server (the image has no private cluster)
#   TWIN_PUBLIC_URL    where users reach the service (every link starts with it); unset with
#                      TWIN_HOST=0.0.0.0: http://localhost:TWIN_PORT, with a warning
#   TWIN_DB_WAIT       seconds to wait for the database before giving up (default 60)
#   TWIN_MIGRATE       1 (default): migrate at start; 0: skip (another replica or a job does)
#   TWIN_DOCTOR        strict (default): stop when twin doctor finds a failure; warn: print
#                      its findings and serve anyway; off: skip it
#   every other TWIN_* setting is read by twin itself (twin/settings.py)
set -eu

log() {
    printf '%s entrypoint: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2
}

fail() {
    log "error: $*"
    exit 1
}

if [ -z "${TWIN_DATABASE_URL:-}" ]; then
    fail "TWIN_DATABASE_URL is not set (postgresql://user:password@host:5432/db)"
fi
case "${TWIN_DB_WAIT:=60}" in
    '' | *[!0-9]*) fail "TWIN_DB_WAIT must be a number of seconds, not '$TWIN_DB_WAIT'" ;;
esac
case "${TWIN_MIGRATE:=1}" in
    0 | 1) ;;
    *) fail "TWIN_MIGRATE must be 1 or 0, not '$TWIN_MIGRATE'" ;;
esac
case "${TWIN_DOCTOR:=strict}" in
    strict | warn | off) ;;
    *) fail "TWIN_DOCTOR must be strict, warn or off, not '$TWIN_DOCTOR'" ;;
esac
# Links are built from TWIN_PUBLIC_URL; without it, from TWIN_HOST, which in a container is
# the bind-all 0.0.0.0 no browser can use: fall back to localhost, loudly.
if [ -z "${TWIN_PUBLIC_URL:-}" ]; then
    case "${TWIN_HOST:-127.0.0.1}" in
        0.0.0.0 | :: | '[::]')
            TWIN_PUBLIC_URL="http://localhost:${TWIN_PORT:-8000}"
            export TWIN_PUBLIC_URL
            log "warning: TWIN_PUBLIC_URL is not set: links start with $TWIN_PUBLIC_URL; set it to the URL users reach the service at"
            ;;
    esac
fi
command -v twin >/dev/null 2>&1 || fail "the twin command is not on PATH ($PATH)"
# libpq gives up on an unanswered connection after this long, so each attempt is bounded too
PGCONNECT_TIMEOUT=${PGCONNECT_TIMEOUT:-5}
export PGCONNECT_TIMEOUT
# the server's name, never its password, goes to the log
server=$(printf '%s' "$TWIN_DATABASE_URL" | sed -e 's|^[^/]*//||' -e 's|^.*@||' -e 's|[/?].*$||')
mkdir -p "${TWIN_DATA_DIR:-var}"

# 1. `twin db up` with TWIN_DATABASE_URL set connects, creates the postgis extension when the
# database lacks it and prints the PostGIS version; it exits 1 while the server is down.
deadline=$(($(date +%s) + TWIN_DB_WAIT))
attempt=1
until output=$(twin db up 2>&1); do
    if [ "$(date +%s)" -ge "$deadline" ]; then
        printf '%s\n' "$output" >&2
        fail "the database at $server did not answer within ${TWIN_DB_WAIT}s (TWIN_DB_WAIT)"
    fi
    log "waiting for the database at $server (attempt $attempt)"
    attempt=$((attempt + 1))
    sleep 2
done
log "database at $server is up"

if [ "$#" -gt 0 ]; then
    exec "$@"
fi

# 2. Alembic migrations are idempotent: a migrated database is left as it is. They take no
# lock, so with several replicas set TWIN_MIGRATE=0 on all but one.
if [ "$TWIN_MIGRATE" = 1 ]; then
    log "twin db migrate"
    twin db migrate || fail "twin db migrate failed (see above)"
fi

# 3. The grids probe and the rest of the deployment check.
case "$TWIN_DOCTOR" in
    strict)
        log "twin doctor"
        twin doctor || fail "twin doctor found something broken (see above; TWIN_DOCTOR=warn serves anyway)"
        ;;
    warn)
        log "twin doctor (TWIN_DOCTOR=warn: failures do not stop the service)"
        twin doctor || log "warning: twin doctor found something broken (see above)"
        ;;
    off) log "twin doctor skipped (TWIN_DOCTOR=off)" ;;
esac

# 4. exec: twin serve becomes this process, so it gets SIGTERM from docker stop and exits
# after finishing the requests in flight.
log "twin serve"
exec twin serve
