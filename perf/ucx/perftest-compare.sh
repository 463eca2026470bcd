#!/usr/bin/env bash
# Measures the ucx transport against ucx_perftest (Debian's ucx-utils) side by side, in one run, on
# one UCX transport: ping-pong latency (jccl-perf pingpong against tag_lat) and streaming bandwidth
# (jccl-perf stream against tag_bw, with plain JUCX's JucxStreamProbe beside them). ucx_perftest
# runs with -e, endpoints with peer error handling, as the ucx transport's endpoints are; over
# shared memory that rules out cma, as it does for jccl.
#
#   perf/ucx/perftest-compare.sh OUTDIR [sm|tcp]     (default sm)
#
# Writes OUTDIR/table.md (median one-way latency in us and per-message time and GB/s for the stream,
# with jccl / ucx_perftest ratios; over sm also a 4-rank allreduce against Open MPI's shared memory,
# when Debian's openmpi-bin and libopenmpi-dev are there) and the raw outputs beside it. Takes about
# two minutes.
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

# jccl-perf OP MIN MAX FACTOR ITERS: one sweep in one JVM (a JVM per size would time its JIT warm-up)
jccl() {
  "$perf" "$1" --transport ucx --ranks 2 -b "$2" -e "$3" -f "$4" -n "$5" -w $(( $5 / 10 + 1 )) -d int8 \
    --csv "$out/jccl-$1.csv" >>"$out/jccl.txt" 2>&1
}

# row SIZE CSV: prints "median_us average_us algbw busbw" (GB/s) of the CSV's row for SIZE (jccl-perf
# and coll_sweep write the same columns)
row() {
  awk -F, -v s="$1" 'NR > 1 && $4 == s { print $12, $11, $15, $16 }' "$2"
}

# from 2 B: the first row of a fresh pair of JVMs runs while the scheduler still places their threads
jccl pingpong 2 16M 4 1000
jccl stream 64K 16M 16 20
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
{
  echo
  echo "| stream | tag_bw per message (us) | GB/s | JUCX alone (us) | jccl stream per message (us) | GB/s | bandwidth ratio |"
  echo "|---|---|---|---|---|---|---|"
} >>"$out/table.md"
for s in 65536 1048576 16777216; do
  read -r _ ca cm < <(perftest tag_bw "$s" $(( s <= 1048576 ? 2000 : 200 )))
  read -r _ ja jg _ < <(row "$s" "$out/jccl-stream.csv")
  # the same window and acknowledgement in plain JUCX, one busy thread per process: what jccl builds on
  xa=$(UCX_LOG_LEVEL=error timeout 300 java -cp "$here/../target/jccl-perf.jar" org.jccl.perf.probe.JucxStreamProbe "$s" \
    $(( s <= 1048576 ? 40 : 6 )) | tee -a "$out/jucx.txt" | sed -n 's/.*p50 \([0-9.]*\) us.*/\1/p')
  awk -v s="$s" -v ca="$ca" -v cm="$cm" -v xa="$xa" -v ja="$ja" -v jg="$jg" \
    'BEGIN { cg = cm * 1048576 / 1e9; printf "| %d B | %.1f | %.2f | %.1f | %.1f | %.2f | %.2f |\n", s, ca, cg, xa, ja, jg, jg / cg }' \
    >>"$out/table.md"
done
# allReduce over 4 ranks (more ranks than cores here) against Open MPI on its own shared memory
if [ "$mode" = sm ] && command -v mpirun >/dev/null; then
  sweep=(-b 8 -e 16M -f 2 -n 50 -w 5)
  "$perf" allreduce --transport ucx --ranks 4 "${sweep[@]}" --csv "$out/jccl-allreduce.csv" >>"$out/jccl.txt" 2>&1
  "$here/../mpi/openmpi-sweep.sh" -n 4 -- "${sweep[@]}" -l openmpi -o "$out/openmpi-allreduce.csv" allreduce \
    >"$out/openmpi.txt" 2>&1
  {
    echo
    echo "| allreduce, 4 ranks, float32 sum | Open MPI p50 (us) | busbw | jccl ucx p50 (us) | busbw | time ratio |"
    echo "|---|---|---|---|---|---|"
  } >>"$out/table.md"
  for s in 8 1048576 16777216; do
    read -r cp _ _ cb < <(row "$s" "$out/openmpi-allreduce.csv")
    read -r jp _ _ jb < <(row "$s" "$out/jccl-allreduce.csv")
    awk -v s="$s" -v cp="$cp" -v cb="$cb" -v jp="$jp" -v jb="$jb" \
      'BEGIN { printf "| %d B | %.1f | %.3f | %.1f | %.3f | %.2f |\n", s, cp, cb, jp, jb, jp / cp }' >>"$out/table.md"
  done
fi
cat "$out/table.md"
