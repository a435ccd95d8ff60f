#!/usr/bin/env bash
# Print the demo plan's board paper as a committee clerk would (LibreOffice headless, to PDF) and
# save its pages as pictures for the README (docs/board-paper/). Needs libreoffice-calc and
# poppler-utils. Run after a change to the paper: `bash scripts/paper_screenshots.sh`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PLAN_DATABASE_URL="sqlite:///$work/plan.db"
.venv/bin/python -m plan init >/dev/null
.venv/bin/python -m plan demo >/dev/null
.venv/bin/python -m plan export board-paper --out "$work/paper.pdf" --format pdf --author "Sam Secretariat" >/dev/null
mkdir -p docs/board-paper
rm -f docs/board-paper/page-*.png
pdftoppm -r 96 -png "$work/paper.pdf" "$work/page"
pages=$(ls "$work"/page-*.png | wc -l)
for n in 1 2 3 4 5 6; do  # the cover, its chart, matters arising, the exceptions, the first theme
  src=$(printf "%s/page-%02d.png" "$work" "$n")
  [ -f "$src" ] && cp "$src" "docs/board-paper/page-$n.png"
done
echo "docs/board-paper: pages 1-6 of $pages"
