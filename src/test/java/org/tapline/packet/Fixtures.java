package org.tapline.packet;

/**
 * Ethernet frames captured on this machine with {@code tcpdump -w} (a veth pair into a network
 * namespace, and lo) during development, as {@code tcpdump -xx} printed them, each with the
 * line {@code tcpdump -nn -r} (4.99) printed. "OFFLOADED" frames were captured on the sending
 * side before checksum offload filled in the TCP/UDP checksum; tcpdump -vv named the right value.
 */
final class Fixtures {
    private Fixtures() {}

    /** veth: IP6 fe80::3c22:b6ff:feea:6a1f > ff02::16: HBH ICMP6, multicast listener report v2, 1 group record(s), length 28 */
    static final String MLD_REPORT_HBH =
            "3333000000163e22b6ea6a1f86dd6000000000240001fe800000000000003c22" +
            "b6fffeea6a1fff0200000000000000000000000000163a000502000001008f00" +
            "a9d30000000104000000ff0200000000000000000001ffea6a1f";
    static final String MLD_REPORT_HBH_LINE =
            "IP6 fe80::3c22:b6ff:feea:6a1f > ff02::16: HBH ICMP6, multicast listener report v2, 1 group record(s), length 28";

    /** veth: ARP, Request who-has 10.77.0.2 tell 10.77.0.1, length 28 */
    static final String ARP_REQUEST =
            "ffffffffffffc648d00963f008060001080006040001c648d00963f00a4d0001" +
            "0000000000000a4d0002";
    static final String ARP_REQUEST_LINE =
            "ARP, Request who-has 10.77.0.2 tell 10.77.0.1, length 28";

    /** veth: ARP, Reply 10.77.0.2 is-at 3e:22:b6:ea:6a:1f, length 28 */
    static final String ARP_REPLY =
            "c648d00963f03e22b6ea6a1f080600010800060400023e22b6ea6a1f0a4d0002" +
            "c648d00963f00a4d0001";
    static final String ARP_REPLY_LINE =
            "ARP, Reply 10.77.0.2 is-at 3e:22:b6:ea:6a:1f, length 28";

    /** veth: IP 10.77.0.1 > 10.77.0.2: ICMP echo request, id 6418, seq 1, length 64 */
    static final String ICMP_ECHO_REQUEST =
            "3e22b6ea6a1fc648d00963f008004500005493ba4000400192520a4d00010a4d" +
            "00020800832b19120001023b036b000000009448030000000000101112131415" +
            "161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435" +
            "3637";
    static final String ICMP_ECHO_REQUEST_LINE =
            "IP 10.77.0.1 > 10.77.0.2: ICMP echo request, id 6418, seq 1, length 64";

    /** veth: IP 10.77.0.2 > 10.77.0.1: ICMP echo reply, id 6418, seq 1, length 64 */
    static final String ICMP_ECHO_REPLY =
            "c648d00963f03e22b6ea6a1f080045000054982200004001cdea0a4d00020a4d" +
            "000100008b2b19120001023b036b000000009448030000000000101112131415" +
            "161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435" +
            "3637";
    static final String ICMP_ECHO_REPLY_LINE =
            "IP 10.77.0.2 > 10.77.0.1: ICMP echo reply, id 6418, seq 1, length 64";

    /** veth: IP6 fe80::c448:d0ff:fe09:63f0 > ff02::1: ICMP6, echo request, id 6419, seq 1, length 64 */
    static final String ICMP6_ECHO_REQUEST_MCAST =
            "333300000001c648d00963f086dd6002371600403a01fe80000000000000c448" +
            "d0fffe0963f0ff02000000000000000000000000000180006fdf19130001023b" +
            "036b000000003a51030000000000101112131415161718191a1b1c1d1e1f2021" +
            "22232425262728292a2b2c2d2e2f3031323334353637";
    static final String ICMP6_ECHO_REQUEST_MCAST_LINE =
            "IP6 fe80::c448:d0ff:fe09:63f0 > ff02::1: ICMP6, echo request, id 6419, seq 1, length 64";

    /** veth: IP6 fe80::3c22:b6ff:feea:6a1f > ff02::1:ff09:63f0: ICMP6, neighbor solicitation, who has fe80::c448:d0ff:fe09:63f0, length 32 */
    static final String NEIGHBOR_SOLICITATION =
            "3333ff0963f03e22b6ea6a1f86dd6000000000203afffe800000000000003c22" +
            "b6fffeea6a1fff0200000000000000000001ff0963f08700660800000000fe80" +
            "000000000000c448d0fffe0963f001013e22b6ea6a1f";
    static final String NEIGHBOR_SOLICITATION_LINE =
            "IP6 fe80::3c22:b6ff:feea:6a1f > ff02::1:ff09:63f0: ICMP6, neighbor solicitation, who has fe80::c448:d0ff:fe09:63f0, length 32";

    /** veth: IP6 fe80::c448:d0ff:fe09:63f0 > fe80::3c22:b6ff:feea:6a1f: ICMP6, neighbor advertisement, tgt is fe80::c448:d0ff:fe09:63f0, length 32 */
    static final String NEIGHBOR_ADVERTISEMENT =
            "3e22b6ea6a1fc648d00963f086dd6000000000203afffe80000000000000c448" +
            "d0fffe0963f0fe800000000000003c22b6fffeea6a1f8800d52b60000000fe80" +
            "000000000000c448d0fffe0963f00201c648d00963f0";
    static final String NEIGHBOR_ADVERTISEMENT_LINE =
            "IP6 fe80::c448:d0ff:fe09:63f0 > fe80::3c22:b6ff:feea:6a1f: ICMP6, neighbor advertisement, tgt is fe80::c448:d0ff:fe09:63f0, length 32";

    /** veth: IP6 fe80::3c22:b6ff:feea:6a1f > fe80::c448:d0ff:fe09:63f0: ICMP6, echo reply, id 6419, seq 1, length 64 */
    static final String ICMP6_ECHO_REPLY =
            "c648d00963f03e22b6ea6a1f86dd6000985900403a40fe800000000000003c22" +
            "b6fffeea6a1ffe80000000000000c448d0fffe0963f08100133619130001023b" +
            "036b000000003a51030000000000101112131415161718191a1b1c1d1e1f2021" +
            "22232425262728292a2b2c2d2e2f3031323334353637";
    static final String ICMP6_ECHO_REPLY_LINE =
            "IP6 fe80::3c22:b6ff:feea:6a1f > fe80::c448:d0ff:fe09:63f0: ICMP6, echo reply, id 6419, seq 1, length 64";

    /** veth: IP 10.77.0.1.43463 > 10.77.0.2.53: domain [length 4 < 12] (invalid) */
    static final String UDP_DNS_OFFLOADED =
            "3e22b6ea6a1fc648d00963f0080045000020ba83400040116bad0a4d00010a4d" +
            "0002a9c70035000c14ba646e7371";
    static final String UDP_DNS_OFFLOADED_LINE =
            "IP 10.77.0.1.43463 > 10.77.0.2.53: domain [length 4 < 12] (invalid)";

    /** veth: IP 10.77.0.2 > 10.77.0.1: ICMP 10.77.0.2 udp port 53 unreachable, length 40 */
    static final String ICMP_PORT_UNREACHABLE =
            "c648d00963f03e22b6ea6a1f080045c0003c982300004001cd410a4d00020a4d" +
            "00010303665a0000000045000020ba83400040116bad0a4d00010a4d0002a9c7" +
            "0035000c14ba646e7371";
    static final String ICMP_PORT_UNREACHABLE_LINE =
            "IP 10.77.0.2 > 10.77.0.1: ICMP 10.77.0.2 udp port 53 unreachable, length 40";

    /** veth: IP 10.77.0.1.43564 > 10.77.0.2.80: Flags [S], seq 2403375536, win 64240, options [mss 1460,sackOK,TS val 1087142000 ecr 0,nop,wscale 10], length 0 */
    static final String TCP_SYN_OFFLOADED =
            "3e22b6ea6a1fc648d00963f008004500003c31f740004006f4280a4d00010a4d" +
            "0002aa2c00508f4099b000000000a002faf014cb0000020405b40402080a40cc" +
            "7870000000000103030a";
    static final String TCP_SYN_OFFLOADED_LINE =
            "IP 10.77.0.1.43564 > 10.77.0.2.80: Flags [S], seq 2403375536, win 64240, options [mss 1460,sackOK,TS val 1087142000 ecr 0,nop,wscale 10], length 0";

    /** veth: IP 10.77.0.2.80 > 10.77.0.1.43564: Flags [R.], seq 0, ack 2403375537, win 0, length 0 */
    static final String TCP_RST =
            "c648d00963f03e22b6ea6a1f08004500002800004000400626340a4d00020a4d" +
            "00010050aa2c000000008f4099b150140000c7c50000";
    static final String TCP_RST_LINE =
            "IP 10.77.0.2.80 > 10.77.0.1.43564: Flags [R.], seq 0, ack 2403375537, win 0, length 0";

    /** veth: IP6 fe80::3c22:b6ff:feea:6a1f > ff02::2: ICMP6, router solicitation, length 16 */
    static final String ROUTER_SOLICITATION =
            "3333000000023e22b6ea6a1f86dd6000000000103afffe800000000000003c22" +
            "b6fffeea6a1fff0200000000000000000000000000028500c0d5000000000101" +
            "3e22b6ea6a1f";
    static final String ROUTER_SOLICITATION_LINE =
            "IP6 fe80::3c22:b6ff:feea:6a1f > ff02::2: ICMP6, router solicitation, length 16";

    /** veth: IP6 fe80::3c22:b6ff:feea:6a1f > fe80::c448:d0ff:fe09:63f0: ICMP6, neighbor advertisement, tgt is fe80::3c22:b6ff:feea:6a1f, length 24 */
    static final String NEIGHBOR_ADVERTISEMENT_NO_OPTION =
            "c648d00963f03e22b6ea6a1f86dd6000000000183afffe800000000000003c22" +
            "b6fffeea6a1ffe80000000000000c448d0fffe0963f088008c8e40000000fe80" +
            "0000000000003c22b6fffeea6a1f";
    static final String NEIGHBOR_ADVERTISEMENT_NO_OPTION_LINE =
            "IP6 fe80::3c22:b6ff:feea:6a1f > fe80::c448:d0ff:fe09:63f0: ICMP6, neighbor advertisement, tgt is fe80::3c22:b6ff:feea:6a1f, length 24";

    /** lo: IP6 ::1.44388 > ::1.9: Flags [S], seq 3650300701, win 65476, options [mss 65476,sackOK,TS val 2609550614 ecr 0,nop,wscale 10], length 0 */
    static final String TCP6_SYN_LO =
            "00000000000000000000000086dd600106de0028064000000000000000000000" +
            "00000000000100000000000000000000000000000001ad640009d9932b1d0000" +
            "0000a002ffc4003000000204ffc40402080a9b8a9516000000000103030a";
    static final String TCP6_SYN_LO_LINE =
            "IP6 ::1.44388 > ::1.9: Flags [S], seq 3650300701, win 65476, options [mss 65476,sackOK,TS val 2609550614 ecr 0,nop,wscale 10], length 0";

    /** lo: IP6 ::1.9 > ::1.44388: Flags [R.], seq 0, ack 3650300702, win 0, length 0 */
    static final String TCP6_RST_LO =
            "00000000000000000000000086dd600a9a410014064000000000000000000000" +
            "000000000001000000000000000000000000000000010009ad6400000000d993" +
            "2b1e50140000001c0000";
    static final String TCP6_RST_LO_LINE =
            "IP6 ::1.9 > ::1.44388: Flags [R.], seq 0, ack 3650300702, win 0, length 0";

    /** A captured frame and tcpdump's line for it. */
    record Frame(String name, String hex, String tcpdumpLine) {
        java.lang.foreign.MemorySegment segment() {
            return Hex.segment(hex);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static java.util.List<Frame> all() {
        return java.util.List.of(
                new Frame("MLD_REPORT_HBH", MLD_REPORT_HBH, MLD_REPORT_HBH_LINE),
                new Frame("ARP_REQUEST", ARP_REQUEST, ARP_REQUEST_LINE),
                new Frame("ARP_REPLY", ARP_REPLY, ARP_REPLY_LINE),
                new Frame("ICMP_ECHO_REQUEST", ICMP_ECHO_REQUEST, ICMP_ECHO_REQUEST_LINE),
                new Frame("ICMP_ECHO_REPLY", ICMP_ECHO_REPLY, ICMP_ECHO_REPLY_LINE),
                new Frame("ICMP6_ECHO_REQUEST_MCAST", ICMP6_ECHO_REQUEST_MCAST, ICMP6_ECHO_REQUEST_MCAST_LINE),
                new Frame("NEIGHBOR_SOLICITATION", NEIGHBOR_SOLICITATION, NEIGHBOR_SOLICITATION_LINE),
                new Frame("NEIGHBOR_ADVERTISEMENT", NEIGHBOR_ADVERTISEMENT, NEIGHBOR_ADVERTISEMENT_LINE),
                new Frame("ICMP6_ECHO_REPLY", ICMP6_ECHO_REPLY, ICMP6_ECHO_REPLY_LINE),
                new Frame("UDP_DNS_OFFLOADED", UDP_DNS_OFFLOADED, UDP_DNS_OFFLOADED_LINE),
                new Frame("ICMP_PORT_UNREACHABLE", ICMP_PORT_UNREACHABLE, ICMP_PORT_UNREACHABLE_LINE),
                new Frame("TCP_SYN_OFFLOADED", TCP_SYN_OFFLOADED, TCP_SYN_OFFLOADED_LINE),
                new Frame("TCP_RST", TCP_RST, TCP_RST_LINE),
                new Frame("ROUTER_SOLICITATION", ROUTER_SOLICITATION, ROUTER_SOLICITATION_LINE),
                new Frame("NEIGHBOR_ADVERTISEMENT_NO_OPTION", NEIGHBOR_ADVERTISEMENT_NO_OPTION, NEIGHBOR_ADVERTISEMENT_NO_OPTION_LINE),
                new Frame("TCP6_SYN_LO", TCP6_SYN_LO, TCP6_SYN_LO_LINE),
                new Frame("TCP6_RST_LO", TCP6_RST_LO, TCP6_RST_LO_LINE));
    }
}
