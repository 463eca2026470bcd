#!/usr/bin/env bash
# Small-message latency of jccl against Open MPI, as the latency issue's targets put it: p50 of
# the slowest rank, 2 ranks (8-16 B allreduce) and 4 ranks on this machine (allreduce, allgather,
# broadcast, reducescatter, alltoall at 16 B-4 KiB), over tcp (jccl tcp against Open MPI's TCP BTL)
# and, with --ucx, over shared memory (jccl ucx against Open MPI's shared memory). Every
# configuration runs once per round, rounds interleaved, and the table gives the median over rounds
# of each p50 and the ratio jccl / Open MPI, with the median ratio per (ranks, transport) and p99/p50.
#
#   perf/latency-compare.sh OUTDIR [--rounds N] [--ucx] [--iters N] [--bandwidth]
#
# --bandwidth measures the latency issue's middle sizes instead: 4 ranks, the five collectives at
# 256 KiB-4 MiB, 200 iterations (or --iters), and the table's ratio is busbw, jccl / Open MPI, from
# the p50 times (an average over a few iterations is one slow iteration on this shared VM).
#
# Needs Debian's openmpi-bin and libopenmpi-dev (and libucx0 with --ucx). Each round takes about a
# minute over tcp, two with --ucx. Open MPI binds its ranks to cores when they fit (2 ranks here),
# and so does jccl-perf; with 4 ranks on 2 cores neither binds and Open MPI yields when idle.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$(mkdir -p "$1" && cd "$1" && pwd)"
shift
rounds=3
ucx=0
iters=""
bandwidth=0
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --ucx) ucx=1; shift ;;
    --iters) iters="$2"; shift 2 ;;
    --bandwidth) bandwidth=1; shift ;;
    *) echo "latency-compare.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
perf="$here/../bin/jccl-perf"
mpi="$here/mpi/openmpi-sweep.sh"
ops="allreduce,allgather,broadcast,reducescatter,alltoall"
two=(-b 8 -e 16 -f 2 -n "${iters:-2000}" -w 200)
four=(-b 16 -e 4096 -f 4 -n "${iters:-2000}" -w 200)
if [ "$bandwidth" -eq 1 ]; then
  four=(-b 256K -e 4M -f 4 -n "${iters:-200}" -w 20)
fi
sm=(env UCX_TLS=sm UCX_POSIX_ERROR_HANDLING=y UCX_SYSV_ERROR_HANDLING=y UCX_WARN_UNUSED_ENV_VARS=n)

"$perf" --version >/dev/null # builds the jar when needed
for ((k = 1; k <= rounds; k++)); do
  echo "== round $k of $rounds" >&2
  if [ "$bandwidth" -eq 0 ]; then
    "$perf" allreduce "${two[@]}" --ranks 2 --label "jccl tcp" --csv "$out/r$k-2-tcp-jccl.csv" >/dev/null
    "$mpi" -n 2 --tcp -- "${two[@]}" -l "openmpi tcp" -o "$out/r$k-2-tcp-openmpi.csv" allreduce >/dev/null
  fi
  "$perf" "$ops" "${four[@]}" --ranks 4 --label "jccl tcp" --csv "$out/r$k-4-tcp-jccl.csv" >/dev/null
  "$mpi" -n 4 --tcp -- "${four[@]}" -l "openmpi tcp" -o "$out/r$k-4-tcp-openmpi.csv" "$ops" >/dev/null
  if [ "$ucx" -eq 1 ]; then
    if [ "$bandwidth" -eq 0 ]; then
      "${sm[@]}" "$perf" allreduce "${two[@]}" --ranks 2 --transport ucx --label "jccl ucx sm" \
        --csv "$out/r$k-2-sm-jccl.csv" >/dev/null
      "$mpi" -n 2 -- "${two[@]}" -l "openmpi sm" -o "$out/r$k-2-sm-openmpi.csv" allreduce >/dev/null
    fi
    "${sm[@]}" "$perf" "$ops" "${four[@]}" --ranks 4 --transport ucx --label "jccl ucx sm" \
      --csv "$out/r$k-4-sm-jccl.csv" >/dev/null
    "$mpi" -n 4 -- "${four[@]}" -l "openmpi sm" -o "$out/r$k-4-sm-openmpi.csv" "$ops" >/dev/null
  fi
done

# one line per (ranks, transport, op, size): median over rounds of each side's p50 and p99, and the
# ratio of times (latency) or of busbw (--bandwidth)
awk -F, -v bw="$bandwidth" '
  function median(list,   a, n, i, j, t) {
    n = split(list, a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  FNR == 1 { n = split(FILENAME, parts, "/"); split(parts[n], bits, "-"); next }
  {
    side = (bits[4] ~ /^jccl/) ? "jccl" : "openmpi"
    key = bits[2] " " bits[3] " " $2 " " $4
    if (!(key in seen)) { seen[key] = 1; keys[++nk] = key }
    p50[key, side] = p50[key, side] " " $12
    p99[key, side] = p99[key, side] " " $13
  }
  END {
    print "| ranks | transport | op | size | jccl p50 (us) | Open MPI p50 (us) | " (bw ? "busbw ratio" : "ratio") " | jccl p99/p50 |"
    print "|---:|---|---|---:|---:|---:|---:|---:|"
    for (k = 1; k <= nk; k++) {
      split(keys[k], f, " ")
      j = median(p50[keys[k], "jccl"]); o = median(p50[keys[k], "openmpi"]); t = median(p99[keys[k], "jccl"])
      r = bw ? (j > 0 ? o / j : 0) : (o > 0 ? j / o : 0)
      printf "| %s | %s | %s | %s | %.1f | %.1f | %.2f | %.1f |\n", f[1], f[2], f[3], f[4], j, o, r, (j > 0 ? t / j : 0)
      group = f[1] " " f[2]
      if (!(group in gseen)) { gseen[group] = 1; groups[++ng] = group }
      ratios[group] = ratios[group] " " r
    }
    print ""
    print "| ranks | transport | median ratio |"
    print "|---:|---|---:|"
    for (g = 1; g <= ng; g++) { split(groups[g], f, " "); printf "| %s | %s | %.2f |\n", f[1], f[2], median(ratios[groups[g]]) }
  }' "$out"/r*-jccl.csv "$out"/r*-openmpi.csv | tee "$out/table.md"
