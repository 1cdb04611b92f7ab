#!/usr/bin/env bash
# Install the system packages the project needs on Debian/Ubuntu, only those that are missing.
#   scripts/install-system-deps.sh            PostGIS, GDAL, Python venv, Node.js, Mosquitto (MQTT)
#   scripts/install-system-deps.sh --clients  also Chromium and QGIS (browser and QGIS tests)
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing() {  # prints the packages of "$@" that are not installed
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || echo "$pkg"
  done
}

postgis_package() {  # postgresql-15-postgis-3 on Debian 12; the newest available elsewhere
  if apt-cache show postgresql-15-postgis-3 >/dev/null 2>&1; then
    echo postgresql-15-postgis-3
  else
    apt-cache search --names-only '^postgresql-[0-9]+-postgis-3$' | awk '{print $1}' | sort -V | tail -n 1
  fi
}

wanted=(gdal-bin ca-certificates mosquitto iproute2 util-linux)
command -v npm >/dev/null || wanted+=(nodejs npm)
python3 -c "import venv, ensurepip" 2>/dev/null || wanted+=(python3-venv python3-dev)
if [ "${1:-}" = "--clients" ]; then
  wanted+=(chromium python3-qgis qgis-providers fonts-dejavu-core)
fi

if ! command -v apt-get >/dev/null; then
  echo "apt-get not found: install PostGIS 3, GDAL, Node.js (and Chromium, QGIS) by hand" >&2
  exit 1
fi

todo=$(missing "${wanted[@]}")
need_postgis=no
ls /usr/lib/postgresql/*/lib/postgis-3.so >/dev/null 2>&1 || need_postgis=yes
if [ -z "$(echo $todo)" ] && [ "$need_postgis" = no ]; then
  echo "system packages: all present"
  exit 0
fi
$SUDO apt-get update -qq
if [ "$need_postgis" = yes ]; then todo="$todo $(postgis_package)"; fi
todo=$(echo $todo)
echo "installing: $todo"
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $todo
