#!/bin/sh
# One-shot schema set-up for Temporal on PostgreSQL (idempotent: create tolerates an existing DB,
# update-schema only applies missing versions).
set -eu
tool() { temporal-sql-tool --plugin postgres12 --ep postgresql -u "$POSTGRES_USER" -p 5432 "$@"; }
until nc -z -w 5 postgresql 5432; do echo 'waiting for postgresql...'; sleep 1; done
for db in temporal temporal_visibility; do
  tool --db "$db" create || true
  tool --db "$db" setup-schema -v 0.0 || true
done
tool --db temporal update-schema -d /etc/temporal/schema/postgresql/v12/temporal/versioned
tool --db temporal_visibility update-schema -d /etc/temporal/schema/postgresql/v12/visibility/versioned
echo 'temporal schema ready'
