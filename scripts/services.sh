#!/usr/bin/env bash
# Starts the servers the connector tests use, on loopback, if they are down, and configures what
# the tests need: PostgreSQL 15 (127.0.0.1:5432, with max_prepared_transactions for the two-phase
# commit sink), Redis 7 (127.0.0.1:6379) and NATS with JetStream (127.0.0.1:4222). Idempotent:
# a server that answers and is configured is left alone. Run by .ci/run before the tests.
set -euo pipefail

PREPARED_TRANSACTIONS=64

answers() { # host port
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

wait_for() { # name host port: up to 30 s, then fail naming the server
  for _ in $(seq 1 300); do
    answers "$2" "$3" && return 0
    sleep 0.1
  done
  echo "services: $1 at $2:$3 did not come up" >&2
  return 1
}

pg_cluster_version() {
  ls /etc/postgresql | sort -V | tail -1
}

if ! answers 127.0.0.1 5432; then
  echo "services: starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(pg_cluster_version)" main start
  wait_for PostgreSQL 127.0.0.1 5432
fi
psql_cmd=(psql -h 127.0.0.1 -U postgres -d postgres -tAq -v ON_ERROR_STOP=1)
for _ in $(seq 1 100); do "${psql_cmd[@]}" -c 'select 1' >/dev/null 2>&1 && break; sleep 0.1; done
prepared=$("${psql_cmd[@]}" -c 'show max_prepared_transactions')
if [ "$prepared" -lt "$PREPARED_TRANSACTIONS" ]; then
  echo "services: PostgreSQL max_prepared_transactions $prepared -> $PREPARED_TRANSACTIONS (restart)"
  "${psql_cmd[@]}" -c "alter system set max_prepared_transactions = $PREPARED_TRANSACTIONS"
  pg_ctlcluster --skip-systemctl-redirect "$(pg_cluster_version)" main restart
  wait_for PostgreSQL 127.0.0.1 5432
  for _ in $(seq 1 100); do "${psql_cmd[@]}" -c 'select 1' >/dev/null 2>&1 && break; sleep 0.1; done
fi
if [ "$("${psql_cmd[@]}" -c "select count(*) from pg_database where datname = 'test'")" = 0 ]; then
  "${psql_cmd[@]}" -c 'create database test'
fi

if ! answers 127.0.0.1 6379; then
  echo "services: starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_for Redis 127.0.0.1 6379
fi

if ! answers 127.0.0.1 4222; then
  echo "services: starting NATS"
  mkdir -p /var/lib/nats-server
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- \
    -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log
  wait_for NATS 127.0.0.1 4222
fi
echo "services: PostgreSQL, Redis and NATS answer on 127.0.0.1"
