#!/usr/bin/env bash
# bench/fetch.sh — how braid's fetcher compares with a naive loop.
#
#   bench/fetch.sh [N...]        default N: 100 500 1000
#
# For each N it serves N generated feeds (bench/feedserver: ~21 KB of RSS,
# ~6 KB gzipped, ETag + Last-Modified, no caching hints, LATENCY added to
# every answer) from many loopback addresses (127.0.0.2, 127.0.0.3, …,
# PER_ADDR feeds each, so fetch.per_host applies as it would in the wild),
# then measures, in this order and against the same server:
#   cycle 1   `braid generate` with an empty state (every feed is new)
#   cycle 2   `braid generate` again, nothing changed (all conditional, 304)
#   fetch 1/2 the same two cycles with only the fetch step (bench/fetchonly:
#             sources.FetchAll, no relatedness scoring, no rendering)
#   naive     a sequential loop of gofeed.NewParser().ParseURL (bench/naive)
# and prints one Markdown table row per run: wall time, CPU time (user +
# sys), peak RSS (/usr/bin/time -v), bytes downloaded (counted on the
# server's sockets: headers and bodies) and requests per answer status.
#
# Env: BRAID (a braid binary to measure; default: build ./cmd/braid)
#      ONLY_BRAID (1: skip the fetch-only and naive runs, e.g. to compare
#      concurrencies: for c in 8 16 32 64; do CONCURRENCY=$c ONLY_BRAID=1 PER_ADDR=10 bench/fetch.sh 500; done)
#      LATENCY (50ms)  CONCURRENCY (64, braid's default)  PER_HOST (2, the
#      default)  PER_ADDR (4)  ITEMS (20 per feed)  PORT (18080)  CTL (127.0.0.1:18079)
# Needs: Go, curl, GNU time at /usr/bin/time (Debian: apt-get install time).
set -euo pipefail
cd "$(dirname "$0")/.."

LATENCY=${LATENCY:-50ms}
CONCURRENCY=${CONCURRENCY:-64}
PER_HOST=${PER_HOST:-2}
PER_ADDR=${PER_ADDR:-4}
ITEMS=${ITEMS:-20}
PORT=${PORT:-18080}
CTL=${CTL:-127.0.0.1:18079}
sizes=("$@")
((${#sizes[@]})) || sizes=(100 500 1000)

[[ -x /usr/bin/time ]] || { echo "fetch.sh: needs GNU time at /usr/bin/time (apt-get install time)" >&2; exit 2; }
command -v curl >/dev/null || { echo "fetch.sh: needs curl" >&2; exit 2; }

work=$(mktemp -d)
server=
cleanup() {
  [[ -n $server ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

if [[ -n ${BRAID:-} ]]; then cp "$BRAID" "$work/braid"; else go build -o "$work/braid" ./cmd/braid; fi
go build -o "$work/feedserver" ./bench/feedserver
go build -o "$work/naive" ./bench/naive
go build -o "$work/fetchonly" ./bench/fetchonly

# measure LABEL CMD... runs CMD under GNU time and sets wall, cpu, rss_mb.
measure() {
  /usr/bin/time -v -o "$work/time.txt" "$@" >"$work/out.txt" 2>&1 || {
    echo "fetch.sh: $* failed:" >&2; cat "$work/out.txt" >&2; exit 1; }
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s}' "$work/time.txt")
  cpu=$(awk -F': ' '/User time/ {u = $2} /System time/ {s = $2} END {printf "%.2f", u + s}' "$work/time.txt")
  rss_mb=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$work/time.txt")
}

# stats reads and resets the server's counts: sets bytes and requests.
stats() {
  local js
  js=$(curl -fsS "http://$CTL/stats?reset=1")
  bytes=$(sed -E 's/.*"wire_bytes":([0-9]+).*/\1/' <<<"$js")
  requests=$(sed -E 's/.*"requests":\{([^}]*)\}.*/\1/; s/"//g; s/,/ /g' <<<"$js")
}

echo "LATENCY=$LATENCY CONCURRENCY=$CONCURRENCY PER_HOST=$PER_HOST PER_ADDR=$PER_ADDR ITEMS=$ITEMS, $(nproc) CPUs, $(go version | cut -d' ' -f3)"
echo
echo "| N | run | wall s | CPU s | peak RSS MB | bytes downloaded | requests (status:count) | braid says |"
echo "|---:|---|---:|---:|---:|---:|---|---|"
for n in "${sizes[@]}"; do
  site="$work/site-$n"
  mkdir -p "$site"
  cp -r content "$site/content"
  "$work/feedserver" -n "$n" -items "$ITEMS" -per-addr "$PER_ADDR" -port "$PORT" -ctl "$CTL" \
    -latency "$LATENCY" -urls "$site/urls.txt" 2>"$work/server.log" &
  server=$!
  for _ in $(seq 100); do curl -fsS "http://$CTL/stats" >/dev/null 2>&1 && break; sleep 0.1; done
  {
    printf 'site:\n  title: Bench News\n  url: https://news.example.com\n'
    printf 'fetch:\n  concurrency: %s\n  per_host: %s\n' "$CONCURRENCY" "$PER_HOST"
    printf 'sources:\n'
    awk '{printf "  - name: feed %d\n    url: %s\n", NR, $0}' "$site/urls.txt"
  } >"$site/config.yaml"
  stats

  declare -A w c
  for run in "cycle 1" "cycle 2"; do
    measure "$work/braid" generate --config "$site/config.yaml"
    stats
    says=$(tail -1 "$work/out.txt" | sed -E 's/;[^;]*$//')
    w[$run]=$wall c[$run]=$cpu b[${run#cycle }]=$bytes
    echo "| $n | braid $run | $wall | $cpu | $rss_mb | $bytes | $requests | $says |"
  done
  if [[ ${ONLY_BRAID:-} == 1 ]]; then
    kill "$server"; wait "$server" 2>/dev/null || true; server=
    continue
  fi
  for run in "fetch 1" "fetch 2"; do
    measure "$work/fetchonly" -config "$site/config.yaml" -state "$site/fetchonly.db"
    stats
    w[$run]=$wall c[$run]=$cpu b[${run#fetch }0]=$bytes
    echo "| $n | fetch only, cycle ${run#fetch } | $wall | $cpu | $rss_mb | $bytes | $requests | $(tail -1 "$work/out.txt") |"
  done
  measure "$work/naive" "$site/urls.txt"
  stats
  echo "| $n | naive loop | $wall | $cpu | $rss_mb | $bytes | $requests | $(tail -1 "$work/out.txt") |"
  awk -v n="$n" -v nw="$wall" -v w1="${w[cycle 1]}" -v c1="${c[cycle 1]}" -v c2="${c[cycle 2]}" -v b1="${b[1]}" -v b2="${b[2]}" \
    -v fw1="${w[fetch 1]}" -v fc1="${c[fetch 1]}" -v fc2="${c[fetch 2]}" \
    'BEGIN {printf "| %s | **ratios** | naive ÷ cycle 1: **%.1f×** (fetch only: **%.1f×**) | cycle 2 ÷ cycle 1: **%.2f** (fetch only: **%.2f**) | | cycle 2 ÷ cycle 1: **%.1f%%** | | |\n", n, nw / w1, nw / fw1, c2 / c1, fc2 / fc1, 100 * b2 / b1}'
  kill "$server"; wait "$server" 2>/dev/null || true; server=
done
