package org.tapline.puppet;

import java.nio.ByteBuffer;

/**
 * etherpuppet's wire protocol (secdev etherpuppet 0.3/0.4; facts only), all big-endian:
 * <pre>
 *  connector -> listener : version (4)           0x13370103 (v0.3, Debian) or 0x13370104 (v0.4)
 *  puppet -> master      : link type (2)         the interface's ARPHRD (1 Ethernet, 512 PPP)
 *  puppet -> master      : per parameter         0x8001 (2) | set-ioctl number (4) | interface request
 *                          then                  0x8002 (2)   configuration finished
 *  either way            : frame                 length L (2, top bit clear) | protocol (2) | frame (L-2)
 *
 *  v0.4 request: netifreq, 32 bytes: name (16) | MTU (4) or sockaddr family (2) + data (14); number and
 *                fields big-endian
 *  v0.3 request: the C struct ifreq as is, 40 bytes on x86-64: name (16) | MTU (4) or sockaddr family (2)
 *                + data (14) | zeros; number, MTU and family in the sender's byte order (little-endian here)
 * </pre>
 * A length word with the top bit set is a command. The reference truncates frames to 1600 bytes
 * (its MTU); the length field allows 32767.
 *
 * <p>Tapline mode, negotiated so that etherpuppet peers never see it:
 * <pre>
 *  puppet -> master : HELLO, a CMD_IFREQ for SIOCGIFFLAGS (a harmless get for etherpuppet's master) named
 *                     "tapline/1", sent before the parameters
 *  master -> puppet : 0x8074 ACK, then the master writes tapline records
 *  puppet -> master : 0x8075 UPGRADE, then the puppet writes tapline records
 *  record           : word (4): bit 31 command, bits 24-30 command type, bits 0-23 length | length bytes
 *                     frames are whole (no protocol word, no 1600-byte cut); commands: IPV6 address
 *                     (16 + prefix length 1), BYE (the peer ends on purpose: do not reconnect),
 *                     OFFLOADED frame (virtio_net_hdr (10, little-endian) | frame: a TCP super-frame
 *                     or a frame whose checksum is to be completed, from the master's TAP)
 * </pre>
 */
public final class PuppetWire {
    public static final int VERSION_03 = 0x13370103;
    public static final int VERSION_04 = 0x13370104;
    public static final int CMD = 0x8000;
    public static final int CMD_IFREQ = 0x0001;
    public static final int CMD_CONF_FINISHED = 0x0002;
    public static final int NETIFREQ = 32;
    /** struct ifreq on x86-64 Linux, as v0.3 sends it. */
    public static final int IFREQ_03 = 40;
    public static final int NAME = 16;
    public static final int MAX_FRAME = 0x7fff - 2;
    /** etherpuppet's MTU: the largest frame it carries. */
    public static final int REFERENCE_MTU = 1600;
    public static final int ARPHRD_ETHER = 1;
    public static final int ARPHRD_PPP = 512;

    // linux/sockios.h set requests carried in CMD_IFREQ, in the order etherpuppet sends them.
    public static final int SIOCSIFHWADDR = 0x8924;
    public static final int SIOCSIFMTU = 0x8922;
    public static final int SIOCSIFADDR = 0x8916;
    public static final int SIOCSIFDSTADDR = 0x8918;
    public static final int SIOCSIFBRDADDR = 0x891a;
    public static final int SIOCSIFNETMASK = 0x891c;

    /** SIOCGIFFLAGS: the request number of the tapline hello. */
    public static final int SIOCGIFFLAGS = 0x8913;
    public static final String HELLO_NAME = "tapline/1";
    public static final int CMD_ACK = 0x0074;
    public static final int CMD_UPGRADE = 0x0075;
    /** Tapline records. */
    public static final int REC_CMD = 0x8000_0000;
    public static final int REC_IPV6 = 1;
    public static final int REC_BYE = 2;
    public static final int REC_OFFLOADED = 3;
    /** struct virtio_net_hdr. */
    public static final int VNET_HDR = 10;
    /** The largest tapline record: a 64 KiB IP packet in any link header, with room to spare. */
    public static final int MAX_RECORD = 1 << 18;

    private PuppetWire() {}

    /** The tapline hello, a CMD_IFREQ in the session's layout. */
    public static byte[] hello(int version) {
        ByteBuffer b = ifreqHead(version, SIOCGIFFLAGS, HELLO_NAME);
        return b.array();
    }

    /** True when a configuration request is the tapline hello. */
    public static boolean isHello(int request, byte[] ifreq) {
        byte[] n = HELLO_NAME.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return request == SIOCGIFFLAGS && ifreq.length >= NAME
                && java.util.Arrays.equals(ifreq, 0, n.length, n, 0, n.length) && ifreq[n.length] == 0;
    }

    public static byte[] command(int cmd) {
        return new byte[] {(byte) 0x80, (byte) cmd};
    }

    /** A tapline command record. */
    public static byte[] record(int type, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(4 + payload.length);
        b.putInt(REC_CMD | type << 24 | payload.length).put(payload);
        return b.array();
    }

    /** An IPv6 address and prefix length (tapline IPV6 record payload). */
    public static byte[] ipv6(byte[] address, int prefixLength) {
        byte[] p = java.util.Arrays.copyOf(address, 17);
        p[16] = (byte) prefixLength;
        return p;
    }

    /** "0.3" style text of a version word, for the mismatch message. */
    public static String versionText(int v) {
        return (v & 0xffff_ff00) == 0x1337_0100 ? String.format("%08x (0.%d)", v, v & 0xff)
                : String.format("%08x (not an etherpuppet version)", v);
    }

    /** True for the v0.3 layout (host-order struct ifreq). */
    public static boolean legacy(int version) {
        return version == VERSION_03;
    }

    /** Size of the interface request that follows the number. */
    public static int requestSize(int version) {
        return legacy(version) ? IFREQ_03 : NETIFREQ;
    }

    /** Byte order of the number and the fields of a request. */
    public static java.nio.ByteOrder requestOrder(int version) {
        return legacy(version) ? java.nio.ByteOrder.LITTLE_ENDIAN : java.nio.ByteOrder.BIG_ENDIAN;
    }

    /** A CMD_IFREQ carrying an MTU. */
    public static byte[] ifreqMtu(int version, String name, int mtu) {
        ByteBuffer b = ifreqHead(version, SIOCSIFMTU, name);
        b.putInt(mtu);
        return b.array();
    }

    /** A CMD_IFREQ carrying a sockaddr: {@code family} and up to 14 data bytes. */
    public static byte[] ifreqAddress(int version, int request, String name, int family, byte[] data) {
        ByteBuffer b = ifreqHead(version, request, name);
        b.putShort((short) family);
        b.put(data, 0, Math.min(14, data.length));
        return b.array();
    }

    private static ByteBuffer ifreqHead(int version, int request, String name) {
        ByteBuffer b = ByteBuffer.allocate(2 + 4 + requestSize(version));
        b.putShort((short) (CMD | CMD_IFREQ));
        b.order(requestOrder(version)).putInt(request);
        byte[] n = new byte[NAME];
        byte[] src = name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(src, 0, n, 0, Math.min(NAME - 1, src.length));
        return b.put(n);
    }

    public static byte[] confFinished() {
        return command(CMD_CONF_FINISHED);
    }

    /** An IPv4 sockaddr's 14 data bytes: port 0 and the address. */
    public static byte[] sockaddrIn(byte[] ipv4) {
        byte[] d = new byte[14];
        System.arraycopy(ipv4, 0, d, 2, 4);
        return d;
    }
}
