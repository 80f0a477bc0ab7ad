#!/bin/sh
# Records varied.pcap and cooked.pcap, the captures PacketPrinterInteropTest prints with tapline
# and with tcpdump, and derives loopback.pcap and raw.pcap from varied.pcap (relink.py). Run as root on Linux with iproute2, tcpdump, ping, socat and python3:
#   sh record.sh [DIR]        (default: this script's directory)
# Two namespaces joined by a veth pair; tcpdump records on b's end while a talks to b, once on
# veth-b (Ethernet: varied.pcap) and once on "any" as Linux cooked capture v1 (cooked.pcap).
# Afterwards edit.py cuts some packets as a small snaplen would (headers, options, payload)
# and spoils a few checksums, so the file also holds the corners tcpdump marks.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:-$here}
A=tl-prn-a; B=tl-prn-b; raw=$(mktemp); dump=; any=
cleanup() {
    for p in $dump $any; do kill "$p" 2>/dev/null || true; done
    ip netns del $A 2>/dev/null || true; ip netns del $B 2>/dev/null || true; rm -f "$raw"
}
trap cleanup EXIT
ip netns add $A; ip netns add $B
ip link add veth-a netns $A type veth peer name veth-b netns $B
for n in $A $B; do ip -n $n link set lo up; done
ip -n $A addr add 10.9.0.1/24 dev veth-a; ip -n $B addr add 10.9.0.2/24 dev veth-b
ip -n $A addr add fd00:9::1/64 dev veth-a nodad; ip -n $B addr add fd00:9::2/64 dev veth-b nodad
ip -n $A link set veth-a up; ip -n $B link set veth-b up
# Checksums are filled in by the kernel (a veth would otherwise leave them partial in the capture).
ip netns exec $A ethtool -K veth-a tx off >/dev/null; ip netns exec $B ethtool -K veth-b tx off >/dev/null
ip netns exec $B tcpdump -i veth-b -n -U --immediate-mode -w "$raw" 2>/dev/null & dump=$!
ip netns exec $B tcpdump -i any -y LINUX_SLL -n -U --immediate-mode -w "$dir/cooked.pcap" 2>/dev/null & any=$!
sleep 1
ip netns exec $A ping -c 2 -i 0.2 10.9.0.2 >/dev/null                  # ARP, echo
ip netns exec $A ping -c 1 -s 2000 10.9.0.2 >/dev/null                 # IPv4 fragments
ip netns exec $A ping -6 -c 2 -i 0.2 fd00:9::2 >/dev/null              # NDP, echo
ip netns exec $A ping -6 -c 1 -s 2000 fd00:9::2 >/dev/null             # IPv6 fragments
ip netns exec $B socat -u UDP4-RECV:9999 OPEN:/dev/null & udp=$!
sleep 0.3
echo hello | ip netns exec $A socat - UDP4-SENDTO:10.9.0.2:9999         # UDP
echo nobody | ip netns exec $A socat - UDP4-SENDTO:10.9.0.2:9998        # ICMP port unreachable
echo nobody | ip netns exec $A socat - UDP6-SENDTO:[fd00:9::2]:9998     # ICMPv6 port unreachable
kill $udp
ip netns exec $B socat TCP4-LISTEN:40123,reuseaddr SYSTEM:'echo served; cat >/dev/null' & srv=$!
sleep 0.3
printf 'GET / HTTP/1.0\r\n\r\n' | ip netns exec $A socat - TCP4:10.9.0.2:40123  # TCP data, FIN
wait $srv || true
ip netns exec $B socat TCP6-LISTEN:40124,reuseaddr SYSTEM:'echo six' & srv=$!
sleep 0.3
echo hi | ip netns exec $A socat - TCP6:[fd00:9::2]:40124                # TCP over IPv6
wait $srv || true
ip netns exec $A socat -u OPEN:/dev/null TCP4:10.9.0.2:40125 2>/dev/null || true   # reset
ip netns exec $A ping -c 1 -t 1 -Q 0x10 10.9.0.2 >/dev/null            # tos, ttl 1
ip netns exec $A ping -c 1 -R 10.9.0.2 >/dev/null                      # IPv4 record route option
sleep 1
kill -INT $dump $any; wait $dump $any || true
python3 "$here/edit.py" "$raw" "$dir/varied.pcap"
python3 "$here/relink.py" "$dir/varied.pcap" "$dir"
