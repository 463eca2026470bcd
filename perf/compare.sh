#!/usr/bin/env bash
# Measures jccl against Open MPI in one run, as docs/performance.md reports it: on loopback (4
# ranks on this machine) and on a shaped cluster (4 network namespaces, links shaped by tbf),
# each with Open MPI's default and TCP transports and with default and forced algorithms.
#
#   perf/compare.sh OUTDIR [RATE]      (RATE: the cluster's link rate, default 1gbit)
#
# Writes OUTDIR/<config>.csv per configuration, OUTDIR/table.md (p50 time and busbw per op, size and
# configuration) and OUTDIR/loopback-allreduce.png, OUTDIR/cluster-<op>.png. Needs root for the
# cluster, and Debian's openmpi-bin and libopenmpi-dev. Takes about 5 minutes.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$(mkdir -p "$1" && cd "$1" && pwd)"
rate="${2:-1gbit}"
jar="$here/target/jccl-perf.jar"
perf="$here/../bin/jccl-perf"
mpi="$here/mpi/openmpi-sweep.sh"
ops="allreduce,allgather,broadcast,reducescatter,alltoall"
sizes=(-b 16 -e 16M -f 32 -n 20 -w 5)
# Open MPI's best algorithms on a ring of equal links (coll_tuned ids: ompi_info --param coll tuned --level 9)
forced=(--mca coll_tuned_use_dynamic_rules 1 --mca coll_tuned_allreduce_algorithm 4 --mca coll_tuned_allgather_algorithm 4
  --mca coll_tuned_bcast_algorithm 3 --mca coll_tuned_alltoall_algorithm 2)

"$perf" --version >/dev/null # builds the jar when needed
banner() {
  echo "== $1" >&2
}

banner "loopback: jccl tcp"
"$perf" "$ops" "${sizes[@]}" --ranks 4 --label "jccl tcp" --csv "$out/lo-jccl-tcp.csv" >"$out/lo-jccl-tcp.txt"
banner "loopback: jccl tcp, ring allreduce and chain broadcast"
JCCL_ALGO_ALLREDUCE=ring JCCL_ALGO_BROADCAST=chain "$perf" allreduce,broadcast "${sizes[@]}" --ranks 4 \
  --label "jccl tcp forced" --csv "$out/lo-jccl-tcp-forced.csv" >"$out/lo-jccl-tcp-forced.txt"
banner "loopback: jccl ucx shared memory"
UCX_TLS=sm UCX_POSIX_ERROR_HANDLING=y UCX_SYSV_ERROR_HANDLING=y UCX_WARN_UNUSED_ENV_VARS=n \
  "$perf" "$ops" "${sizes[@]}" --ranks 4 --transport ucx --label "jccl ucx sm" --csv "$out/lo-jccl-ucx-sm.csv" >"$out/lo-jccl-ucx-sm.txt"
banner "loopback: Open MPI default (shared memory)"
"$mpi" -n 4 -- "${sizes[@]}" -l "openmpi" -o "$out/lo-openmpi.csv" "$ops" >"$out/lo-openmpi.txt"
banner "loopback: Open MPI tcp"
"$mpi" -n 4 --tcp -- "${sizes[@]}" -l "openmpi tcp" -o "$out/lo-openmpi-tcp.csv" "$ops" >"$out/lo-openmpi-tcp.txt"
banner "loopback: Open MPI tcp, forced algorithms"
"$mpi" -n 4 --tcp "${forced[@]}" -- "${sizes[@]}" -l "openmpi tcp forced" -a forced -o "$out/lo-openmpi-tcp-forced.csv" "$ops" \
  >"$out/lo-openmpi-tcp-forced.txt"

banner "cluster 4 x $rate: jccl tcp"
"$perf" "$ops" "${sizes[@]}" --cluster 4 --link-rate "$rate" --label "jccl tcp" --csv "$out/cl-jccl-tcp.csv" >"$out/cl-jccl-tcp.txt"
banner "cluster 4 x $rate: jccl tcp, ring allreduce and chain broadcast"
JCCL_ALGO_ALLREDUCE=ring JCCL_ALGO_BROADCAST=chain "$perf" allreduce,broadcast "${sizes[@]}" --cluster 4 --link-rate "$rate" \
  --label "jccl tcp forced" --csv "$out/cl-jccl-tcp-forced.csv" >"$out/cl-jccl-tcp-forced.txt"
banner "cluster 4 x $rate: Open MPI default"
"$mpi" -n 4 --cluster "$rate" -- "${sizes[@]}" -l "openmpi" -o "$out/cl-openmpi.csv" "$ops" >"$out/cl-openmpi.txt"
banner "cluster 4 x $rate: Open MPI tcp, forced algorithms"
"$mpi" -n 4 --tcp --cluster "$rate" "${forced[@]}" -- "${sizes[@]}" -l "openmpi tcp forced" -a forced \
  -o "$out/cl-openmpi-tcp-forced.csv" "$ops" >"$out/cl-openmpi-tcp-forced.txt"

# one table: a line per (place, op, size), a cell per configuration: p50 time in us (busbw in GB/s)
awk -F, '
  FNR == 1 { place = (FILENAME ~ /\/lo-/) ? "loopback" : "cluster"; next }
  {
    gsub(/"/, "", $1) # a label with a space is quoted in CSV
    key = place "," $2 "," $4
    if (!(key in seen)) { seen[key] = 1; keys[++nk] = key }
    if (!((place SUBSEP $1) in cfgseen)) { cfgseen[place SUBSEP $1] = 1; cfgs[place, ++nc[place]] = $1 }
    cell[key, $1] = sprintf("%.0f (%.3f)", $12, $16)
  }
  END {
    split("loopback cluster", places, " ")
    for (p = 1; p <= 2; p++) {
      pl = places[p]
      printf "\n| %s | size |", pl
      for (c = 1; c <= nc[pl]; c++) printf " %s |", cfgs[pl, c]
      printf "\n|---|---:|"
      for (c = 1; c <= nc[pl]; c++) printf "---:|"
      printf "\n"
      for (k = 1; k <= nk; k++) {
        split(keys[k], f, ",")
        if (f[1] != pl) continue
        printf "| %s | %s |", f[2], f[3]
        for (c = 1; c <= nc[pl]; c++) { v = cell[keys[k], cfgs[pl, c]]; printf " %s |", (v == "" ? "" : v) }
        printf "\n"
      }
    }
  }' "$out"/lo-*.csv "$out"/cl-*.csv >"$out/table.md"

only() { # the rows of one op from some CSVs, as one CSV
  local op="$1"
  shift
  head -1 "$1"
  for f in "$@"; do awk -F, -v op="$op" 'FNR > 1 && $2 == op' "$f"; done
}
only allreduce "$out"/lo-*.csv >"$out/plot-lo-allreduce.csv"
java -jar "$jar" none --compare "$out/plot-lo-allreduce.csv" --plot "$out/loopback-allreduce.png" \
  --title "allreduce, 4 ranks on one 2-core machine (loopback)"
for op in allreduce allgather broadcast; do
  only "$op" "$out"/cl-*.csv >"$out/plot-cl-$op.csv"
  java -jar "$jar" none --compare "$out/plot-cl-$op.csv" --plot "$out/cluster-$op.png" --link-rate "$rate" \
    --title "$op, 4 hosts, links shaped to $rate"
done
echo "results in $out (table.md, *.png)" >&2
