package org.tapline.stack.ip6;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.tapline.packet.Icmpv6;
import org.tapline.packet.MacAddress;
import org.tapline.stack.ip.IpAddress;

/**
 * The multicast groups the host is in and Multicast Listener Discovery for them, MLDv2 as Linux
 * sends it (RFC 3810): a join sends a State Change Report (CHANGE_TO_EXCLUDE, no sources), a
 * leave CHANGE_TO_INCLUDE; a query is answered after a random delay up to its Maximum Response
 * Delay with Current State Reports (MODE_IS_EXCLUDE), MLDv1 reports (RFC 2710) to an MLDv1
 * query. All-nodes (ff02::1) is always joined and never reported (RFC 3810 §6).
 *
 * <pre>
 *  MLDv2 report (RFC 3810 §5.2):  type 143 | code | checksum | reserved (16) | record count (16)
 *  record: type (8) | aux len (8) | number of sources (16) | multicast address (128)
 *  query (§5.1): type 130 | code | checksum | max resp code (16) | reserved (16) | address (128) | ...
 * </pre>
 */
final class Mld {
    static final int MODE_IS_EXCLUDE = 2;
    static final int CHANGE_TO_INCLUDE = 3;
    static final int CHANGE_TO_EXCLUDE = 4;
    private static final int RECORD = 20;
    private static final int V1_QUERY_LENGTH = 24;
    private static final int V2_QUERY_MIN = 28;

    private final Ipv6Host host;
    /** Group -> how many of our addresses use it. */
    private final Map<IpAddress, Integer> groups = new LinkedHashMap<>();
    private final MemorySegment scratch = Arena.ofAuto().allocate(8 + 64 * RECORD);
    /** When to answer a pending query, and with which protocol version; MAX_VALUE when none. */
    private long answerAt = Long.MAX_VALUE;
    private boolean answerV1;
    private IpAddress answerGroup;

    Mld(Ipv6Host host) {
        this.host = host;
        groups.put(Wire.ALL_NODES, 1);
    }

    boolean isMember(IpAddress group) {
        return groups.containsKey(group);
    }

    /** Whether {@code mac} is the Ethernet address of a group we are in. */
    boolean acceptsMac(MacAddress mac) {
        if ((mac.bits() >>> 32) != 0x3333) {
            return false;
        }
        for (IpAddress g : groups.keySet()) {
            if (Wire.groupMac(g).equals(mac)) {
                return true;
            }
        }
        return false;
    }

    void join(IpAddress group, long now) {
        Integer n = groups.get(group);
        groups.put(group, n == null ? 1 : n + 1);
        if (n == null) {
            report(CHANGE_TO_EXCLUDE, List.of(group));
        }
    }

    void leave(IpAddress group, long now) {
        Integer n = groups.get(group);
        if (n == null || group.equals(Wire.ALL_NODES)) {
            return;
        }
        if (n > 1) {
            groups.put(group, n - 1);
        } else {
            groups.remove(group);
            report(CHANGE_TO_INCLUDE, List.of(group));
        }
    }

    /** A query (ICMPv6 type 130) at {@code off}, {@code len} bytes; false when malformed. */
    boolean query(IpAddress src, int hopLimit, MemorySegment s, long off, int len, long now) {
        // RFC 3810 §5.1.14 and RFC 2710 §5: from a link-local source, hop limit 1; a length that is
        // neither MLDv1's 24 nor MLDv2's 28 or more is dropped.
        if (!Wire.isLinkLocal(src) || hopLimit != 1 || len != V1_QUERY_LENGTH && len < V2_QUERY_MIN) {
            return false;
        }
        IpAddress group = IpAddress.readV6(s, off + 8);
        if (!group.isUnspecified() && !groups.containsKey(group)) {
            return true;
        }
        int code = Wire.u16(s, off + 4);
        long maxMillis = code;
        if (len >= V2_QUERY_MIN && code >= 0x8000) {
            // RFC 3810 §5.1.3: 1 | exp (3) | mant (12) -> (mant | 0x1000) << (exp + 3)
            maxMillis = (long) ((code & 0xfff) | 0x1000) << (((code >> 12) & 7) + 3);
        }
        long at = now + (long) (host.random.nextDouble() * maxMillis * 1_000_000L);
        if (at - answerAt < 0 || answerAt == Long.MAX_VALUE) {
            answerAt = at;
        }
        answerV1 = len == V1_QUERY_LENGTH;
        answerGroup = answerGroup != null && !answerGroup.equals(group) ? IpAddress.ANY_V6 : group;
        return true;
    }

    void poll(long now) {
        if (now - answerAt < 0) {
            return;
        }
        answerAt = Long.MAX_VALUE;
        List<IpAddress> which = new ArrayList<>();
        for (IpAddress g : groups.keySet()) {
            if (!g.equals(Wire.ALL_NODES) && (answerGroup.isUnspecified() || g.equals(answerGroup))) {
                which.add(g);
            }
        }
        answerGroup = null;
        if (answerV1) {
            for (IpAddress g : which) {
                reportV1(g);
            }
        } else if (!which.isEmpty()) {
            report(MODE_IS_EXCLUDE, which);
        }
    }

    long nextDeadline() {
        return answerAt;
    }

    /** One MLDv2 report of {@code type} records; the all-nodes group is never reported. */
    private void report(int type, List<IpAddress> which) {
        int n = 0;
        int at = 8;
        for (IpAddress g : which) {
            if (g.equals(Wire.ALL_NODES) || n == 64) {
                continue;
            }
            Wire.put32(scratch, at, (long) type << 24);
            g.toIpv6().writeTo(scratch, at + 4);
            at += RECORD;
            n++;
        }
        if (n == 0) {
            return;
        }
        Wire.put32(scratch, 0, (long) Icmpv6.MLDV2_REPORT << 24);
        Wire.put32(scratch, 4, n);
        send(Wire.ALL_MLDV2_ROUTERS, at);
    }

    private void reportV1(IpAddress group) {
        Wire.put32(scratch, 0, (long) Icmpv6.MLD_REPORT << 24);
        Wire.put32(scratch, 4, 0);
        group.toIpv6().writeTo(scratch, 8);
        send(group, 24);
    }

    private void send(IpAddress dst, int len) {
        // RFC 3810 §5.2.13: from a link-local address, or :: while none is ready yet.
        IpAddress src = host.addresses.linkLocal();
        if (src == null) {
            src = IpAddress.ANY_V6;
        }
        Wire.icmpChecksum(scratch, len, src, dst);
        host.counters.icmpOutMsgs++;
        host.counters.icmpOutType[Wire.u8(scratch, 0)]++;
        host.output.sendLink(Wire.groupMac(dst), src, dst, 1, true, scratch, len);
    }

    List<IpAddress> groups() {
        return List.copyOf(groups.keySet());
    }
}
