#!/bin/sh
# Creates one database per Tessera service, each owned by a login role of the same name, so a
# service can reach only its own data. The official postgres image runs this once, on the first
# start with an empty data directory (/docker-entrypoint-initdb.d). Passwords come from
# USERS_DB_PASSWORD, PRODUCTS_DB_PASSWORD, ORDERS_DB_PASSWORD and REVIEWS_DB_PASSWORD.
#
# The Kubernetes dev overlay ships a byte-identical copy (deploy/kubernetes/overlays/dev/
# postgres/); scripts/validate-deploy fails when the two differ.
set -eu

for service in users products orders reviews; do
  var="$(echo "$service" | tr '[:lower:]' '[:upper:]')_DB_PASSWORD"
  password="$(printenv "$var" || true)"
  if [ -z "$password" ]; then
    echo "10-tessera-databases.sh: $var is not set" >&2
    exit 1
  fi
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v role="$service" -v password="$password" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password';
CREATE DATABASE :"role" OWNER :"role";
REVOKE ALL ON DATABASE :"role" FROM PUBLIC;
SQL
done
