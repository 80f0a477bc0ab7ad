#!/usr/bin/env bash
# Capture benchmark: how many packets `tapline capture -w /dev/null` keeps up with on a veth,
# beside Debian's `tcpdump -w /dev/null` on the same traffic in the same run.
# Traffic: tcpreplay --topspeed of a file of identical UDP frames (64 and 1500 bytes) from a
# generator namespace into a capture namespace. Prints medians of RUNS runs and the ratio.
# Usage (root): bench/capture.sh [RUNS] [FRAMES]        needs: tcpdump tcpreplay iproute2 python3
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
frames=${2:-200000}
id=$(printf '%06x' $((RANDOM * 32768 + RANDOM)))
gen="tl-$id-bgen" cap="tl-$id-bcap"
tmp=$(mktemp -d)
cleanup() {
  ip netns pids "$cap" 2>/dev/null | xargs -r kill 2>/dev/null || true
  ip netns delete "$gen" 2>/dev/null || true
  ip netns delete "$cap" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

for t in tcpdump tcpreplay python3; do command -v $t >/dev/null || { echo "bench: $t is missing (apt-get install -y $t)"; exit 1; }; done
"$top/bin/tapline" --version >/dev/null

ip netns add "$gen"; ip netns add "$cap"
ip -n "$gen" link add veth-g type veth peer name veth-c netns "$cap"
ip -n "$gen" link set veth-g up; ip -n "$cap" link set veth-c up
ip -n "$gen" addr add 10.99.0.1/24 dev veth-g; ip -n "$cap" addr add 10.99.0.2/24 dev veth-c

# one run: tool name -> "captured dropped sent_pps"
one() {
  local tool=$1 file=$2 err=$tmp/err pid
  : > "$err"
  if [ "$tool" = tcpdump ]; then
    ip netns exec "$cap" tcpdump -i veth-c -n -B 4096 -w /dev/null 2>"$err" & pid=$!
  else
    ip netns exec "$cap" "$top/bin/tapline" capture -i veth-c -B 4096 -w /dev/null 2>"$err" & pid=$!
  fi
  for _ in $(seq 100); do grep -q "listening on" "$err" && break; sleep 0.1; done
  local pps
  pps=$(ip netns exec "$gen" tcpreplay -i veth-g --topspeed "$file" 2>&1 | sed -n 's/.*Rated: [0-9.]* Bps, [0-9.]* Mbps, \([0-9.]*\) pps.*/\1/p' | head -1)
  sleep 1
  kill -TERM $pid; wait $pid || true
  local captured dropped
  if [ "$tool" = tcpdump ]; then
    captured=$(sed -n 's/^\([0-9]*\) packets captured.*/\1/p' "$err")
    dropped=$(sed -n 's/^\([0-9]*\) packets dropped by kernel.*/\1/p' "$err")
  else
    captured=$(sed -n 's/^tapline: \([0-9]*\) packets captured.*/\1/p' "$err")
    dropped=$(sed -n 's/.* \([0-9]*\) dropped by kernel.*/\1/p' "$err")
  fi
  echo "${captured:-0} ${dropped:-0} ${pps:-0}"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

printf '%-6s %-8s %12s %10s %12s\n' size tool captured dropped offered_pps
for size in ${SIZES:-64 1500}; do
  file=$tmp/udp$size.pcap
  python3 "$top/bench/mkpcap.py" "$file" "$size" "$frames"
  : > "$tmp/tcpdump.$size"; : > "$tmp/tapline.$size"
  for r in $(seq "$runs"); do
    for tool in tcpdump tapline; do
      one $tool "$file" >> "$tmp/$tool.$size"
    done
  done
  for tool in tcpdump tapline; do
    c=$(awk '{print $1}' "$tmp/$tool.$size" | median)
    d=$(awk '{print $2}' "$tmp/$tool.$size" | median)
    p=$(awk '{print $3}' "$tmp/$tool.$size" | median)
    printf '%-6s %-8s %12s %10s %12s\n' "$size" "$tool" "$c" "$d" "$p"
    eval "c_$tool=$c"
  done
  awk -v a="$c_tapline" -v b="$c_tcpdump" -v s="$size" -v n="$frames" \
    'BEGIN {printf "%s-byte frames: tapline/tcpdump captured ratio %.3f (of %d sent, median of runs)\n", s, (b>0?a/b:0), n}'
done
