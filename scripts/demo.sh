#!/usr/bin/env bash
# The main job, on a fresh Debian/Ubuntu machine: install what is missing, bring PostGIS up,
# migrate, load every sample layer of data/ (vector and LiDAR), build the terrain models, the
# point-cloud and building 3D Tiles, publish the catalogue, then serve the OGC API, tiles,
# viewer and catalogue until interrupted (Ctrl-C). Every step is idempotent: rerun at will.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-system-deps.sh
scripts/setup-env.sh
export PATH="$PWD/.venv/bin:$PATH"

twin db up
twin db migrate
twin layers register
twin ingest all
twin ingest lidar data/delft/ahn3_cropped_1.laz data/delft/ahn3_cropped_2.laz \
    --layer delft_lidar --crs EPSG:28992+5709
twin build dem delft_lidar --resolution 0.5
twin build pointcloud delft_lidar
twin build heights delft_buildings --lidar delft_lidar
twin build buildings delft_buildings
twin catalog export
twin layers list
exec twin serve
