#!/usr/bin/env bash
# bench/fleet.sh — one braid vs a fleet of three on one PostgreSQL.
#
#   bench/fleet.sh [N]        default N: 10000
#
# Serves N generated feeds (bench/feedserver, LATENCY added to every
# answer, PER_ADDR feeds per loopback address) and a throwaway PostgreSQL
# (bench/pgcluster), then for each of "1 node" and "3 nodes", on a fresh
# database, runs two cycles (cycle 1: empty state; cycle 2: at once, in
# the same schedule period, so every source is under a lease and nothing is
# fetched) as `braid generate` processes — three at once for the fleet,
# each with its own out/ and BRAID_NODE — and prints one Markdown row per
# cycle: fetch wall time (from the first node entering the fetch phase to
# the last leaving it, from the debug log), whole-cycle wall time, requests
# per source (counted by the feed server), database round trips (the
# database's xact_commit + xact_rollback: every autocommit statement and
# every transaction is one) and peak RSS per node (GNU time).
#
# Env: LATENCY (50ms)  CONCURRENCY (16)  PER_HOST (2)  PER_ADDR (4)  ITEMS (5)
#      PORT (18090)  CTL (127.0.0.1:18089)
# Needs: Go, curl, GNU time at /usr/bin/time, Debian's postgresql.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${1:-10000}
LATENCY=${LATENCY:-50ms}
CONCURRENCY=${CONCURRENCY:-16}
PER_HOST=${PER_HOST:-2}
PER_ADDR=${PER_ADDR:-4}
ITEMS=${ITEMS:-5}
PORT=${PORT:-18090}
CTL=${CTL:-127.0.0.1:18089}

[[ -x /usr/bin/time ]] || { echo "fleet.sh: needs GNU time at /usr/bin/time (apt-get install time)" >&2; exit 2; }
psql=$(ls /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -1)
[[ -n $psql ]] || psql=$(command -v psql) || { echo "fleet.sh: needs Debian's postgresql" >&2; exit 2; }

work=$(mktemp -d)
chmod 755 "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/braid" ./cmd/braid
go build -o "$work/feedserver" ./bench/feedserver
go build -o "$work/pgcluster" ./bench/pgcluster

"$work/pgcluster" -url "$work/pg.url" 2>"$work/pg.log" &
pids+=($!)
for _ in $(seq 600); do [[ -s $work/pg.url ]] && break; sleep 0.1; done
[[ -s $work/pg.url ]] || { echo "fleet.sh: PostgreSQL did not start:" >&2; cat "$work/pg.log" >&2; exit 1; }
admin=$(cat "$work/pg.url")

"$work/feedserver" -n "$N" -items "$ITEMS" -per-addr "$PER_ADDR" -port "$PORT" -ctl "$CTL" \
  -latency "$LATENCY" -urls "$work/urls.txt" 2>"$work/server.log" &
pids+=($!)
for _ in $(seq 100); do curl -fsS "http://$CTL/stats" >/dev/null 2>&1 && break; sleep 0.1; done

mkdir -p "$work/content"
printf -- '---\ntitle: Harbour Cranes Arrive\ndate: 2026-11-18\n---\nSix cranes arrived at the harbour.\n' >"$work/content/harbour.md"

# roundtrips DB prints the database's transactions so far.
roundtrips() {
  sleep 1.5 # backends report their counts to the statistics within a second
  "$psql" "${admin%/postgres*}/$1?sslmode=disable" -Atqc \
    "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()"
}

# requests prints the feed server's requests since the last call.
requests() {
  curl -fsS "http://$CTL/stats?reset=1" | sed -E 's/.*"requests":\{([^}]*)\}.*/\1/' |
    tr ',' '\n' | awk -F: '{s += $2} END {print s + 0}'
}

# node NAME DB runs one `braid generate` as node NAME in the background.
node() {
  local name=$1 db=$2
  {
    printf 'site:\n  title: Bench News\n  url: https://news.example.com\n'
    printf 'content: %s\nout: %s\nstate: %s\n' "$work/content" "$work/out-$db-$name" "${admin%/postgres*}/$db?sslmode=disable"
    # A realistic period: the lease (3/4 of it) must outlast a cycle, or
    # sources fetched early in a long cycle would be free again before it ends.
    printf 'schedule: "@every 10m"\nrelated:\n  max_age: 0s\nfetch:\n  concurrency: %s\n  per_host: %s\n' "$CONCURRENCY" "$PER_HOST"
    printf 'sources:\n'
    awk '{printf "  - name: feed %d\n    url: %s\n", NR, $0}' "$work/urls.txt"
  } >"$work/$db-$name.yaml"
  BRAID_NODE=$name /usr/bin/time -v -o "$work/$db-$name.time" \
    "$work/braid" generate -c "$work/$db-$name.yaml" --log-level debug --log-format json \
    >"$work/$db-$name.out" 2>"$work/$db-$name.log" &
}

# fetchwall LOGS... is from the first "fetching sources" to the last "scoring".
fetchwall() {
  cat "$@" | grep '"msg":"cycle phase"' | grep -E '"phase":"(fetching sources|scoring)"' |
    sed -E 's/.*"time":"([^"]+)".*"phase":"([^" ]+)[^"]*".*/\2 \1/' |
    while read -r phase at; do echo "$phase $(date -d "$at" +%s.%N)"; done |
    awk '$1 == "fetching" {if (!s || $2 < s) s = $2} $1 == "scoring" {if ($2 > e) e = $2} END {printf "%.2f", e - s}'
}

echo "N=$N LATENCY=$LATENCY CONCURRENCY=$CONCURRENCY PER_HOST=$PER_HOST PER_ADDR=$PER_ADDR ITEMS=$ITEMS, $(nproc) CPUs, $(go version | cut -d' ' -f3)"
echo
echo "| nodes | cycle | fetch wall s | cycle wall s (slowest node) | requests per source | DB round trips | peak RSS per node MB | braid says (node 1) |"
echo "|---:|---|---:|---:|---:|---:|---|---|"
for nodes in 1 3; do
  db="fleet$nodes"
  "$psql" "$admin" -qc "CREATE DATABASE $db" >/dev/null
  requests >/dev/null
  before=$(roundtrips "$db")
  for cyc in 1 2; do
    start=$(date +%s.%N)
    for i in $(seq "$nodes"); do node "node-$i-c$cyc" "$db"; done
    wait_ok=1
    for j in $(jobs -p); do
      case " ${pids[*]} " in *" $j "*) continue ;; esac
      wait "$j" || wait_ok=0
    done
    end=$(date +%s.%N)
    ((wait_ok)) || { echo "fleet.sh: a node failed:" >&2; tail -5 "$work"/"$db"-node-*-c"$cyc".log >&2; exit 1; }
    req=$(requests)
    after=$(roundtrips "$db")
    rss=$(for i in $(seq "$nodes"); do awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$work/$db-node-$i-c$cyc.time"; echo; done | paste -sd/)
    fw=$(fetchwall "$work"/"$db"-node-*-c"$cyc".log)
    says=$(tail -1 "$work/$db-node-1-c$cyc.out" | sed -E 's/;[^;]*$//')
    printf '| %s | %s | %s | %.2f | %.2f | %s | %s | %s |\n' "$nodes" "$cyc" "$fw" "$(echo "$end - $start" | bc)" \
      "$(echo "$req / $N" | bc -l)" "$((after - before))" "$rss" "$says"
    before=$(roundtrips "$db")
  done
done
