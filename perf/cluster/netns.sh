#!/usr/bin/env bash
# A shaped cluster on one machine: N network namespaces ("hosts") on one Linux bridge, each joined
# by a veth pair whose two directions are shaped by tc tbf to RATE (tc's units: 100mbit, 1gbit).
# Host i is namespace NAME-hI with address SUBNET.(i+1) on its interface veth0.
#
#   netns.sh up N RATE                 make the hosts (and leave them)
#   netns.sh down                      remove them
#   netns.sh run N RATE -- CMD ARGS    make them, run CMD once per host as rank i of N (JCCL_RANK,
#                                      JCCL_SIZE, JCCL_RENDEZVOUS at host 0, JCCL_SOCKET_IFNAME and
#                                      UCX_NET_DEVICES = veth0), print rank 0's output, and remove
#                                      them when the ranks end, fail, or this script is interrupted
#   netns.sh exec I CMD ARGS           run CMD in host I, in its own UTS namespace named NAME-hI
#                                      (an rsh agent for mpirun uses this; see perf/mpi/openmpi-sweep.sh)
#
# Environment: JCCL_CLUSTER_NAME (default jccl; at most 9 characters, interface names are short),
# JCCL_CLUSTER_SUBNET (first three octets, default 10.77.0). Needs root (ip netns, tc).
set -euo pipefail

name="${JCCL_CLUSTER_NAME:-jccl}"
subnet="${JCCL_CLUSTER_SUBNET:-10.77.0}"
bridge="$name-br"
port=29500

die() {
  echo "netns.sh: $*" >&2
  exit 2
}

need_root() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "netns.sh: the shaped cluster needs root (network namespaces, veth, tc); run as root or with sudo" >&2
    exit 77
  fi
  command -v ip >/dev/null 2>&1 || die "'ip' is missing (Debian: iproute2)"
  command -v tc >/dev/null 2>&1 || die "'tc' is missing (Debian: iproute2)"
  [ "${#name}" -le 9 ] || die "JCCL_CLUSTER_NAME '$name' is longer than 9 characters"
}

host_ns() {
  echo "$name-h$1"
}

shape() {
  # tbf: RATE sustained, a 256 KB bucket, at most 10 ms of queue (no added delay: netem is absent)
  "$@" root tbf rate "$rate" burst 256kb latency 10ms
}

up() {
  local n="$1"
  ip link add "$bridge" type bridge
  ip link set "$bridge" up
  for ((i = 0; i < n; i++)); do
    local ns
    ns="$(host_ns "$i")"
    ip netns add "$ns"
    ip link add "$name-v$i" type veth peer name veth0 netns "$ns"
    ip link set "$name-v$i" master "$bridge" up
    ip -n "$ns" addr add "$subnet.$((i + 1))/24" dev veth0
    ip -n "$ns" link set veth0 up
    ip -n "$ns" link set lo up
    shape tc -n "$ns" qdisc add dev veth0          # the host's sending direction
    shape tc qdisc add dev "$name-v$i"             # the bridge toward the host: its receiving direction
  done
}

down() {
  local ns v
  # a deleted namespace frees its veth pairs later, in the kernel's background work: delete them
  # first, which frees both ends at once, so that nothing of the cluster is left when this returns
  for v in $(ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | grep -E "^$name-v[0-9]+$" || true); do
    ip link delete "$v"
  done
  for ns in $(ip netns list | awk '{print $1}' | grep -E "^$name-h[0-9]+$" || true); do
    ip netns delete "$ns"
  done
  if ip link show "$bridge" >/dev/null 2>&1; then
    ip link delete "$bridge"
  fi
}

run() {
  local n="$1"
  shift
  local pids=()
  local status=0
  stop_ranks() {
    local p
    for p in "${pids[@]}"; do
      kill "$p" 2>/dev/null || true
    done
  }
  trap 'stop_ranks; wait; down; exit 130' INT TERM HUP
  trap 'down' EXIT
  down
  up "$n"
  for ((i = 0; i < n; i++)); do
    local out=/dev/null
    [ "$i" -eq 0 ] && out=/dev/stdout
    ip netns exec "$(host_ns "$i")" env JCCL_RANK="$i" JCCL_SIZE="$n" JCCL_RENDEZVOUS="$subnet.1:$port" \
      JCCL_SOCKET_IFNAME=veth0 UCX_NET_DEVICES="${UCX_NET_DEVICES:-veth0}" "$@" >"$out" &
    pids+=("$!")
  done
  # the first rank to fail stops the others, so nothing is left waiting for it
  local left=$n
  while [ "$left" -gt 0 ]; do
    local code=0
    wait -n || code=$? # the ranks are this shell's only jobs
    left=$((left - 1))
    if [ "$code" -ne 0 ] && [ "$status" -eq 0 ]; then
      status=$code
      stop_ranks
    fi
  done
  return "$status"
}

cmd="${1:-}"
shift || true
case "$cmd" in
  up)
    [ $# -eq 2 ] || die "usage: netns.sh up N RATE"
    need_root
    rate="$2"
    up "$1"
    ;;
  down)
    need_root
    down
    ;;
  run)
    [ $# -ge 4 ] && [ "$3" = "--" ] || die "usage: netns.sh run N RATE -- CMD ARGS..."
    need_root
    n="$1"
    rate="$2"
    shift 3
    [[ "$n" =~ ^[1-9][0-9]*$ ]] && [ "$n" -le 200 ] || die "N must be 1..200, not '$n'"
    run "$n" "$@"
    ;;
  exec)
    [ $# -ge 2 ] || die "usage: netns.sh exec I CMD ARGS..."
    need_root
    i="$1"
    shift
    exec ip netns exec "$(host_ns "$i")" unshare --uts sh -c 'hostname "$0" && exec "$@"' "$(host_ns "$i")" "$@"
    ;;
  *)
    die "usage: netns.sh up N RATE | down | run N RATE -- CMD ARGS... | exec I CMD ARGS..."
    ;;
esac
