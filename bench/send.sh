#!/usr/bin/env bash
# Send benchmark: unsynchronized send rate of `tapline send` on a veth beside `tcpreplay --topspeed`
# of the same file in the same run (ratio), and the timing error of `tapline send --sync`.
# Usage (root): bench/send.sh [RUNS] [FRAMES]              needs: tcpreplay iproute2 python3
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-3}
frames=${2:-200000}
id=$(printf '%06x' $((RANDOM * 32768 + RANDOM)))
a="tl-$id-sa" b="tl-$id-sb"
tmp=$(mktemp -d)
cleanup() { ip netns delete "$a" 2>/dev/null || true; ip netns delete "$b" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
"$top/bin/tapline" --version >/dev/null
ip netns add "$a"; ip netns add "$b"
ip -n "$a" link add veth-a type veth peer name veth-b netns "$b"
ip -n "$a" link set veth-a up; ip -n "$b" link set veth-b up

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

printf '%-6s %16s %16s %8s\n' size tcpreplay_pps tapline_pps ratio
for size in ${SIZES:-64 1500}; do
  f=$tmp/u$size.pcap
  python3 "$top/bench/mkpcap.py" "$f" "$size" "$frames"
  : > "$tmp/t"; : > "$tmp/o"
  for r in $(seq "$runs"); do
    ip netns exec "$a" tcpreplay -i veth-a --topspeed "$f" 2>&1 | sed -n 's/.*Mbps, \([0-9.]*\) pps.*/\1/p' | head -1 >> "$tmp/t"
    ip netns exec "$a" "$top/bin/tapline" send -i veth-a "$f" 2>&1 | sed -n 's/.* s: \([0-9]*\) packets\/s.*/\1/p' >> "$tmp/o"
  done
  t=$(median < "$tmp/t"); o=$(median < "$tmp/o")
  printf '%-6s %16s %16s %8s\n' "$size" "$t" "$o" "$(awk -v a="$o" -v b="$t" 'BEGIN{printf "%.2f", a/b}')"
done

# Synchronized: 2000 frames 1 ms apart.
python3 - "$tmp/sync.pcap" <<'PY'
import struct, sys
f = bytes.fromhex("ffffffffffff02000000bb0188b5") + bytes(46)
with open(sys.argv[1], "wb") as w:
    w.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    for i in range(2000):
        w.write(struct.pack("<IIII", 1000 + i // 1000, (i % 1000) * 1000, len(f), len(f)) + f)
PY
for r in $(seq "$runs"); do
  ip netns exec "$a" "$top/bin/tapline" send -i veth-a --sync "$tmp/sync.pcap" 2>&1 | grep "timing error"
done
