#!/usr/bin/env bash
# Rebuild content/ from the five seed reading lists, reproducibly.
#
#   scripts/import-seeds.sh [SEEDS_DIR]      (default: content/imports/sources)
#
# Entries are dated 2026-11-23, the day the lists were first imported, so a re-run writes
# the same bytes. Seed 000 names no titles: its confirmed titles are in
# content/imports/field-25.titles.yaml (see docs/content-model.md).
set -euo pipefail
cd "$(dirname "$0")/.."
SEEDS=${1:-content/imports/sources}
PUBLISH=${PUBLISH:-publish}
export SOURCE_DATE_EPOCH=1795392000  # 2026-11-23T00:00:00Z

"$PUBLISH" import "$SEEDS"/001_*.txt --list best-ai-2015-now --lang en \
  --title "zh:2015 年至今最佳人工智能论文"
"$PUBLISH" import "$SEEDS"/002_*.txt --list papers-list --lang en \
  --title "zh:论文清单"
"$PUBLISH" import "$SEEDS"/000_*.txt --list field-25 --lang en \
  --title "zh:机器学习与人工智能——本领域 25 篇论文"
"$PUBLISH" import "$SEEDS"/003_*.txt --list llm-top10-2023-zh --lang zh \
  --title "en:Ten Noteworthy AI (LLM) Research Papers of 2023"
"$PUBLISH" import "$SEEDS"/004_*.txt --list ai-four-families-zh --lang zh \
  --title "AI 四大家族的核心论文" --title "en:Core Papers of the Four AI Families"
