#!/usr/bin/env bash
# Set up and run the app. With no PLAN_DATABASE_URL it uses SQLite at data/plan.db, and the first
# start loads the plan from seed_actions.yaml. Extra arguments go to `streamlit run`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python -m plan init
exec .venv/bin/python -m streamlit run server.py --browser.gatherUsageStats=false "$@"
