#!/usr/bin/env bash
# Measures the ucx transport against ucx_perftest (Debian's ucx-utils) side by side, in one run, on
# one UCX transport: ping-pong latency (jccl-perf pingpong against tag_lat) and streaming bandwidth
# (jccl-perf stream against tag_bw, with plain JUCX's JucxStreamProbe beside them). ucx_perftest
# runs with -e, endpoints with peer error handling, as the ucx transport's endpoints are; over
# shared memory that rules out cma, as it does for jccl. ucx_perftest and the probe run on UCX's
# defaults, jccl on its own (UcxDefaults: 512 KiB TCP receive segments); set the variable, e.g.
# UCX_TCP_RX_SEG_SIZE=512K, to run all three alike.
#
#   perf/ucx/perftest-compare.sh OUTDIR [sm|tcp]     (default sm)
#
# Writes OUTDIR/table.md and the raw outputs beside it: median one-way latency in us; per-message time
# and GB/s of the streams, with jccl / ucx_perftest ratios, as medians over ROUNDS (default 3) rounds
# that each run every contender once, back to back (this machine's speed drifts by up to 2x within
# minutes, so only runs close in time compare); over sm also a 4-rank allreduce against Open MPI's
# shared memory, when Debian's openmpi-bin and libopenmpi-dev are there. Takes about five minutes.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$(mkdir -p "$1" && cd "$1" && pwd)"
mode="${2:-sm}"
perf="$here/../../bin/jccl-perf"
port=$((20000 + $$ % 20000))

case "$mode" in
  sm) export UCX_TLS=sm UCX_POSIX_ERROR_HANDLING=y UCX_SYSV_ERROR_HANDLING=y ;;
  tcp) export UCX_TLS=tcp UCX_NET_DEVICES=lo ;;
  *) echo "mode must be sm or tcp" >&2; exit 2 ;;
esac
export UCX_WARN_UNUSED_ENV_VARS=n
command -v ucx_perftest >/dev/null || { echo "ucx_perftest not found: apt-get install ucx-utils" >&2; exit 3; }
"$perf" --version >/dev/null # builds the jar when needed

# ucx_perftest TEST SIZE ITERS: prints "median_us average_us MiB/s" of its CSV line
perftest() {
  local server
  ucx_perftest -p "$port" -e >/dev/null 2>&1 &
  server=$!
  sleep 0.5
  ucx_perftest 127.0.0.1 -p "$port" -e -f -v -t "$1" -s "$2" -n "$3" -w $(( $3 / 10 + 1 )) 2>&1 \
    | tee -a "$out/perftest.txt" | awk -F, '/^ *[0-9]+,/ { gsub(/ /, ""); print $2, $3, $5 }' | tail -1
  wait "$server" || true
}

# jccl-perf OP MIN MAX FACTOR ITERS WARMUP: one sweep in one JVM (a JVM per size would time its JIT warm-up)
jccl() {
  "$perf" "$1" --transport ucx --ranks 2 -b "$2" -e "$3" -f "$4" -n "$5" -w "$6" -d int8 \
    --csv "$out/jccl-$1.csv" >>"$out/jccl.txt" 2>&1
}

# row SIZE CSV: prints "median_us average_us algbw busbw" (GB/s) of the CSV's row for SIZE (jccl-perf
# and coll_sweep write the same columns)
row() {
  awk -F, -v s="$1" 'NR > 1 && $4 == s { print $12, $11, $15, $16 }' "$2"
}

# median of the numbers on stdin
median() {
  sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# 3000 warm-up round trips a size: with fewer, the first sizes of a fresh pair of JVMs are timed while
# the JIT still compiles the path (8 B shows 10-40 us instead of 1.3)
jccl pingpong 2 8M 4 1000 3000
{
  echo "UCX over $mode ($UCX_TLS), 2 processes on $(nproc) cores, $(date -u +%Y-%m-%d)"
  echo
  echo "| one-way latency | tag_lat p50 (us) | jccl pingpong p50 (us) | ratio | tag_lat avg | jccl avg |"
  echo "|---|---|---|---|---|---|"
} >"$out/table.md"
for s in 8 2048 32768 131072 524288 2097152 8388608; do
  n=$(( s <= 131072 ? 5000 : s <= 2097152 ? 1000 : 100 ))
  read -r cp ca _ < <(perftest tag_lat "$s" "$n")
  read -r jp ja _ < <(row "$s" "$out/jccl-pingpong.csv")
  awk -v s="$s" -v cp="$cp" -v ca="$ca" -v jp="$jp" -v ja="$ja" \
    'BEGIN { printf "| %d B | %.2f | %.2f | %.2f | %.2f | %.2f |\n", s, cp, jp, jp / cp, ca, ja }' >>"$out/table.md"
done

# Streams, in ROUNDS rounds (default 3): each round runs tag_bw, plain JUCX and jccl once per size,
# one right after the other, so that each round's ratio compares runs that saw the same machine; the
# table gives the medians over the rounds. Every run streams for a second or more, past the JIT's
# warm-up. rounds.txt keeps every round's figures.
stream_sizes=(65536 1048576 16777216)
for r in $(seq "${ROUNDS:-3}"); do
  for s in "${stream_sizes[@]}"; do
    messages=$(( 20 * 1073741824 / s )) # 20 GiB: one to three seconds of streaming
    windows=$(( messages / 64 ))
    read -r _ ca _ < <(perftest tag_bw "$s" "$messages")
    # the same window and acknowledgement in plain JUCX, one busy thread per process: what jccl builds on
    xp=$(UCX_LOG_LEVEL=error timeout 300 java -cp "$here/../target/jccl-perf.jar" org.jccl.perf.probe.JucxStreamProbe "$s" \
      "$windows" | tee -a "$out/jucx.txt" | sed -n 's/.*p50 \([0-9.]*\) us.*/\1/p')
    "$perf" stream --transport ucx --ranks 2 -b "$s" -e "$s" -n "$windows" -w $(( windows / 8 + 2 )) -d int8 \
      --csv "$out/jccl-stream-$s-$r.csv" >>"$out/jccl.txt" 2>&1
    read -r jp ja _ < <(row "$s" "$out/jccl-stream-$s-$r.csv")
    echo "$r $s $ca $xp $ja $jp" >>"$out/rounds.txt"
  done
done
{
  echo
  echo "Streams: medians over ${ROUNDS:-3} interleaved rounds (per-message time; bandwidth ratio = tag_bw time / jccl time, median of the rounds' ratios)"
  echo
  echo "| stream | tag_bw avg per message (us) | GB/s | JUCX alone p50 (us) | jccl avg (us) | jccl p50 (us) | GB/s | bandwidth ratio |"
  echo "|---|---|---|---|---|---|---|---|"
} >>"$out/table.md"
# over_rounds SIZE EXPR: the median over the rounds of EXPR, an awk expression of rounds.txt's
# columns (round, size, tag_bw avg, JUCX p50, jccl avg, jccl p50)
over_rounds() {
  awk -v s="$1" '$2 == s { print '"$2"' }' "$out/rounds.txt" | median
}
for s in "${stream_sizes[@]}"; do
  ca=$(over_rounds "$s" '$3')
  xp=$(over_rounds "$s" '$4')
  ja=$(over_rounds "$s" '$5')
  jp=$(over_rounds "$s" '$6')
  ratio=$(over_rounds "$s" '$3 / $5')
  awk -v s="$s" -v ca="$ca" -v xp="$xp" -v ja="$ja" -v jp="$jp" -v q="$ratio" \
    'BEGIN { printf "| %d B | %.1f | %.2f | %.1f | %.1f | %.1f | %.2f | %.2f |\n", s, ca, s / ca / 1e3, xp, ja, jp, s / ja / 1e3, q }' \
    >>"$out/table.md"
done

# allReduce over 4 ranks (more ranks than cores here) against Open MPI on its own shared memory, with
# warm-ups long enough for the JVMs' JIT; jccl also without its argument check (jccl.checkArguments)
if [ "$mode" = sm ] && command -v mpirun >/dev/null; then
  {
    echo
    echo "| allreduce, 4 ranks, float32 sum | Open MPI p50 (us) | avg | jccl ucx p50 (us) | avg | jccl unchecked p50 | avg | p50 ratio (checked, unchecked) |"
    echo "|---|---|---|---|---|---|---|---|"
  } >>"$out/table.md"
  for s in 8 1048576 16777216; do
    sweep=(-b "$s" -e "$s" -n $(( s <= 8 ? 3000 : s <= 1048576 ? 100 : 20 )) -w $(( s <= 8 ? 10000 : s <= 1048576 ? 30 : 5 )))
    "$here/../mpi/openmpi-sweep.sh" -n 4 -- "${sweep[@]}" -l openmpi -o "$out/openmpi-allreduce-$s.csv" allreduce \
      >>"$out/openmpi.txt" 2>&1
    "$perf" allreduce --transport ucx --ranks 4 "${sweep[@]}" --csv "$out/jccl-allreduce-$s.csv" >>"$out/jccl.txt" 2>&1
    JCCL_JAVA_OPTS=-Djccl.checkArguments=false "$perf" allreduce --transport ucx --ranks 4 "${sweep[@]}" \
      --csv "$out/jccl-unchecked-allreduce-$s.csv" >>"$out/jccl.txt" 2>&1
    read -r cp ca _ < <(row "$s" "$out/openmpi-allreduce-$s.csv")
    read -r jp ja _ < <(row "$s" "$out/jccl-allreduce-$s.csv")
    read -r up ua _ < <(row "$s" "$out/jccl-unchecked-allreduce-$s.csv")
    awk -v s="$s" -v cp="$cp" -v ca="$ca" -v jp="$jp" -v ja="$ja" -v up="$up" -v ua="$ua" \
      'BEGIN { printf "| %d B | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.2f, %.2f |\n", s, cp, ca, jp, ja, up, ua, jp / cp, up / cp }' \
      >>"$out/table.md"
  done
fi
cat "$out/table.md"
