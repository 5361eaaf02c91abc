#!/usr/bin/env bash
# What `make run` shows until the desktop app lands: today's answers from the rules engine, for a seller.
set -euo pipefail
koodesk=${1:-koodesk}
today=$(TZ=Asia/Shanghai date +%F)
period=$(TZ=Asia/Shanghai date -d "$(TZ=Asia/Shanghai date +%Y-%m-01) -1 day" +%Y-%m)

echo "KooDesk — the KooGallery seller's console (rules engine, $today Beijing)"
echo
echo "== Settlement of last month ($period)"
"$koodesk" settlement-schedule --period "$period"
echo
echo "== Tax on a SaaS subscription and a one-time License"
"$koodesk" tax --access-type saas --billing-mode period --amount 1060
"$koodesk" tax --access-type license --billing-mode one-time --amount 1130
echo
echo "== An invoice requested now for a 99.50 paper invoice"
"$koodesk" invoice-rules --order-date "$today" --requested-at "$(TZ=Asia/Shanghai date +%FT%T)" --amount 99.50 --medium paper
echo
echo "== 1004.50 in capitals"
"$koodesk" amount-words 1004.50
echo
echo "Every command: $koodesk --help"
