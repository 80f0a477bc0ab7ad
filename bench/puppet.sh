#!/usr/bin/env bash
# Puppet benchmark: iperf3 TCP throughput and ping RTT from the master to a LAN host, in the same
# run, over (a) a direct routed veth path (the limit), (b) Debian's etherpuppet on both ends,
# (c) tapline puppet + tapline master (etherpuppet protocol 0.3, batched writes), and ratios.
# The master's TAP gets its own address (10.60.0.3, -C): with the gateway's address copied, the
# gateway's kernel would reset the master's TCP connections.
# Usage (root): bench/puppet.sh [SECONDS] [RUNS]          needs: etherpuppet iperf3 iproute2 ethtool
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-5}
runs=${2:-3}
id=$(printf '%06x' $((RANDOM * 32768 + RANDOM)))
lan="tl-$id-plan" gw="tl-$id-pgw" m="tl-$id-pm"
cleanup() {
  for ns in "$lan" "$gw" "$m"; do
    for p in $(ip netns pids "$ns" 2>/dev/null); do kill "$p" 2>/dev/null || true; done
  done
  sleep 0.5
  for ns in "$lan" "$gw" "$m"; do ip netns delete "$ns" 2>/dev/null || true; done
}
trap cleanup EXIT
"$top/bin/tapline" --version >/dev/null
for ns in "$lan" "$gw" "$m"; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
ip -n "$lan" link add veth-l type veth peer name veth-g netns "$gw"
ip -n "$gw" link add veth-x type veth peer name veth-y netns "$m"
ip -n "$lan" link set veth-l up; ip -n "$gw" link set veth-g up; ip -n "$gw" link set veth-x up; ip -n "$m" link set veth-y up
ip -n "$lan" addr add 10.60.0.2/24 dev veth-l; ip -n "$gw" addr add 10.60.0.1/24 dev veth-g
ip -n "$gw" addr add 10.61.0.1/24 dev veth-x; ip -n "$m" addr add 10.61.0.2/24 dev veth-y
# Offloads: segmentation hands libpcap 64 KB super-frames no etherpuppet link carries, and veth checksum
# offload leaves locally sent TCP with partial checksums that the master would drop; off, as on a NIC.
for pair in "$lan veth-l" "$gw veth-g"; do set -- $pair; ip netns exec "$1" ethtool -K "$2" tso off gso off gro off tx off >/dev/null 2>&1 || true; done
ip netns exec "$lan" iperf3 -s -D >/dev/null

measure() { # -> "Mbit/s rtt_ms"
  local bps rtt
  bps=$(timeout $((secs + 15)) ip netns exec "$m" iperf3 -c 10.60.0.2 -t "$secs" -J --connect-timeout 5000 2>/dev/null | python3 -c 'import json,sys
try: print(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/1e6)
except Exception: print(0)' || true)
  rtt=$(timeout 20 ip netns exec "$m" ping -c 20 -i 0.05 -q 10.60.0.2 | sed -n 's|.* = [0-9.]*/\([0-9.]*\)/.*|\1|p' || true)
  echo "$bps $rtt"
}

wait_tap() { for _ in $(seq 200); do ip -n "$m" addr show puppet0 2>/dev/null | grep -q "10.60.0.3" && return; sleep 0.1; done; echo "no puppet0"; exit 1; }

stop_all() { for ns in "$gw" "$m"; do for p in $(ip netns pids "$ns"); do kill "$p" 2>/dev/null || true; done; done; sleep 1; }

direct() {
  ip netns exec "$gw" sysctl -qw net.ipv4.ip_forward=1
  ip -n "$m" route add 10.60.0.0/24 via 10.61.0.1; ip -n "$lan" route add 10.61.0.0/24 via 10.60.0.1
  measure
  ip -n "$m" route del 10.60.0.0/24 via 10.61.0.1; ip -n "$lan" route del 10.61.0.0/24 via 10.60.0.1
  ip netns exec "$gw" sysctl -qw net.ipv4.ip_forward=0
}

etherpuppet_run() {
  ip netns exec "$m" etherpuppet -m -s 7777 -I puppet0 -C >/dev/null 2>&1 &
  sleep 1
  ip netns exec "$gw" etherpuppet -c 10.61.0.2:7777 -i veth-g >/dev/null 2>&1 &
  for _ in $(seq 100); do ip -n "$m" link show puppet0 >/dev/null 2>&1 && break; sleep 0.1; done
  ip -n "$m" addr add 10.60.0.3/24 dev puppet0; ip -n "$m" link set puppet0 up
  wait_tap; measure; stop_all
}

tapline_run() {
  ip netns exec "$m" "$top/bin/tapline" puppet -m -s 7777 -I puppet0 -C -u \
    -U 'ip addr add 10.60.0.3/24 dev $PUPPET_IFACE' >/dev/null 2>&1 &
  for _ in $(seq 200); do ip netns exec "$m" ss -ltn | grep -q ':7777' && break; sleep 0.1; done
  ip netns exec "$gw" "$top/bin/tapline" puppet -c 10.61.0.2:7777 -i veth-g "$@" >/dev/null 2>&1 &
  wait_tap; sleep 0.5; measure; stop_all
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
tmp=$(mktemp -d)
for r in $(seq "$runs"); do
  direct >> "$tmp/direct"; echo "direct: $(tail -1 $tmp/direct)" >&2
  etherpuppet_run >> "$tmp/ep"; echo "etherpuppet: $(tail -1 $tmp/ep)" >&2
  tapline_run >> "$tmp/tl"; echo "tapline: $(tail -1 $tmp/tl)" >&2
done
printf '%-28s %12s %10s\n' path Mbit/s rtt_ms
for k in direct ep tl; do
  b=$(awk '{print $1}' "$tmp/$k" | median); t=$(awk '{print $2}' "$tmp/$k" | median)
  printf '%-28s %12.1f %10.3f\n' "$k" "$b" "$t"
  eval "b_$k=$b; t_$k=$t"
done
awk -v d="$b_direct" -v e="$b_ep" -v t="$b_tl" -v td="$t_direct" -v te="$t_ep" -v tt="$t_tl" 'BEGIN {
  printf "tapline/etherpuppet throughput %.2f, tapline/direct %.2f; RTT added over direct: etherpuppet %.3f ms, tapline %.3f ms\n",
         t/e, t/d, te-td, tt-td }'
rm -rf "$tmp"
