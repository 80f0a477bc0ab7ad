package org.tapline.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * PacketPrinter on single frames (see {@link Fixtures}) against the lines tcpdump 4.99.3 printed
 * for them ({@code tcpdump -n -t -r} with the flags named in each test).
 */
class PacketPrinterTest {
    /** 2023-11-14 22:13:20.123456 UTC. */
    static final long TIME = 1_700_000_000_123_456_789L;

    static PrintOptions flags(int verbose, boolean e, boolean q, PrintOptions.Dump dump, boolean link, int t, boolean n) {
        return new PrintOptions(verbose, e, q, dump, link, t, n, false, ZoneOffset.UTC);
    }

    static String print(PrintOptions o, String hex) {
        return print(o, Hex.segment(hex), (int) Hex.segment(hex).byteSize());
    }

    static String print(PrintOptions o, MemorySegment frame, int length) {
        StringBuilder sb = new StringBuilder();
        new PacketPrinter(o).print(Summary.LINKTYPE_ETHERNET, TIME, length, frame, sb);
        return sb.toString();
    }

    static PrintOptions plain() {
        return flags(0, false, false, PrintOptions.Dump.NONE, false, TimestampFormat.NONE, false);
    }

    @Test
    void defaultLinesAreTcpdumpsForEveryFixtureTcpdumpDecodesAlike() {
        // UDP_DNS_OFFLOADED is left out: tcpdump decodes DNS by its port, tapline does not.
        List<String[]> frames = List.of(
                new String[] {Fixtures.MLD_REPORT_HBH, Fixtures.MLD_REPORT_HBH_LINE},
                new String[] {Fixtures.ARP_REQUEST, Fixtures.ARP_REQUEST_LINE},
                new String[] {Fixtures.ARP_REPLY, Fixtures.ARP_REPLY_LINE},
                new String[] {Fixtures.ICMP_ECHO_REQUEST, Fixtures.ICMP_ECHO_REQUEST_LINE},
                new String[] {Fixtures.ICMP_ECHO_REPLY, Fixtures.ICMP_ECHO_REPLY_LINE},
                new String[] {Fixtures.ICMP6_ECHO_REQUEST_MCAST, Fixtures.ICMP6_ECHO_REQUEST_MCAST_LINE},
                new String[] {Fixtures.NEIGHBOR_SOLICITATION, Fixtures.NEIGHBOR_SOLICITATION_LINE},
                new String[] {Fixtures.NEIGHBOR_ADVERTISEMENT, Fixtures.NEIGHBOR_ADVERTISEMENT_LINE},
                new String[] {Fixtures.ICMP6_ECHO_REPLY, Fixtures.ICMP6_ECHO_REPLY_LINE},
                new String[] {Fixtures.ICMP_PORT_UNREACHABLE, Fixtures.ICMP_PORT_UNREACHABLE_LINE},
                new String[] {Fixtures.TCP_SYN_OFFLOADED, Fixtures.TCP_SYN_OFFLOADED_LINE},
                new String[] {Fixtures.TCP_RST, Fixtures.TCP_RST_LINE},
                new String[] {Fixtures.ROUTER_SOLICITATION, Fixtures.ROUTER_SOLICITATION_LINE},
                new String[] {Fixtures.NEIGHBOR_ADVERTISEMENT_NO_OPTION, Fixtures.NEIGHBOR_ADVERTISEMENT_NO_OPTION_LINE},
                new String[] {Fixtures.TCP6_SYN_LO, Fixtures.TCP6_SYN_LO_LINE},
                new String[] {Fixtures.TCP6_RST_LO, Fixtures.TCP6_RST_LO_LINE});
        for (String[] f : frames) {
            assertEquals(f[1] + "\n", print(plain(), f[0]));
        }
    }

    @Test
    void verboseShowsTheIpv4HeaderAndTheQuotedDatagramOfAnError() {
        PrintOptions v = flags(1, false, false, PrintOptions.Dump.NONE, false, TimestampFormat.NONE, false);
        assertEquals("IP (tos 0x0, ttl 64, id 37818, offset 0, flags [DF], proto ICMP (1), length 84)\n"
                + "    10.77.0.1 > 10.77.0.2: ICMP echo request, id 6418, seq 1, length 64\n",
                print(v, Fixtures.ICMP_ECHO_REQUEST));
        String error = print(v, Fixtures.ICMP_PORT_UNREACHABLE);
        assertTrue(error.startsWith("IP (tos 0xc0, ttl 64, id 38947, offset 0, flags [none], proto ICMP (1), length 60)\n"
                + "    10.77.0.2 > 10.77.0.1: ICMP 10.77.0.2 udp port 53 unreachable, length 40\n"
                + "\tIP (tos 0x0, ttl 64, id 47747, offset 0, flags [DF], proto UDP (17), length 32)\n"
                + "    10.77.0.1.43463 > 10.77.0.2.53: "), error);
    }

    @Test
    void verboseChecksTcpChecksumsAndShowsTheIpv6Header() {
        PrintOptions v = flags(1, false, false, PrintOptions.Dump.NONE, false, TimestampFormat.NONE, false);
        assertEquals("IP (tos 0x0, ttl 64, id 12791, offset 0, flags [DF], proto TCP (6), length 60)\n"
                + "    10.77.0.1.43564 > 10.77.0.2.80: Flags [S], cksum 0x14cb (incorrect -> 0xabc5), seq 2403375536, "
                + "win 64240, options [mss 1460,sackOK,TS val 1087142000 ecr 0,nop,wscale 10], length 0\n",
                print(v, Fixtures.TCP_SYN_OFFLOADED));
        assertEquals("IP6 (flowlabel 0x106de, hlim 64, next-header TCP (6) payload length: 40) ::1.44388 > ::1.9: "
                + "Flags [S], cksum 0x0030 (incorrect -> 0x6b66), seq 3650300701, win 65476, "
                + "options [mss 65476,sackOK,TS val 2609550614 ecr 0,nop,wscale 10], length 0\n",
                print(v, Fixtures.TCP6_SYN_LO));
    }

    @Test
    void neighbourDiscoveryOptionsAtVAndTheirBytesAtVv() {
        String line = "IP6 (hlim 255, next-header ICMPv6 (58) payload length: 32) fe80::3c22:b6ff:feea:6a1f > "
                + "ff02::1:ff09:63f0: [icmp6 sum ok] ICMP6, neighbor solicitation, length 32, who has "
                + "fe80::c448:d0ff:fe09:63f0\n\t  source link-address option (1), length 8 (1): 3e:22:b6:ea:6a:1f";
        assertEquals(line + "\n", print(flags(1, false, false, PrintOptions.Dump.NONE, false, 1, false),
                Fixtures.NEIGHBOR_SOLICITATION));
        assertEquals(line + "\n\t    0x0000:  3e22 b6ea 6a1f\n", print(flags(2, false, false, PrintOptions.Dump.NONE,
                false, 1, false), Fixtures.NEIGHBOR_SOLICITATION));
        assertEquals("ARP, Ethernet (len 6), IPv4 (len 4), Request who-has 10.77.0.2 tell 10.77.0.1, length 28\n",
                print(flags(1, false, false, PrintOptions.Dump.NONE, false, 1, false), Fixtures.ARP_REQUEST));
    }

    @Test
    void linkHeaderQuietAndNumbers() {
        assertEquals("c6:48:d0:09:63:f0 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: "
                + "Request who-has 10.77.0.2 tell 10.77.0.1, length 28\n",
                print(flags(0, true, false, PrintOptions.Dump.NONE, false, 1, false), Fixtures.ARP_REQUEST));
        assertEquals("    1  IP6 ::1.44388 > ::1.9: tcp 0\n",
                print(flags(0, false, true, PrintOptions.Dump.NONE, false, 1, true), Fixtures.TCP6_SYN_LO));
        assertEquals("00:00:00:00:00:00 > 00:00:00:00:00:00, IPv6, length 94: ::1.44388 > ::1.9: tcp 0\n",
                print(flags(0, true, true, PrintOptions.Dump.NONE, false, 1, false), Fixtures.TCP6_SYN_LO));
    }

    @Test
    void hexAndAsciiDumpAfterTheLineWithoutTheLinkHeader() {
        assertEquals(Fixtures.ARP_REQUEST_LINE + "\n"
                + "\t0x0000:  0001 0800 0604 0001 c648 d009 63f0 0a4d  .........H..c..M\n"
                + "\t0x0010:  0001 0000 0000 0000 0a4d 0002            .........M..\n",
                print(flags(0, false, false, PrintOptions.Dump.HEX_ASCII, false, 1, false), Fixtures.ARP_REQUEST));
        assertEquals(Fixtures.ARP_REQUEST_LINE + "\n"
                + "\t0x0000:  ffff ffff ffff c648 d009 63f0 0806 0001\n"
                + "\t0x0010:  0800 0604 0001 c648 d009 63f0 0a4d 0001\n"
                + "\t0x0020:  0000 0000 0000 0a4d 0002\n",
                print(flags(0, false, false, PrintOptions.Dump.HEX, true, 1, false), Fixtures.ARP_REQUEST));
    }

    @Test
    void cutShortPacketsEndAsTcpdumpMarksThem() {
        byte[] syn = Hex.bytes(Fixtures.TCP_SYN_OFFLOADED);
        MemorySegment cut = MemorySegment.ofArray(Arrays.copyOf(syn, 14 + 20 + 24));
        assertEquals("IP 10.77.0.1.43564 > 10.77.0.2.80: Flags [S], seq 2403375536, win 64240, options [mss 1460, [|tcp]\n",
                print(plain(), cut, syn.length));
        MemorySegment arp = MemorySegment.ofArray(Arrays.copyOf(Hex.bytes(Fixtures.ARP_REQUEST), 20));
        assertEquals(" [|arp]\n", print(plain(), arp, 42));
        assertEquals("[Invalid header: len(10) < caplen(42)]\n", print(plain(), Hex.segment(Fixtures.ARP_REQUEST), 10));
    }

    @Test
    void resetTextFastOpenCookiesAndNoNextHeader() {
        PrintOptions v = flags(1, false, false, PrintOptions.Dump.NONE, false, TimestampFormat.NONE, false);
        assertEquals("IP (tos 0x0, ttl 64, id 1, offset 0, flags [DF], proto TCP (6), length 44)\n"
                + "    10.0.0.1.80 > 10.0.0.2.40000: Flags [R], cksum 0x8873 (correct), seq 5:9, win 1000, length 4 "
                + "[RST hi^JM-^@]\n", print(v, "02000000000202000000000108004500002c00014000400626c90a0000010a000002"
                + "00509c400000000500000000500403e88873000068690a80"));
        assertEquals("IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [S], seq 7, win 1000, "
                + "options [tfo  cookie 0102030405060708,nop,nop], length 0\n",
                print(plain(), "02000000000202000000000108004500003400014000400626c10a0000010a0000029c40005000000007"
                        + "00000000800203e898350000220a01020304050607080101"));
        assertEquals("IP (tos 0x0, ttl 64, id 1, offset 0, flags [DF], proto unknown (59), length 20)\n"
                + "    10.0.0.1 > 10.0.0.2: no next header\n",
                print(v, "02000000000202000000000108004500001400014000403b26ac0a0000010a000002"));
    }

    @Test
    void timeOfDayComesFirstUnlessTurnedOff() {
        assertEquals("22:13:20.123456 " + Fixtures.ARP_REQUEST_LINE + "\n",
                print(flags(0, false, false, PrintOptions.Dump.NONE, false, 0, false), Fixtures.ARP_REQUEST));
    }

    @Test
    void randomBytesNeverThrowAndEndInANewline() {
        Random r = new Random(9);
        PrintOptions[] all = {plain(), flags(3, true, false, PrintOptions.Dump.HEX_ASCII, true, 3, true),
                flags(2, false, true, PrintOptions.Dump.ASCII, false, 4, false)};
        byte[][] seeds = {Hex.bytes(Fixtures.TCP_SYN_OFFLOADED), Hex.bytes(Fixtures.NEIGHBOR_SOLICITATION),
                Hex.bytes(Fixtures.ICMP_PORT_UNREACHABLE), Hex.bytes(Fixtures.MLD_REPORT_HBH)};
        for (int i = 0; i < 20_000; i++) {
            byte[] b = seeds[i % seeds.length].clone();
            for (int k = 0; k < 1 + r.nextInt(6); k++) {
                b[14 + r.nextInt(b.length - 14)] = (byte) r.nextInt(256);
            }
            byte[] f = Arrays.copyOf(b, 1 + r.nextInt(b.length));
            StringBuilder sb = new StringBuilder();
            new PacketPrinter(all[i % all.length]).print(Summary.LINKTYPE_ETHERNET, TIME, b.length,
                    MemorySegment.ofArray(f), sb);
            assertTrue(sb.toString().endsWith("\n") && !sb.toString().contains("internal error"), sb.toString());
        }
    }
}
