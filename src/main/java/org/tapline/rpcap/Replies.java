package org.tapline.rpcap;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.tapline.os.PcapDevice;

/**
 * Emitters of the messages a server sends (layouts in libpcap's rpcap-protocol.h, docs/RPCAP.md §3). Pure;
 * each returns a complete message, header included, with no byte left uninitialised.
 */
public final class Replies {
    /** A FINDALLIF address record: address, netmask, broadcast, destination, 128 bytes each. */
    static final int SOCKADDR = 128;
    static final int IF_FIXED = 12;
    /** rpcap_sockaddr: family(2) port(2) then IPv4 addr(4), or flowinfo(4) IPv6 addr(16) scope(4). */
    private static final int SA_V4_ADDR = 4;
    private static final int SA_V6_ADDR = 8;
    private static final int SA_V6_SCOPE = 24;
    private static final int BYTE_ORDER_MAGIC = 0xa1b2c3d4;

    private Replies() {}

    static ByteBuffer message(int version, int type, int value, int plen) {
        ByteBuffer b = ByteBuffer.allocate(Rpcap.HEADER + plen);
        new RpcapHeader(version, type, value, plen).emitTo(b);
        return b;
    }

    /** ERROR: the text, cut to 255 bytes as rpcapd does. */
    public static byte[] error(int version, int code, String text) {
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(t.length, Rpcap.MAX_ERROR_TEXT);
        return message(version, Rpcap.MSG_ERROR, code, n).put(t, 0, n).array();
    }

    /** An empty reply to {@code requestType}. */
    public static byte[] empty(int version, int requestType) {
        return message(version, requestType | Rpcap.REPLY, 0, 0).array();
    }

    /**
     * AUTH_REPLY: versions 0..0 and the byte-order magic in this host's byte order, which tells
     * the client whether host-order fields inside captured data (SLL, USB, NFLOG) need swapping.
     */
    public static byte[] auth() {
        ByteBuffer b = message(Rpcap.VERSION, Rpcap.MSG_AUTH_REQ | Rpcap.REPLY, 0, 8);
        b.put((byte) Rpcap.VERSION).put((byte) Rpcap.VERSION).putShort((short) 0);
        b.order(ByteOrder.nativeOrder()).putInt(BYTE_ORDER_MAGIC);
        return b.array();
    }

    public static byte[] open(int version, int linkType) {
        return message(version, Rpcap.MSG_OPEN_REQ | Rpcap.REPLY, 0, 8).putInt(linkType).putInt(0).array();
    }

    public static byte[] startCapture(int version, int bufsize, int port) {
        return message(version, Rpcap.MSG_STARTCAP_REQ | Rpcap.REPLY, 0, 8).putInt(bufsize).putShort((short) port)
                .putShort((short) 0).array();
    }

    public static byte[] stats(int version, long ifRecv, long ifDrop, long krnlDrop, long srvCapt) {
        return message(version, Rpcap.MSG_STATS_REQ | Rpcap.REPLY, 0, 16).putInt((int) ifRecv).putInt((int) ifDrop)
                .putInt((int) krnlDrop).putInt((int) srvCapt).array();
    }

    /** FINDALLIF_REPLY; {@code value} is the interface count. Only IPv4/IPv6 addresses are sent. */
    public static byte[] findAllInterfaces(int version, List<PcapDevice> devices) {
        long size = 0;
        for (PcapDevice d : devices) {
            size += IF_FIXED + utf8(d.name()).length + utf8(d.description()).length + (long) ipAddresses(d) * 4 * SOCKADDR;
        }
        if (devices.size() > 0xffff || size > Integer.MAX_VALUE - Rpcap.HEADER) {
            throw new IllegalArgumentException(devices.size() + " interfaces do not fit in one FINDALLIF reply");
        }
        ByteBuffer b = message(version, Rpcap.MSG_FINDALLIF_REQ | Rpcap.REPLY, devices.size(), (int) size);
        for (PcapDevice d : devices) {
            byte[] name = utf8(d.name());
            byte[] desc = utf8(d.description());
            b.putShort((short) name.length).putShort((short) desc.length).putInt(d.flags()).putShort((short) ipAddresses(d))
                    .putShort((short) 0).put(name).put(desc);
            for (PcapDevice.Address a : d.addresses()) {
                if (ip(a.address())) {
                    sockaddr(b, a.address());
                    sockaddr(b, a.netmask());
                    sockaddr(b, a.broadcast());
                    sockaddr(b, a.destination());
                }
            }
        }
        return b.array();
    }

    private static boolean ip(InetAddress a) {
        return a instanceof Inet4Address || a instanceof Inet6Address;
    }

    private static int ipAddresses(PcapDevice d) {
        int n = 0;
        for (PcapDevice.Address a : d.addresses()) {
            if (ip(a.address())) {
                n++;
            }
        }
        return Math.min(n, 0xffff);
    }

    private static byte[] utf8(String s) {
        byte[] b = s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
        return b.length > 0xffff ? java.util.Arrays.copyOf(b, 0xffff) : b;
    }

    /** One 128-byte rpcap_sockaddr (the buffer is zero-filled, so absent parts stay zero). */
    private static void sockaddr(ByteBuffer b, InetAddress a) {
        int at = b.position();
        if (a instanceof Inet4Address) {
            b.putShort(at, (short) Rpcap.AF_INET);
            b.put(at + SA_V4_ADDR, a.getAddress());
        } else if (a instanceof Inet6Address v6) {
            b.putShort(at, (short) Rpcap.AF_INET6);
            b.put(at + SA_V6_ADDR, v6.getAddress());
            b.putInt(at + SA_V6_SCOPE, v6.getScopeId());
        }
        b.position(at + SOCKADDR);
    }
}
