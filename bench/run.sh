#!/usr/bin/env bash
# The benchmark of issue 6: the public signatory list, its 304s, the CSV export and the
# write path, on PostgreSQL and SQLite with 1 000, 10 000 and 100 000 signatories, side by
# side with nginx serving the same bytes and with the database's own rate for the list SQL.
# Writes bench/RESULTS.md. See bench/README.md for what each figure means and the knobs.
#
#   bash bench/run.sh                 # the full run (~15 minutes on 2 cores)
#   BENCH_QUICK=1 bash bench/run.sh   # 1 000 signatories, 3 s each: checks the script works
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BENCH=$ROOT/bench

QUICK=${BENCH_QUICK:-0}
if [ "$QUICK" = 1 ]; then
  SIZES=${BENCH_SIZES:-1000}
  DURATION=${BENCH_DURATION:-3}
  WARMUP=${BENCH_WARMUP:-1}
  OUT=${BENCH_OUT:-$BENCH/RESULTS-quick.md}
else
  SIZES=${BENCH_SIZES:-1000 10000 100000}
  DURATION=${BENCH_DURATION:-10}
  WARMUP=${BENCH_WARMUP:-3}
  OUT=${BENCH_OUT:-$BENCH/RESULTS.md}
fi
BACKENDS=${BENCH_BACKENDS:-postgres sqlite}
CONNS=${BENCH_CONNECTIONS:-64}
CSV_CONNS=${BENCH_CSV_CONNECTIONS:-8}
PGBENCH_CLIENTS=${BENCH_PGBENCH_CLIENTS:-8}
SERVER_CPU=${BENCH_SERVER_CPU:-0}
CLIENT_CPU=${BENCH_CLIENT_CPU:-1}
PORT=${BENCH_PORT:-18080}
NGINX_PORT=${BENCH_NGINX_PORT:-18081}
WORKERS=${BENCH_WORKERS:-1}
# Unset: the server's own default for the backend (32 on PostgreSQL, 8 on SQLite).
POOL=${BENCH_DB_POOL_SIZE:-}
SERVER_LOG=${BENCH_RUST_LOG:-warn}
# Organisations without an accession, for the write path: more than it can use.
SPARE=${BENCH_SPARE:-$((4000 * DURATION))}
# The CSV export is measured at 100 000 signatories (issue 15; or the largest size run).
CSV_SIZE=100000
case " $SIZES " in *" 100000 "*) ;; *) CSV_SIZE=${SIZES##* } ;; esac
# The embed page built from scratch: 3 000 signatories current on the dates asked, from the
# 10 000 data set (or the largest size run; below 3 000, all of them).
EMBED_SIZE=10000
case " $SIZES " in *" 10000 "*) ;; *) EMBED_SIZE=${SIZES##* } ;; esac
EMBED_COUNT=${BENCH_EMBED_COUNT:-$([ "$QUICK" = 1 ] && echo 10 || echo 50)}
# The plan of the ?q= query is printed once per backend, at the largest size.
PLAN_SIZE=${SIZES##* }
PLANS=()

NOTES=()
note() { NOTES+=("$*"); echo "note: $*"; }
say() { printf '\n== %s\n' "$*"; }

# ---------------------------------------------------------------- tools

say "tools"
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
command -v taskset >/dev/null || missing+=(util-linux)
command -v curl >/dev/null || missing+=(curl)
command -v python3 >/dev/null || missing+=(python3)
case " $BACKENDS " in *" postgres "*)
  command -v psql >/dev/null && command -v pgbench >/dev/null || missing+=(postgresql-client) ;;
esac
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} from Debian's packages"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if [ "$(nproc)" -lt 2 ]; then
  note "only $(nproc) CPU: the server and the load generator share it"
  CLIENT_CPU=$SERVER_CPU
fi
read -r load1 _ < /proc/loadavg
if awk -v l="$load1" 'BEGIN { exit !(l > 0.5) }'; then
  note "load average $load1 at start: the machine was not quiet, figures are low and noisy"
fi

# ---------------------------------------------------------------- work dir, cleanup

WORK=$(mktemp -d "${TMPDIR:-/tmp}/samverkan-bench.XXXXXX")
chmod 755 "$WORK"
RESULTS=$WORK/results.jsonl
: > "$RESULTS"
SERVER_PID=""
NGINX_PID=""
NGINX_WORKER=""
PG_DBS=()

stop_pid() {
  local pid=$1
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

cleanup() {
  stop_pid "$SERVER_PID"
  stop_pid "$NGINX_PID"
  if [ "${BENCH_KEEP:-0}" != 1 ]; then
    for db in "${PG_DBS[@]}"; do
      psql_admin -q -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
    done
    rm -rf "$WORK"
  else
    echo "kept $WORK and the databases ${PG_DBS[*]}"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for p in "$PORT" "$NGINX_PORT"; do
  if curl -s -o /dev/null "http://127.0.0.1:$p/" 2>/dev/null; then
    echo "bench: port $p is in use; set BENCH_PORT / BENCH_NGINX_PORT" >&2
    exit 1
  fi
done

# ---------------------------------------------------------------- PostgreSQL

PG_ADMIN=""
psql_admin() { PGOPTIONS='-c client_min_messages=warning' psql -X "$PG_ADMIN/postgres" "$@"; }
pg_url() { echo "$PG_ADMIN/$1"; }
case " $BACKENDS " in *" postgres "*)
  say "PostgreSQL"
  if [ -n "${BENCH_PG_ADMIN_URL:-}" ]; then
    PG_ADMIN=${BENCH_PG_ADMIN_URL%/}
  else
    if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
      version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
      [ -z "$version" ] || pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || true
      for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null && break; sleep 1; done
    fi
    PG_ADMIN="postgres://postgres@127.0.0.1:5432"
  fi
  if psql_admin -tAc 'SELECT 1' >/dev/null 2>&1; then
    echo "PostgreSQL $(psql_admin -tAc 'SHOW server_version') at ${PG_ADMIN#*@}"
  else
    note "PostgreSQL not reachable at ${PG_ADMIN#*@} (set BENCH_PG_ADMIN_URL): PostgreSQL skipped"
    BACKENDS=${BACKENDS//postgres/}
    PG_ADMIN=""
  fi
  ;;
esac

# ---------------------------------------------------------------- the release binary

if [ -n "${BENCH_BIN:-}" ]; then
  BIN=$BENCH_BIN
  say "binary: $BIN (BENCH_BIN, not rebuilt)"
else
  say "cargo build --release -p samverkan-api --bin samverkan"
  cargo build --release -p samverkan-api --bin samverkan
  target=${CARGO_TARGET_DIR:-target}
  case "$target" in /*) ;; *) target=$ROOT/$target ;; esac
  BIN=$target/release/samverkan
fi
[ -x "$BIN" ] || { echo "bench: no binary at $BIN" >&2; exit 1; }
SAMVERKAN_JWT_SECRET=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
export SAMVERKAN_JWT_SECRET

python3 "$BENCH/bench.py" machine --out "$WORK/machine.json" ${PG_ADMIN:+--pg "$PG_ADMIN/postgres"} \
  --duration "$DURATION" --server-cpu "$SERVER_CPU" --client-cpu "$CLIENT_CPU" \
  $([ "$QUICK" = 1 ] && echo --quick)

# ---------------------------------------------------------------- helpers

start_server() { # DATABASE_URL LOG [STARTUP_FILE]
  local t0
  t0=$(date +%s%N)
  # `env` (it execs, so $! stays the server): the pool size only when BENCH_DB_POOL_SIZE is set.
  env DATABASE_URL="$1" SAMVERKAN_BIND="127.0.0.1:$PORT" SAMVERKAN_WORKERS="$WORKERS" \
    ${POOL:+SAMVERKAN_DB_POOL_SIZE=$POOL} RUST_LOG="$SERVER_LOG" \
    taskset -c "$SERVER_CPU" "$BIN" serve --no-migrate > "$2" 2>&1 &
  SERVER_PID=$!
  # Asked every 10 ms, so the start-up time (issue 15: to the first 200 of /ready) is
  # measured to about that.
  for _ in $(seq 1 2000); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/ready" 2>/dev/null; then
      [ -z "${3:-}" ] || awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN { printf "%.3f\n", (b - a) / 1e9 }' > "$3"
      return 0
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.01
  done
  echo "bench: the server did not become ready:" >&2
  tail -n 20 "$2" >&2
  exit 1
}

CLK_TCK=$(getconf CLK_TCK)
# utime + stime of a process, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }

# wrk stops with requests still in flight; the server finishes them (a slow CSV export can
# take seconds). Wait until it has used no CPU for half a second, so that one measurement
# does not run into the next.
wait_idle() {
  [ -n "$SERVER_PID" ] || return 0
  local before after waited=0 max=${BENCH_DRAIN_MAX:-300}
  before=$(cpu_ticks "$SERVER_PID")
  while [ "$waited" -lt $((max * 2)) ]; do
    sleep 0.5
    waited=$((waited + 1))
    after=$(cpu_ticks "$SERVER_PID")
    [ $((after - before)) -le 1 ] && break
    before=$after
  done
  if [ "$waited" -ge $((max * 2)) ]; then
    note "$BACKEND $SIZE: the server was still busy ${max} s after $1"
  elif [ "$waited" -gt 4 ]; then
    echo "  (the server took $((waited / 2)) s to finish the requests in flight after $1)"
  fi
}

reset_peak() { [ -z "$SERVER_PID" ] || echo 5 > "/proc/$SERVER_PID/clear_refs" 2>/dev/null || true; }
peak_kb() { awk '/^VmHWM/ {print $2}' "/proc/$SERVER_PID/status" 2>/dev/null || echo 0; }

# run_wrk SCENARIO CONNS SCRIPT URL [NOTE] -- ARGS...
# With WITH_HEALTH=1, a second wrk (2 connections, --latency) asks `/health` for the same
# time, and the row's note gets `/health`'s p99 meanwhile (issue 13: under 50 ms).
run_wrk() {
  local scenario=$1 conns=$2 script=$3 url=$4 note=$5
  shift 6
  local out=$DIR/$scenario.out pid=$SERVER_PID
  case "$scenario" in nginx*) pid=$NGINX_WORKER ;; esac
  reset_peak
  local t0 c0 t1 c1 health_pid="" health_out=$DIR/$scenario.health.out
  if [ "${WITH_HEALTH:-0}" = 1 ]; then
    taskset -c "$CLIENT_CPU" wrk -t1 -c2 -d"${DURATION}s" --timeout 10s --latency \
      "$url/health" > "$health_out" 2>&1 &
    health_pid=$!
  fi
  t0=$(date +%s%N)
  c0=$(cpu_ticks "$pid")
  taskset -c "$CLIENT_CPU" wrk -t1 -c"$conns" -d"${DURATION}s" --timeout 10s \
    -s "$BENCH/wrk/$script" "$url" -- "$@" > "$out" 2>&1 || true
  c1=$(cpu_ticks "$pid")
  t1=$(date +%s%N)
  if [ -n "$health_pid" ]; then
    wait "$health_pid" || true
    local p99
    # wrk --latency: "  Latency Distribution" then lines such as "     99%   12.34ms".
    p99=$(awk '/Latency Distribution/ {d = 1} d && $1 == "99%" {print $2; exit}' "$health_out")
    note="${note:+$note; }/health p99 ${p99:-unknown (see $scenario.health.out)} meanwhile (< 50 ms)"
  fi
  local cpu peak=0
  # Share of one CPU the server (or nginx's worker) used while wrk ran.
  cpu=$(( (c1 - c0) * 1000000000 / CLK_TCK * 100 / (t1 - t0 > 0 ? t1 - t0 : 1) ))
  case "$scenario" in nginx*) ;; *) wait_idle "$scenario"; peak=$(peak_kb) ;; esac
  python3 "$BENCH/bench.py" record --kind wrk --output "$out" --results "$RESULTS" \
    --backend "$BACKEND" --size "$SIZE" --scenario "$scenario" --connections "$conns" \
    --peak-kb "$peak" --cpu "$cpu" --note "$note"
}

run_pgbench() { # SCENARIO SCRIPT
  local scenario=$1 script=$2 out=$DIR/$1.out
  local -a vars
  mapfile -t vars < "$DIR/pgbench.args"
  rm -f "$DIR"/pgb_"$scenario".*
  (cd "$DIR" && taskset -c "$CLIENT_CPU" pgbench -n -M prepared -f "$DIR/$script" "${vars[@]}" \
     -c "$PGBENCH_CLIENTS" -j 1 -T "$DURATION" -l --sampling-rate 0.1 --log-prefix "pgb_$scenario" \
     "$DB_URL") > "$out" 2>&1 || true
  python3 "$BENCH/bench.py" record --kind pgbench --output "$out" --log "$DIR"/pgb_"$scenario".* \
    --results "$RESULTS" --backend "$BACKEND" --size "$SIZE" --scenario "$scenario" \
    --connections "$PGBENCH_CLIENTS" --note "pgbench -M prepared -j 1"
}

run_sqlite_loop() { # SCENARIO WHICH
  local scenario=$1 out=$DIR/$1.out
  taskset -c "$SERVER_CPU" python3 "$BENCH/bench.py" sqlite-ceiling --db "$DB_FILE" \
    --meta "$DIR/meta.json" --which "$2" --duration "$DURATION" > "$out" 2>&1 || true
  python3 "$BENCH/bench.py" record --kind loop --output "$out" --results "$RESULTS" \
    --backend "$BACKEND" --size "$SIZE" --scenario "$scenario" --connections 1 \
    --note "Python sqlite3 $(python3 -c 'import sqlite3; print(sqlite3.sqlite_version)'), one connection, on the server's CPU"
}

# ---------------------------------------------------------------- the runs

BASE=http://127.0.0.1:$PORT
for BACKEND in $BACKENDS; do
  for SIZE in $SIZES; do
    say "$BACKEND, $SIZE signatories"
    DIR=$WORK/$BACKEND-$SIZE
    mkdir -p "$DIR"
    chmod 755 "$DIR"
    if [ "$BACKEND" = postgres ]; then
      db=samverkan_bench_$SIZE
      psql_admin -q -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
      PG_DBS+=("$db")
      DB_URL=$(pg_url "$db")
      DB_ARG=$DB_URL
    else
      DB_FILE=$DIR/samverkan.db
      DB_URL=sqlite://$DB_FILE
      DB_ARG=$DB_FILE
    fi
    DATABASE_URL=$DB_URL RUST_LOG=warn "$BIN" migrate
    start_server "$DB_URL" "$DIR/server.log" "$DIR/startup_empty.out"
    python3 "$BENCH/bench.py" record --kind startup --output "$DIR/startup_empty.out" \
      --results "$RESULTS" --backend "$BACKEND" --size "$SIZE" --scenario startup_empty \
      --connections 0 --note "migrated, no data yet (target < 1 s)"
    python3 "$BENCH/bench.py" setup --base "$BASE" --bin "$BIN" --state "$DIR/state.json"
    python3 "$BENCH/bench.py" generate --backend "$BACKEND" --db "$DB_ARG" --state "$DIR/state.json" \
      --size "$SIZE" --spare "$SPARE" --spare-file "$DIR/spare.txt"
    # A fresh process for the measurements (caches, pool and memory from the setup gone).
    stop_pid "$SERVER_PID"
    start_server "$DB_URL" "$DIR/server.log" "$DIR/startup.out"
    python3 "$BENCH/bench.py" record --kind startup --output "$DIR/startup.out" \
      --results "$RESULTS" --backend "$BACKEND" --size "$SIZE" --scenario startup \
      --connections 0 --note "target < 3 s with 100 000 signatories"
    python3 "$BENCH/bench.py" prepare --backend "$BACKEND" --db "$DB_ARG" --base "$BASE" \
      --state "$DIR/state.json" --size "$SIZE" --binary "$BIN" --out "$DIR" \
      $([ "$SIZE" = "$CSV_SIZE" ] && echo --csv)
    etag=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['etag'])" "$DIR/meta.json")
    agreement=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['agreement'])" "$DIR/state.json")
    token=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['admin_token'])" "$DIR/state.json")

    taskset -c "$CLIENT_CPU" wrk -t1 -c"$CONNS" -d"${WARMUP}s" -s "$BENCH/wrk/get.lua" "$BASE" \
      -- "$DIR/list.paths" > /dev/null 2>&1 || true
    wait_idle warm-up
    run_wrk list "$CONNS" get.lua "$BASE" "" -- "$DIR/list.paths"
    run_wrk list_304 "$CONNS" get.lua "$BASE" "" -- "$DIR/list.paths" "If-None-Match: $etag"
    run_wrk list_q "$CONNS" get.lua "$BASE" "8 searches with å, ä, ö, each request past the cache" -- "$DIR/q.paths" NONCE
    # Issue 13: cache-busting anonymous load (random unknown parameters, random q=): peak RSS
    # must stay under 100 MB (the cache is bounded by entries and bytes, keys included), and
    # `/health`, asked at the same time, must keep its p99 under 50 ms.
    WITH_HEALTH=1 run_wrk list_flood "$CONNS" get.lua "$BASE" "random unknown parameters and random q= on every request: peak RSS < 100 MB" -- "$DIR/list.paths" FLOOD
    if [ "$SIZE" = "$PLAN_SIZE" ]; then
      python3 "$BENCH/bench.py" explain --backend "$BACKEND" --db "$DB_ARG" --meta "$DIR/meta.json" \
        --size "$SIZE" --out "$DIR/plan.txt" || note "$BACKEND $SIZE: EXPLAIN failed"
      PLANS+=("$DIR/plan.txt")
    fi
    if [ "$SIZE" = "$EMBED_SIZE" ]; then
      # One request at a time, each a cache miss: the server's CPU per page (issue 15).
      python3 "$BENCH/bench.py" embed-cold --base "$BASE" --state "$DIR/state.json" --size "$SIZE" \
        --pid "$SERVER_PID" --count "$EMBED_COUNT" > "$DIR/embed_cold.out" 2>&1 || true
      python3 "$BENCH/bench.py" record --kind loop --output "$DIR/embed_cold.out" --results "$RESULTS" \
        --backend "$BACKEND" --size "$SIZE" --scenario embed_cold --connections 1 \
        --note "one request at a time, a date not asked before each (target < 20 ms server CPU at 3 000 rows)"
      wait_idle embed_cold
    fi
    if [ "$SIZE" = "$CSV_SIZE" ]; then
      if [ -f "$DIR/csv.paths" ]; then
        csv_info=$(python3 -c "import json,sys; c=json.load(open(sys.argv[1])); print(f\"{c['bytes']} bytes, {c['lines']} lines; one alone took {c['seconds']} s\", *[f'{k}: {v}' for k, v in c['headers'].items()], sep='|')" "$DIR/csv.json")
        IFS='|' read -r -a csv_args <<< "$csv_info"
        run_wrk csv "$CSV_CONNS" get.lua "$BASE" "${csv_args[0]}" -- "$DIR/csv.paths" "${csv_args[@]:1}"
      else
        why=$(python3 -c "import json,sys; c=json.load(open(sys.argv[1])); print('it answered %s' % c['status'] if c else 'no CSV export in the OpenAPI document')" "$DIR/csv.json")
        note "$BACKEND $SIZE: (2) CSV export skipped: $why"
      fi
    fi

    # (4) nginx serving the bytes of the first page, pinned to the server's CPU.
    mkdir -p "$DIR/nginx/tmp"
    sed -e "s#@WORK@#$DIR/nginx#g" -e "s#@PORT@#$NGINX_PORT#g" -e "s#@DOCROOT@#$DIR/docroot#g" \
      "$BENCH/nginx.conf.in" > "$DIR/nginx/nginx.conf"
    chmod -R a+rX "$DIR/docroot"
    taskset -c "$SERVER_CPU" "$NGINX" -e "$DIR/nginx/error.log" -p "$DIR/nginx" \
      -c "$DIR/nginx/nginx.conf" > "$DIR/nginx/stdout.log" 2>&1 &
    NGINX_PID=$!
    NGINX_WORKER=""
    for _ in $(seq 1 50); do
      [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$NGINX_PORT/" || true)" != 000 ] && break
      sleep 0.1
    done
    NGINX_WORKER=$(pgrep -P "$NGINX_PID" | head -n1 || true)
    NGINX_WORKER=${NGINX_WORKER:-$NGINX_PID}
    list_path=$(head -n1 "$DIR/list.paths")
    nginx_etag=$(curl -sS -D - -o "$DIR/nginx.body" "http://127.0.0.1:$NGINX_PORT$list_path" \
      | tr -d '\r' | awk 'tolower($1) == "etag:" {print $2}')
    if ! cmp -s "$DIR/nginx.body" "$(find "$DIR/docroot" -type f | head -n1)"; then
      echo "bench: nginx does not serve the first page's bytes" >&2
      exit 1
    fi
    run_wrk nginx "$CONNS" get.lua "http://127.0.0.1:$NGINX_PORT" "" -- "$DIR/list.paths"
    run_wrk nginx_304 "$CONNS" get.lua "http://127.0.0.1:$NGINX_PORT" "" -- "$DIR/list.paths" \
      "If-None-Match: $nginx_etag"
    stop_pid "$NGINX_PID"
    NGINX_PID=""

    # (4) the database's own rate for the list SQL.
    if [ "$BACKEND" = postgres ]; then
      run_pgbench pgbench_list list.sql
      run_pgbench pgbench_q q.sql
      run_pgbench pgbench_request request.sql
    else
      run_sqlite_loop sqlite_list list
      run_sqlite_loop sqlite_q q
    fi

    # (3) the write path, last: it adds accessions.
    run_wrk write "$CONNS" write.lua "$BASE" "" -- "$DIR/spare.txt" "$agreement" "$token" 1

    stop_pid "$SERVER_PID"
    SERVER_PID=""
    if grep -qiE 'panic|error' "$DIR/server.log"; then
      note "$BACKEND $SIZE: the server logged errors (first: $(grep -iE 'panic|error' "$DIR/server.log" | head -n1 | cut -c1-200))"
    fi
  done
done

# ---------------------------------------------------------------- report

say "results"
if [ ${#NOTES[@]} -gt 0 ]; then
  python3 - "$WORK/machine.json" "${NOTES[@]}" <<'EOF'
import json, sys
path = sys.argv[1]
data = json.load(open(path))
data["notes"] = data.get("notes", []) + sys.argv[2:]
json.dump(data, open(path, "w"), ensure_ascii=False)
EOF
fi
python3 "$BENCH/bench.py" report --results "$RESULTS" --machine "$WORK/machine.json" --out "$OUT" \
  --plans ${PLANS[@]+"${PLANS[@]}"}
echo
echo "written to ${OUT#$ROOT/}"
