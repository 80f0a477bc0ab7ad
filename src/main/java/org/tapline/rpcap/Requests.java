package org.tapline.rpcap;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.tapline.os.BpfProgram;

/**
 * Parsers of the request payloads a server receives (layouts in libpcap's rpcap-protocol.h, docs/RPCAP.md §3).
 * Pure: every length is checked against the bytes present before use; a short or bad payload is
 * an {@link RpcapProtocolException} carrying the reference's error code and text.
 */
public final class Requests {
    static final String TOO_SHORT = "Message payload is too short";

    /** AUTH_REQ: type(2) dummy(2) slen1(2) slen2(2) | user | password. */
    public record Auth(int type, String user, byte[] password) {}

    /** STARTCAP_REQ: snaplen(4) read_timeout(4) flags(2) portdata(2) | filter. */
    public record StartCapture(long snaplen, long readTimeoutMillis, int flags, int port, BpfProgram filter) {}

    /** SETSAMPLING_REQ: method(1) dummy(1) dummy(2) value(4). */
    public record Sampling(int method, long value) {}

    private Requests() {}

    public static Auth auth(byte[] p) throws RpcapProtocolException {
        if (p.length < 8) {
            throw new RpcapProtocolException(Rpcap.ERR_AUTH, TOO_SHORT);
        }
        ByteBuffer b = ByteBuffer.wrap(p);
        int type = Short.toUnsignedInt(b.getShort(0));
        int slen1 = Short.toUnsignedInt(b.getShort(4));
        int slen2 = Short.toUnsignedInt(b.getShort(6));
        if (type != Rpcap.AUTH_NULL && type != Rpcap.AUTH_PWD) {
            throw new RpcapProtocolException(Rpcap.ERR_AUTH_TYPE_NOTSUP, "Authentication type not recognized.");
        }
        if (type == Rpcap.AUTH_NULL) {
            return new Auth(type, "", new byte[0]);
        }
        if (8L + slen1 + slen2 > p.length) {
            throw new RpcapProtocolException(Rpcap.ERR_AUTH, TOO_SHORT);
        }
        String user = new String(p, 8, slen1, StandardCharsets.UTF_8);
        byte[] pw = java.util.Arrays.copyOfRange(p, 8 + slen1, 8 + slen1 + slen2);
        return new Auth(type, user, pw);
    }

    /** OPEN_REQ: the device name, no NUL. */
    public static String open(byte[] p, long plen) throws RpcapProtocolException {
        if (plen > Rpcap.MAX_SOURCE) {
            throw new RpcapProtocolException(Rpcap.ERR_OPEN, "Source string too long");
        }
        String s = new String(p, StandardCharsets.UTF_8);
        if (s.isEmpty()) {
            throw new RpcapProtocolException(Rpcap.ERR_OPEN, "The source string must not be empty.");
        }
        if (s.indexOf('\0') >= 0) {
            throw new RpcapProtocolException(Rpcap.ERR_OPEN, "The source string must not contain a NUL byte.");
        }
        int colon = s.indexOf(':');
        if (colon >= 0 && s.startsWith("//", colon + 1)) {
            // CVE-2019-15164: never open a URL on behalf of a client.
            throw new RpcapProtocolException(Rpcap.ERR_OPEN, "Source string refers to a remote device");
        }
        return s;
    }

    public static StartCapture startCapture(byte[] p) throws RpcapProtocolException {
        if (p.length < 12) {
            throw new RpcapProtocolException(Rpcap.ERR_STARTCAPTURE, TOO_SHORT);
        }
        ByteBuffer b = ByteBuffer.wrap(p);
        long snaplen = Integer.toUnsignedLong(b.getInt());
        long timeout = Integer.toUnsignedLong(b.getInt());
        int flags = Short.toUnsignedInt(b.getShort());
        int port = Short.toUnsignedInt(b.getShort());
        BpfProgram filter = filter(b, Rpcap.ERR_STARTCAPTURE);
        return new StartCapture(snaplen, timeout, flags, port, filter);
    }

    /** A filter block: filtertype(2) dummy(2) nitems(4) | nitems x (code(2) jt(1) jf(1) k(4)). */
    public static BpfProgram filter(ByteBuffer b, int code) throws RpcapProtocolException {
        if (b.remaining() < 8) {
            throw new RpcapProtocolException(code, TOO_SHORT);
        }
        int type = Short.toUnsignedInt(b.getShort());
        b.getShort();
        long n = Integer.toUnsignedLong(b.getInt());
        if (type != Rpcap.FILTER_BPF) {
            throw new RpcapProtocolException(code, "Only BPF/NPF filters are currently supported");
        }
        if (n > Rpcap.MAX_INSNS) {
            throw new RpcapProtocolException(code, "Filter program is larger than the maximum size of " + Rpcap.MAX_INSNS + " instructions");
        }
        if (b.remaining() < n * 8) {
            throw new RpcapProtocolException(code, TOO_SHORT);
        }
        List<BpfProgram.Instruction> in = new ArrayList<>((int) n);
        for (int i = 0; i < n; i++) {
            in.add(new BpfProgram.Instruction(Short.toUnsignedInt(b.getShort()), Byte.toUnsignedInt(b.get()),
                    Byte.toUnsignedInt(b.get()), b.getInt()));
        }
        BpfProgram p = new BpfProgram(in);
        String problem = BpfCheck.problem(p);
        if (problem != null) {
            // The reference's exact text: clients show it as is.
            throw new RpcapProtocolException(code, "The filter contains invalid instructions");
        }
        return p;
    }

    public static Sampling sampling(byte[] p) throws RpcapProtocolException {
        if (p.length < 8) {
            throw new RpcapProtocolException(Rpcap.ERR_SETSAMPLING, TOO_SHORT);
        }
        ByteBuffer b = ByteBuffer.wrap(p);
        return new Sampling(Byte.toUnsignedInt(b.get(0)), Integer.toUnsignedLong(b.getInt(4)));
    }
}
