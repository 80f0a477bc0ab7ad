package org.tapline.rpcap;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.tapline.os.BpfProgram;
import org.tapline.os.PcapDevice;

/**
 * The client half of the codec: requests to a server, and the parsing of its replies with
 * every length bounded by what the message holds (a hostile server gets a clear
 * {@link RpcapProtocolException}, never an over-read or a large allocation; docs/RPCAP.md §5).
 */
public final class ClientCodec {
    /** libpcap's client limit on interface names and descriptions. */
    static final int MAX_NAME = 1024;
    private static final int BYTE_ORDER_MAGIC = 0xa1b2c3d4;

    private ClientCodec() {}

    static byte[] request(int version, int type, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(Rpcap.HEADER + payload.length);
        new RpcapHeader(version, type, 0, payload.length).emitTo(b);
        return b.put(payload).array();
    }

    public static byte[] authNull() {
        return request(Rpcap.VERSION, Rpcap.MSG_AUTH_REQ, new byte[8]);
    }

    public static byte[] authPassword(String user, byte[] password) {
        byte[] u = user.getBytes(StandardCharsets.UTF_8);
        if (u.length > 0xffff || password.length > 0xffff) {
            throw new IllegalArgumentException("user name and password are limited to 65535 bytes each");
        }
        ByteBuffer b = ByteBuffer.allocate(8 + u.length + password.length);
        b.putShort((short) Rpcap.AUTH_PWD).putShort((short) 0).putShort((short) u.length).putShort((short) password.length)
                .put(u).put(password);
        return request(Rpcap.VERSION, Rpcap.MSG_AUTH_REQ, b.array());
    }

    public static byte[] filter(BpfProgram p) {
        ByteBuffer b = ByteBuffer.allocate(8 + 8 * p.length());
        b.putShort((short) Rpcap.FILTER_BPF).putShort((short) 0).putInt(p.length());
        for (BpfProgram.Instruction i : p.instructions()) {
            b.putShort((short) i.code()).put((byte) i.jt()).put((byte) i.jf()).putInt(i.k());
        }
        return b.array();
    }

    public static byte[] startCapture(int version, int snaplen, int readTimeoutMillis, int flags, int port, BpfProgram filter) {
        byte[] f = filter(filter);
        ByteBuffer b = ByteBuffer.allocate(12 + f.length);
        b.putInt(snaplen).putInt(readTimeoutMillis).putShort((short) flags).putShort((short) port).put(f);
        return request(version, Rpcap.MSG_STARTCAP_REQ, b.array());
    }

    public static byte[] sampling(int version, int method, long value) {
        ByteBuffer b = ByteBuffer.allocate(8).put((byte) method).put((byte) 0).putShort((short) 0).putInt((int) value);
        return request(version, Rpcap.MSG_SETSAMPLING_REQ, b.array());
    }

    /** The byte order of the server (from AUTH_REPLY): native when the reply has no magic. */
    public static ByteOrder serverByteOrder(byte[] payload) throws RpcapProtocolException {
        if (payload.length == 0 || payload.length == 2) {
            return ByteOrder.nativeOrder();
        }
        if (payload.length < 8) {
            throw new RpcapProtocolException(Rpcap.ERR_AUTH, "Authentication reply from server is too short");
        }
        if ((payload[0] & 0xff) > (payload[1] & 0xff)) {
            throw new RpcapProtocolException(Rpcap.ERR_WRONGVER, "The server sent a bogus version range");
        }
        int m = ByteBuffer.wrap(payload).order(ByteOrder.nativeOrder()).getInt(4);
        if (m == BYTE_ORDER_MAGIC) {
            return ByteOrder.nativeOrder();
        }
        if (m == Integer.reverseBytes(BYTE_ORDER_MAGIC)) {
            return ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        }
        throw new RpcapProtocolException(Rpcap.ERR_AUTH, "The server did not send us a valid byte order value");
    }

    /** A FINDALLIF_REPLY: {@code count} is the header's value; every length is checked against the payload. */
    public static List<PcapDevice> devices(int count, byte[] payload) throws RpcapProtocolException {
        ByteBuffer b = ByteBuffer.wrap(payload);
        List<PcapDevice> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            need(b, 12, "interface entry");
            int namelen = b.getShort() & 0xffff;
            int desclen = b.getShort() & 0xffff;
            int flags = b.getInt();
            int naddr = b.getShort() & 0xffff;
            b.getShort();
            if (namelen >= MAX_NAME || desclen >= MAX_NAME) {
                throw new RpcapProtocolException(Rpcap.ERR_FINDALLIF, namelen >= MAX_NAME ? "Interface name too long" : "Interface description too long");
            }
            need(b, namelen + desclen, "interface name and description");
            byte[] name = new byte[namelen];
            byte[] desc = new byte[desclen];
            b.get(name).get(desc);
            need(b, (long) naddr * 4 * Replies.SOCKADDR, "interface addresses");
            List<PcapDevice.Address> addrs = new ArrayList<>();
            for (int a = 0; a < naddr; a++) {
                InetAddress addr = sockaddr(b);
                InetAddress mask = sockaddr(b);
                InetAddress brd = sockaddr(b);
                InetAddress dst = sockaddr(b);
                if (addr != null) {
                    addrs.add(new PcapDevice.Address(addr, mask, brd, dst));
                }
            }
            out.add(new PcapDevice(new String(name, StandardCharsets.UTF_8), desclen == 0 ? null : new String(desc, StandardCharsets.UTF_8),
                    flags, addrs));
        }
        return out;
    }

    private static void need(ByteBuffer b, long n, String what) throws RpcapProtocolException {
        if (b.remaining() < n) {
            throw new RpcapProtocolException(Rpcap.ERR_FINDALLIF, "FINDALLIF reply too short for its " + what);
        }
    }

    /** One 128-byte rpcap_sockaddr; the families libpcap's client accepts, others as absent. */
    private static InetAddress sockaddr(ByteBuffer b) {
        int at = b.position();
        int family = b.getShort(at) & 0xffff;
        b.position(at + Replies.SOCKADDR);
        try {
            if (family == Rpcap.AF_INET || family == 0x1002 || family == 0x1000) {
                byte[] a = new byte[4];
                b.get(at + 4, a);
                return InetAddress.getByAddress(a);
            }
            if (family == Rpcap.AF_INET6 || family == 10 || family == 0x1c18 || family == 0x1c1c || family == 0x1c1e || family == 0x1c00
                    || family == 22 || family == 24 || family == 26) {
                byte[] a = new byte[16];
                b.get(at + 8, a);
                int scope = b.getInt(at + 24);
                return scope == 0 ? InetAddress.getByAddress(a) : Inet6Address.getByAddress(null, a, scope);
            }
        } catch (UnknownHostException e) {
            return null;
        }
        return null;
    }
}
