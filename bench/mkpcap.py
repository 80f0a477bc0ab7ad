#!/usr/bin/env python3
"""Writes a pcap of COUNT identical Ethernet/IPv4/UDP frames of SIZE bytes (bench traffic)."""
import struct, sys

def checksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF

def frame(size):
    eth = bytes.fromhex("ffffffffffff" "02000000bb01" "0800")
    payload_len = size - 14 - 20 - 8
    udp_len = 8 + payload_len
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + udp_len, 1, 0, 64, 17, 0,
                     bytes([10, 99, 0, 1]), bytes([10, 99, 0, 2]))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    udp = struct.pack("!HHHH", 40000, 9, udp_len, 0)  # port 9: discard
    return eth + ip + udp + bytes(payload_len)

def main():
    out, size, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    f = frame(size)
    with open(out, "wb") as w:
        w.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        rec = struct.pack("<IIII", 0, 0, len(f), len(f)) + f
        w.write(rec * count)

if __name__ == "__main__":
    main()
