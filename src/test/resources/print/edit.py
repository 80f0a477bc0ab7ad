"""Cuts and spoils packets of a little-endian microsecond pcap (see record.sh).

Cut as a snapshot length would (caplen < len): the first TCP segment carrying data after 4
bytes of it, the first SYN inside its options, the first ICMPv6 echo request inside its
header, and the first ARP reply inside its addresses. Spoiled: the UDP checksum of the first
UDP datagram to port 9999, the IPv4 header checksum of the first ICMP echo reply.
Added at the end: the first echo request again behind an 802.1Q tag (VLAN 5, priority 3), and a
frame of an EtherType nobody decodes (0x88b5, IEEE 802 local experimental).
"""
import struct
import sys

src, dst = sys.argv[1], sys.argv[2]
data = open(src, "rb").read()
head, at, packets = data[:24], 24, []
while at < len(data):
    sec, usec, caplen, length = struct.unpack("<IIII", data[at:at + 16])
    packets.append([sec, usec, length, bytearray(data[at + 16:at + 16 + caplen])])
    at += 16 + caplen

done = set()
def once(name):
    if name in done:
        return False
    done.add(name)
    return True

for p in packets:
    b = p[3]
    etype = struct.unpack(">H", b[12:14])[0]
    if etype == 0x0806 and b[21] == 2 and once("arp"):
        p[3] = b[:14 + 20]
    elif etype == 0x0800:
        ihl = (b[14] & 15) * 4
        proto, t = b[23], 14 + ihl
        if proto == 6:
            doff = (b[t + 12] >> 4) * 4
            total = struct.unpack(">H", b[16:18])[0]
            if b[t + 13] == 0x02 and once("syn"):
                p[3] = b[:t + 24]
            elif total > ihl + doff and once("data"):
                p[3] = b[:t + doff + 4]
        elif proto == 17 and struct.unpack(">H", b[t + 2:t + 4])[0] == 9999 and once("udp"):
            b[t + 6] ^= 0x5a
        elif proto == 1 and b[t] == 0 and once("icmp"):
            b[24] ^= 0x21
    elif etype == 0x86dd and b[20] == 58 and b[54] == 128 and once("icmp6"):
        p[3] = b[:54 + 4]

last = packets[-1]
echo = next(p for p in packets if struct.unpack(">H", p[3][12:14])[0] == 0x0800 and p[3][23] == 1 and p[3][34] == 8)
tagged = echo[3][:12] + bytes([0x81, 0x00, 0x60, 0x05]) + echo[3][12:]
packets.append([last[0], last[1] + 1, len(tagged), bytearray(tagged)])
odd = bytes(range(0x41, 0x41 + 30))
experimental = last[3][6:12] + last[3][0:6] + bytes([0x88, 0xb5]) + odd
packets.append([last[0], last[1] + 1, len(experimental), bytearray(experimental)])

out = bytearray(head)
for sec, usec, length, b in packets:
    out += struct.pack("<IIII", sec, usec, len(b), length) + b
open(dst, "wb").write(out)
print(f"{len(packets)} packets, edited: {sorted(done)}")
