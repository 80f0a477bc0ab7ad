package org.tapline.rpcap;

/**
 * RPCAP constants (libpcap rpcap-protocol.h; see docs/RPCAP.md §3). Every message
 * starts with an 8-byte big-endian header:
 * <pre>
 *  0 ver (1) | 1 type (1) | 2 value (2) | 4 plen (4) | 8 payload, plen bytes
 * </pre>
 */
public final class Rpcap {
    public static final int VERSION = 0;
    public static final int HEADER = 8;
    public static final int DEFAULT_PORT = 2002;
    public static final int DEFAULT_ACTIVE_PORT = 2003;

    // Message types; a reply is its request | 0x80.
    public static final int MSG_ERROR = 0x01;
    public static final int MSG_FINDALLIF_REQ = 0x02;
    public static final int MSG_OPEN_REQ = 0x03;
    public static final int MSG_STARTCAP_REQ = 0x04;
    public static final int MSG_UPDATEFILTER_REQ = 0x05;
    public static final int MSG_CLOSE = 0x06;
    public static final int MSG_PACKET = 0x07;
    public static final int MSG_AUTH_REQ = 0x08;
    public static final int MSG_STATS_REQ = 0x09;
    public static final int MSG_ENDCAP_REQ = 0x0a;
    public static final int MSG_SETSAMPLING_REQ = 0x0b;
    public static final int REPLY = 0x80;

    // Error codes (value of an ERROR message).
    public static final int ERR_NETW = 1;
    public static final int ERR_INITTIMEOUT = 2;
    public static final int ERR_AUTH = 3;
    public static final int ERR_FINDALLIF = 4;
    public static final int ERR_NOREMOTEIF = 5;
    public static final int ERR_OPEN = 6;
    public static final int ERR_UPDATEFILTER = 7;
    public static final int ERR_GETSTATS = 8;
    public static final int ERR_READEX = 9;
    public static final int ERR_HOSTNOAUTH = 10;
    public static final int ERR_REMOTEACCEPT = 11;
    public static final int ERR_STARTCAPTURE = 12;
    public static final int ERR_ENDCAPTURE = 13;
    public static final int ERR_RUNTIMETIMEOUT = 14;
    public static final int ERR_SETSAMPLING = 15;
    public static final int ERR_WRONGMSG = 16;
    public static final int ERR_WRONGVER = 17;
    public static final int ERR_AUTH_FAILED = 18;
    public static final int ERR_TLS_REQUIRED = 19;
    public static final int ERR_AUTH_TYPE_NOTSUP = 20;

    public static final int AUTH_NULL = 0;
    public static final int AUTH_PWD = 1;

    // STARTCAP flags.
    public static final int FLAG_PROMISC = 0x1;
    public static final int FLAG_DGRAM = 0x2;
    public static final int FLAG_SERVEROPEN = 0x4;

    public static final int FILTER_BPF = 1;
    public static final int SAMP_NOSAMP = 0;
    public static final int SAMP_1_EVERY_N = 1;
    public static final int SAMP_FIRST_AFTER_N_MS = 2;

    /** Portable address family numbers in FINDALLIF replies. */
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 23;

    // Limits checked before anything is allocated.
    public static final int MAX_SOURCE = 1024;
    public static final int MAX_INSNS = 8192;
    public static final int MAX_ERROR_TEXT = 255;
    /** Bytes a request payload may have that are read into memory; the rest is discarded. */
    public static final int MAX_REQUEST_PAYLOAD = 8 + 2 * 65535;
    public static final int MAX_SNAPLEN = 262144;

    private Rpcap() {}

    /** The reference's name for a message type, as in its error texts; null for unnamed codes. */
    public static String typeName(int type) {
        return switch (type) {
            case MSG_ERROR -> "RPCAP_MSG_ERROR";
            case MSG_FINDALLIF_REQ -> "RPCAP_MSG_FINDALLIF_REQ";
            case MSG_OPEN_REQ -> "RPCAP_MSG_OPEN_REQ";
            case MSG_STARTCAP_REQ -> "RPCAP_MSG_STARTCAP_REQ";
            case MSG_UPDATEFILTER_REQ -> "RPCAP_MSG_UPDATEFILTER_REQ";
            case MSG_CLOSE -> "RPCAP_MSG_CLOSE";
            case MSG_PACKET -> "RPCAP_MSG_PACKET";
            case MSG_AUTH_REQ -> "RPCAP_MSG_AUTH_REQ";
            case MSG_STATS_REQ -> "RPCAP_MSG_STATS_REQ";
            case MSG_ENDCAP_REQ -> "RPCAP_MSG_ENDCAP_REQ";
            case MSG_SETSAMPLING_REQ -> "RPCAP_MSG_SETSAMPLING_REQ";
            case MSG_FINDALLIF_REQ | REPLY -> "RPCAP_MSG_FINDALLIF_REPLY";
            case MSG_OPEN_REQ | REPLY -> "RPCAP_MSG_OPEN_REPLY";
            case MSG_STARTCAP_REQ | REPLY -> "RPCAP_MSG_STARTCAP_REPLY";
            case MSG_UPDATEFILTER_REQ | REPLY -> "RPCAP_MSG_UPDATEFILTER_REPLY";
            case MSG_AUTH_REQ | REPLY -> "RPCAP_MSG_AUTH_REPLY";
            case MSG_STATS_REQ | REPLY -> "RPCAP_MSG_STATS_REPLY";
            case MSG_ENDCAP_REQ | REPLY -> "RPCAP_MSG_ENDCAP_REPLY";
            case MSG_SETSAMPLING_REQ | REPLY -> "RPCAP_MSG_SETSAMPLING_REPLY";
            default -> null;
        };
    }

    /** True for the types only a server sends (PACKET and the named replies). */
    public static boolean serverToClient(int type) {
        return type == MSG_PACKET || (type & REPLY) != 0 && typeName(type) != null;
    }
}
