#!/usr/bin/env bash
# Runs perf/mpi/coll_sweep.c (built here with mpicc when missing or older than its source) under
# Debian's Open MPI, on loopback or on the shaped cluster of perf/cluster/netns.sh, for side-by-side
# comparisons with jccl-perf (see docs/performance.md).
#
#   openmpi-sweep.sh [-n NP] [--tcp] [--cluster RATE] [--mca KEY VALUE]... -- coll_sweep ARGS
#
#   -n NP           ranks (default 4); with --cluster, one per host
#   --tcp           Open MPI's TCP transport only (pml ob1, btl tcp,self); default: Open MPI's own choice
#   --cluster RATE  NP namespaces on a bridge, links shaped to RATE by tbf (needs root); mpirun runs in
#                   host 0 and starts its daemons in the other hosts through an rsh agent
#   --mca K V       passed to mpirun, e.g. --mca coll_tuned_use_dynamic_rules 1
#                   --mca coll_tuned_allreduce_algorithm 4 (ring)
# Needs mpicc and mpirun: Debian's libopenmpi-dev and openmpi-bin.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
netns="$here/../cluster/netns.sh"
bin="$here/target/coll_sweep"

np=4
tcp=0
rate=""
mca=()
while [ $# -gt 0 ]; do
  case "$1" in
    -n) np="$2"; shift 2 ;;
    --tcp) tcp=1; shift ;;
    --cluster) rate="$2"; shift 2 ;;
    --mca) mca+=(--mca "$2" "$3"); shift 3 ;;
    --) shift; break ;;
    *) echo "openmpi-sweep.sh: unknown option $1 (see the header of this script)" >&2; exit 2 ;;
  esac
done

command -v mpicc >/dev/null 2>&1 || { echo "openmpi-sweep.sh: mpicc is missing (Debian: libopenmpi-dev)" >&2; exit 2; }
if [ ! -x "$bin" ] || [ "$here/coll_sweep.c" -nt "$bin" ]; then
  mkdir -p "$here/target"
  mpicc -O2 -Wall -o "$bin" "$here/coll_sweep.c"
fi

common=(--allow-run-as-root --oversubscribe --mca mpi_yield_when_idle 1)
if [ "$tcp" -eq 1 ]; then
  common+=(--mca pml ob1 --mca btl tcp,self)
fi

if [ -z "$rate" ]; then
  [ "$tcp" -eq 1 ] && common+=(--mca btl_tcp_if_include lo --mca oob_tcp_if_include lo)
  exec mpirun "${common[@]}" "${mca[@]}" -np "$np" "$bin" "$@"
fi

# the shaped cluster: hosts 10.77.0.1..NP (JCCL_CLUSTER_SUBNET), each in its own namespace and UTS namespace
export JCCL_CLUSTER_NAME="${JCCL_CLUSTER_NAME:-om$$}"
subnet="${JCCL_CLUSTER_SUBNET:-10.77.0}"
work="$(mktemp -d)"
cleanup() {
  bash "$netns" down || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
bash "$netns" down
bash "$netns" up "$np" "$rate"
for ((i = 1; i <= np; i++)); do
  echo "$subnet.$i slots=1"
done >"$work/hosts"
# mpirun calls its rsh agent like ssh: [options] HOST COMMAND...; the host's last octet picks the namespace
cat >"$work/agent" <<AGENT
#!/usr/bin/env bash
while [ "\${1#-}" != "\$1" ]; do shift; done
host="\$1"; shift
exec env JCCL_CLUSTER_NAME="$JCCL_CLUSTER_NAME" bash "$netns" exec "\$((\${host##*.} - 1))" sh -c "\$*"
AGENT
chmod +x "$work/agent"
bash "$netns" exec 0 mpirun "${common[@]}" --hostfile "$work/hosts" --mca plm_rsh_agent "$work/agent" \
  --mca btl_tcp_if_include "$subnet.0/24" --mca oob_tcp_if_include "$subnet.0/24" "${mca[@]}" -np "$np" "$bin" "$@"
