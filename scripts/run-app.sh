#!/usr/bin/env bash
# Builds and starts Glabella. The first start creates an empty database in the
# per-user app-data folder, or in $GLABELLA_DATA_DIR when that is set.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh app
echo "==> Building the UI"
(cd ui && npm run build --silent)
echo "==> Building the app (release; about 6 minutes the first time)"
cargo build --release -p glabella --quiet
exec target/release/glabella "$@"
