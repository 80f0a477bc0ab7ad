"""Writes the IP packets of an Ethernet pcap again under other link types (see record.sh):
loopback.pcap as BSD loopback (LINKTYPE_NULL: a 4-byte address family, little-endian as written
on x86, every third IPv6 packet big-endian as written on a big-endian host; IPv6 alternately
with the BSD (24), FreeBSD (28) and Darwin (30) numbers) and raw.pcap as LINKTYPE_RAW (the IP
packet alone). Other EtherTypes and VLAN-tagged frames are left out.
usage: python3 relink.py varied.pcap DIR
"""
import struct
import sys

src, out = sys.argv[1], sys.argv[2]
data = open(src, "rb").read()
magic, major, minor, zone, sigfigs, snaplen, _ = struct.unpack("<IHHiIII", data[:24])
at, packets = 24, []
while at < len(data):
    sec, usec, caplen, length = struct.unpack("<IIII", data[at:at + 16])
    packets.append((sec, usec, length, data[at + 16:at + 16 + caplen]))
    at += 16 + caplen

def write(name, linktype, frames):
    b = bytearray(struct.pack("<IHHiIII", magic, major, minor, zone, sigfigs, snaplen, linktype))
    for sec, usec, length, f in frames:
        b += struct.pack("<IIII", sec, usec, len(f), length) + f
    open(f"{out}/{name}", "wb").write(b)

null, raw, six = [], [], 0
for sec, usec, length, f in packets:
    if len(f) < 14:
        continue
    etype = struct.unpack(">H", f[12:14])[0]
    if etype not in (0x0800, 0x86dd):
        continue
    ip = f[14:]
    if etype == 0x0800:
        family = struct.pack("<I", 2)
    else:
        six += 1
        number = (24, 28, 30)[six % 3]
        family = struct.pack(">I" if six % 3 == 0 else "<I", number)
    null.append((sec, usec, length - 14 + 4, family + ip))
    raw.append((sec, usec, length - 14, ip))
write("loopback.pcap", 0, null)
write("raw.pcap", 101, raw)
print(f"{len(null)} packets in loopback.pcap and raw.pcap")
