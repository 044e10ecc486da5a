#!/usr/bin/env bash
# bench/scale.sh — what a cycle costs on a big site, and how that follows
# what changed rather than the size of the site.
#
#   bench/scale.sh [ARTICLES [SOURCES]]      default: 2000 1000
#
# Lays out a synthetic site (bench/scalegen: ARTICLES Markdown articles of
# about 400 words) and serves SOURCES generated feeds of ITEMS items
# (bench/feedserver, no added latency) from HOSTS loopback addresses, with
# fetch.concurrency CONCURRENCY. Then runs `braid generate` four times:
#   1 first            empty state, empty out/
#   2 nothing changed  every source answers 304
#   3 one article edited
#   4 one source has ITEMS new items (feedserver POST /bump)
# and prints a Markdown row per cycle: wall, CPU (user + sys), share of
# cycle 1's CPU, peak RSS (/usr/bin/time -v) and files written (braid's
# summary line).
#
# Env: BRAID (a braid binary to measure; default: build ./cmd/braid)
#      PROFILE (a folder: write cycle N's CPU profile to PROFILE/cycleN.pprof
#      through BRAID_CPUPROFILE, and its heap at its peak to PROFILE/heapN.pprof
#      through BRAID_MEMPROFILE)  ITEMS (20)  HOSTS (10)  CONCURRENCY (32)
#      PORT (18180)  CTL (127.0.0.1:18179)
# Needs: Go, curl, GNU time at /usr/bin/time (Debian: apt-get install time).
set -euo pipefail
cd "$(dirname "$0")/.."

ARTICLES=${1:-2000}
SOURCES=${2:-1000}
ITEMS=${ITEMS:-20}
HOSTS=${HOSTS:-10}
CONCURRENCY=${CONCURRENCY:-32}
PORT=${PORT:-18180}
CTL=${CTL:-127.0.0.1:18179}
PROFILE=${PROFILE:-}

[[ -x /usr/bin/time ]] || { echo "scale.sh: needs GNU time at /usr/bin/time (apt-get install time)" >&2; exit 2; }
command -v curl >/dev/null || { echo "scale.sh: needs curl" >&2; exit 2; }

work=$(mktemp -d)
server=
cleanup() {
  [[ -n $server ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

braid=${BRAID:-}
if [[ -z $braid ]]; then
  go build -o "$work/braid" ./cmd/braid
  braid=$work/braid
fi
go build -o "$work/feedserver" ./bench/feedserver
go build -o "$work/scalegen" ./bench/scalegen

site=$work/site
mkdir -p "$site"
"$work/scalegen" -n "$ARTICLES" -dir "$site/content"
per_addr=$(((SOURCES + HOSTS - 1) / HOSTS))
"$work/feedserver" -n "$SOURCES" -items "$ITEMS" -per-addr "$per_addr" -port "$PORT" -ctl "$CTL" \
  -latency 0s -urls "$site/urls.txt" 2>"$work/server.log" &
server=$!
for _ in $(seq 100); do curl -fsS "http://$CTL/stats" >/dev/null 2>&1 && break; sleep 0.1; done
{
  printf 'site:\n  title: Scale News\n  url: https://news.example.com\n'
  printf 'fetch:\n  concurrency: %s\n' "$CONCURRENCY"
  printf 'sources:\n'
  awk '{printf "  - name: feed %d\n    url: %s\n", NR, $0}' "$site/urls.txt"
} >"$site/config.yaml"

echo "$ARTICLES articles, $SOURCES sources × $ITEMS items on $HOSTS hosts, concurrency $CONCURRENCY, $(nproc) CPUs, $(go version | cut -d' ' -f3), $("$braid" version 2>/dev/null | head -1)"
echo
echo "| cycle | wall s | CPU s | of cycle 1's CPU | peak RSS MB | files written | braid says |"
echo "|---|---:|---:|---:|---:|---:|---|"
cpu1=
for n in 1 2 3 4; do
  case $n in
    1) label="1 first" ;;
    2) label="2 nothing changed" ;;
    3) label="3 one article edited"; "$work/scalegen" -n "$ARTICLES" -dir "$site/content" -edit $((ARTICLES / 2)) ;;
    4) label="4 one source has $ITEMS new items"; curl -fsS -X POST "http://$CTL/bump?feed=$((SOURCES / 2))" ;;
  esac
  prof=()
  [[ -n $PROFILE ]] && mkdir -p "$PROFILE" && prof=(env "BRAID_CPUPROFILE=$PROFILE/cycle$n.pprof" "BRAID_MEMPROFILE=$PROFILE/heap$n.pprof")
  /usr/bin/time -v -o "$work/time.txt" "${prof[@]}" "$braid" generate --config "$site/config.yaml" >"$work/out.txt" 2>&1 || {
    echo "scale.sh: cycle $n failed:" >&2; tail -20 "$work/out.txt" >&2; exit 1; }
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s}' "$work/time.txt")
  cpu=$(awk -F': ' '/User time/ {u = $2} /System time/ {s = $2} END {printf "%.2f", u + s}' "$work/time.txt")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$work/time.txt")
  says=$(tail -1 "$work/out.txt")
  written=$(sed -nE 's/.*files: ([0-9]+) written.*/\1/p' <<<"$says")
  [[ -z $cpu1 ]] && cpu1=$cpu
  share=$(awk -v c="$cpu" -v c1="$cpu1" 'BEGIN {printf "%.2f", c / c1}')
  echo "| $label | $wall | $cpu | $share | $rss | ${written:-?} | ${says%;*} |"
done
