#!/usr/bin/env bash
# rpcapd benchmark: packets per second our daemon delivers to a remote client, beside a local
# `tcpdump -w /dev/null` on the same traffic in the same run (the limit), as a ratio, with drops.
# Traffic: tcpreplay --topspeed of identical UDP frames (64 and 1500 bytes) from namespace "gen"
# into the daemon's namespace "srv"; the client (bench/RpcapSink.java) in namespace "cli"
# reaches the daemon over a second veth.
# Usage (root): bench/rpcapd.sh [RUNS] [FRAMES]          needs: tcpdump tcpreplay iproute2 python3
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-3}
frames=${2:-200000}
source "$top/bin/jdk.sh"
java="$(find_jdk)/bin/java"
id=$(printf '%06x' $((RANDOM * 32768 + RANDOM)))
gen="tl-$id-rgen" srv="tl-$id-rsrv" cli="tl-$id-rcli"
tmp=$(mktemp -d)
cleanup() {
  for ns in "$srv" "$cli" "$gen"; do
    for p in $(ip netns pids "$ns" 2>/dev/null); do kill "$p" 2>/dev/null || true; done
    ip netns delete "$ns" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
"$top/bin/tapline" --version >/dev/null

for ns in "$gen" "$srv" "$cli"; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
ip -n "$gen" link add veth-g type veth peer name veth-c netns "$srv"
ip -n "$srv" link add veth-s type veth peer name veth-k netns "$cli"
ip -n "$gen" link set veth-g up; ip -n "$srv" link set veth-c up; ip -n "$srv" link set veth-s up; ip -n "$cli" link set veth-k up
ip -n "$srv" addr add 10.98.0.1/24 dev veth-s; ip -n "$cli" addr add 10.98.0.2/24 dev veth-k

ip netns exec "$srv" "$top/bin/tapline" rpcapd -n -b 10.98.0.1 -p 2002 2>"$tmp/rpcapd.err" >/dev/null &
for _ in $(seq 100); do ip netns exec "$cli" bash -c '</dev/tcp/10.98.0.1/2002' 2>/dev/null && break; sleep 0.1; done

local_run() {
  ip netns exec "$srv" tcpdump -i veth-c -n -B 4096 -w /dev/null 2>"$tmp/td.err" & local pid=$!
  for _ in $(seq 100); do grep -q "listening on" "$tmp/td.err" && break; sleep 0.1; done
  ip netns exec "$gen" tcpreplay -i veth-g --topspeed "$1" >/dev/null 2>&1
  sleep 1; kill -TERM $pid; wait $pid || true
  echo "$(sed -n 's/^\([0-9]*\) packets captured.*/\1/p' "$tmp/td.err") $(sed -n 's/^\([0-9]*\) packets dropped by kernel.*/\1/p' "$tmp/td.err")"
}

remote_run() {
  ip netns exec "$cli" "$java" -cp "$top/target/tapline.jar" "$top/bench/RpcapSink.java" 10.98.0.1 2002 veth-c \
    >"$tmp/sink.out" 2>"$tmp/sink.err" & local pid=$!
  for _ in $(seq 200); do grep -q "capturing" "$tmp/sink.err" && break; sleep 0.1; done
  ip netns exec "$gen" tcpreplay -i veth-g --topspeed "$1" >/dev/null 2>&1
  wait $pid || true
  echo "$(sed -n 's/^received \([0-9]*\)/\1/p' "$tmp/sink.out")"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

printf '%-6s %-22s %12s %10s\n' size path packets dropped
for size in ${SIZES:-64 1500}; do
  file=$tmp/udp$size.pcap
  python3 "$top/bench/mkpcap.py" "$file" "$size" "$frames"
  : > "$tmp/l.$size"; : > "$tmp/r.$size"
  for r in $(seq "$runs"); do
    local_run "$file" >> "$tmp/l.$size"
    remote_run "$file" >> "$tmp/r.$size"
  done
  l=$(awk '{print $1}' "$tmp/l.$size" | median); ld=$(awk '{print $2}' "$tmp/l.$size" | median)
  r=$(awk '{print $1}' "$tmp/r.$size" | median)
  printf '%-6s %-22s %12s %10s\n' "$size" "local tcpdump" "$l" "$ld" "$size" "tapline rpcapd->client" "$r" "$(( frames > ${r%.*} ? frames - ${r%.*} : 0 ))"
  awk -v a="$r" -v b="$l" -v s="$size" -v n="$frames" \
    'BEGIN {printf "%s-byte frames: remote/local ratio %.3f (of %d sent, median of runs)\n", s, (b>0?a/b:0), n}'
done
