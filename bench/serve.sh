#!/usr/bin/env bash
# bench/serve.sh: load-test `braid serve` with a separate client process on
# 127.0.0.1. It builds a site whose site-wide feed holds 50 items, runs
# `braid generate` once, starts `braid serve`, and runs bench/loadgen for
# full gzip'd answers and for 304 answers (If-None-Match).
#
#   bash bench/serve.sh            # 10 s per case, 32 connections
#   DUR=30s CONC=64 bash bench/serve.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${DUR:-10s}
CONC=${CONC:-32}
work=$(mktemp -d)
server=
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT

go build -o "$work/braid" ./cmd/braid
go build -o "$work/loadgen" ./bench/loadgen

mkdir -p "$work/site/content"
for i in $(seq -w 1 50); do
  cat > "$work/site/content/story-$i.md" <<MD
---
title: Benchmark Story $i About the Harbour Council Budget
date: 2026-10-$(printf %02d $(( (10#$i % 28) + 1 )))T08:$i:00Z
tags: [benchmark, council]
---
Paragraph one of story $i. The harbour council met on Tuesday to discuss the budget,
the ferry timetable and the new sea wall, which engineers say needs repairs before winter.

## What Happens Next

Paragraph two of story $i, with enough text to make the feed a realistic size for readers
that poll it: councillors will vote next month, and residents can comment until then.
MD
done
cat > "$work/site/config.yaml" <<YAML
site:
  title: Bench News
  url: https://bench.example.com
schedule: "@every 10m"
YAML

"$work/braid" generate -c "$work/site/config.yaml" --quiet
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$work/braid" serve -c "$work/site/config.yaml" --listen "127.0.0.1:$port" --log-level error &
server=$!
for _ in $(seq 50); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done

url="http://127.0.0.1:$port/rss.xml"
items=$(grep -c "<item>" "$work/site/out/rss.xml")
echo "feed: $url ($items items, $(wc -c < "$work/site/out/rss.xml") bytes)"
echo "== full answers, gzip (c=$CONC, $DUR)"
"$work/loadgen" -url "$url" -c "$CONC" -d "$DUR" -gzip
echo "== 304 answers, If-None-Match (c=$CONC, $DUR)"
"$work/loadgen" -url "$url" -c "$CONC" -d "$DUR" -gzip -etag
