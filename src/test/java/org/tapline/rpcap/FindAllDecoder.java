package org.tapline.rpcap;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.tapline.os.PcapDevice;

/** Decodes a recorded FINDALLIF_REPLY into devices, to check that our emitter writes the same bytes. */
final class FindAllDecoder {
    private FindAllDecoder() {}

    static List<PcapDevice> decode(byte[] message) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(message);
        int count = b.getShort(2) & 0xffff;
        b.position(8);
        List<PcapDevice> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int namelen = b.getShort() & 0xffff;
            int desclen = b.getShort() & 0xffff;
            int flags = b.getInt();
            int naddr = b.getShort() & 0xffff;
            b.getShort();
            byte[] name = new byte[namelen];
            byte[] desc = new byte[desclen];
            b.get(name).get(desc);
            List<PcapDevice.Address> addrs = new ArrayList<>();
            for (int a = 0; a < naddr; a++) {
                addrs.add(new PcapDevice.Address(sockaddr(b), sockaddr(b), sockaddr(b), sockaddr(b)));
            }
            out.add(new PcapDevice(new String(name, StandardCharsets.UTF_8), desclen == 0 ? null : new String(desc, StandardCharsets.UTF_8),
                    flags, addrs));
        }
        return out;
    }

    private static InetAddress sockaddr(ByteBuffer b) throws Exception {
        int at = b.position();
        int family = b.getShort(at) & 0xffff;
        b.position(at + Replies.SOCKADDR);
        if (family == Rpcap.AF_INET) {
            byte[] a = new byte[4];
            b.get(at + 4, a);
            return InetAddress.getByAddress(a);
        }
        if (family == Rpcap.AF_INET6) {
            byte[] a = new byte[16];
            b.get(at + 8, a);
            int scope = b.getInt(at + 24);
            return scope == 0 ? InetAddress.getByAddress(a) : java.net.Inet6Address.getByAddress(null, a, scope);
        }
        return null;
    }
}
