package org.tapline.os;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tapline.lab.Lab;

/**
 * Our hand-written struct sizes and offsets against what the C compiler says with the real
 * headers (linux/if.h, linux/if_tun.h, ifaddrs.h, pcap/pcap.h), so a wrong constant fails here
 * rather than corrupting memory.
 */
class StructLayoutTest {
    private static final String PROBE = """
            #include <stdio.h>
            #include <stddef.h>
            #include <poll.h>
            #include <sys/ioctl.h>
            #include <ifaddrs.h>
            #include <net/if.h>
            #include <linux/if_tun.h>
            #include <linux/sockios.h>
            #include <netinet/in.h>
            #include <pcap/pcap.h>
            struct in6_ifreq { struct in6_addr a; unsigned int p; int i; };
            #define P(n, v) printf("%s %ld\\n", n, (long) (v))
            int main(void) {
              P("ifreq", sizeof(struct ifreq));
              P("ifreq.union", offsetof(struct ifreq, ifr_ifru));
              P("in6_ifreq", sizeof(struct in6_ifreq));
              P("pollfd", sizeof(struct pollfd));
              P("ifaddrs.name", offsetof(struct ifaddrs, ifa_name));
              P("ifaddrs.flags", offsetof(struct ifaddrs, ifa_flags));
              P("ifaddrs.addr", offsetof(struct ifaddrs, ifa_addr));
              P("ifaddrs.netmask", offsetof(struct ifaddrs, ifa_netmask));
              P("ifaddrs.broaddst", offsetof(struct ifaddrs, ifa_ifu));
              P("sin6.addr", offsetof(struct sockaddr_in6, sin6_addr));
              P("sin6.scope", offsetof(struct sockaddr_in6, sin6_scope_id));
              P("TUNSETIFF", TUNSETIFF);
              P("TUNSETPERSIST", TUNSETPERSIST);
              P("IFF_NO_PI", IFF_NO_PI);
              P("SIOCSIFHWADDR", SIOCSIFHWADDR);
              P("SIOCDIFADDR", SIOCDIFADDR);
              P("pkthdr", sizeof(struct pcap_pkthdr));
              P("pkthdr.caplen", offsetof(struct pcap_pkthdr, caplen));
              P("pkthdr.len", offsetof(struct pcap_pkthdr, len));
              P("bpf_program", sizeof(struct bpf_program));
              P("bpf_insn", sizeof(struct bpf_insn));
              P("pcap_stat", sizeof(struct pcap_stat));
              P("pcap_if", sizeof(pcap_if_t));
              P("pcap_if.flags", offsetof(pcap_if_t, flags));
              P("pcap_if.addresses", offsetof(pcap_if_t, addresses));
              P("pcap_addr", sizeof(pcap_addr_t));
              P("pcap_addr.dstaddr", offsetof(pcap_addr_t, dstaddr));
              P("PCAP_ERRBUF_SIZE", PCAP_ERRBUF_SIZE);
              return 0;
            }
            """;

    @Test
    void layoutsMatchTheCHeaders(@TempDir Path dir) throws Exception {
        Path c = dir.resolve("probe.c");
        Files.writeString(c, PROBE);
        Path exe = dir.resolve("probe");
        Lab.exec(List.of("gcc", "-o", exe.toString(), c.toString()));
        Map<String, Long> v = new HashMap<>();
        for (String line : Lab.exec(List.of(exe.toString())).split("\n")) {
            String[] kv = line.split(" ");
            v.put(kv[0], Long.parseLong(kv[1]));
        }
        assertEquals((long) Ifreq.SIZE, v.get("ifreq"));
        assertEquals((long) Ifreq.UNION, v.get("ifreq.union"));
        assertEquals((long) Interfaces.IN6_IFREQ_SIZE, v.get("in6_ifreq"));
        assertEquals(Libc.POLLFD_SIZE, v.get("pollfd"));
        assertEquals(Interfaces.IFA_NAME, v.get("ifaddrs.name"));
        assertEquals(Interfaces.IFA_FLAGS, v.get("ifaddrs.flags"));
        assertEquals(Interfaces.IFA_ADDR, v.get("ifaddrs.addr"));
        assertEquals(Interfaces.IFA_NETMASK, v.get("ifaddrs.netmask"));
        assertEquals(Interfaces.IFA_BROADDST, v.get("ifaddrs.broaddst"));
        assertEquals((long) Sockaddrs.SIN6_ADDR, v.get("sin6.addr"));
        assertEquals((long) Sockaddrs.SIN6_SCOPE, v.get("sin6.scope"));
        assertEquals(TunDevice.TUNSETIFF, v.get("TUNSETIFF"));
        assertEquals(TunDevice.TUNSETPERSIST, v.get("TUNSETPERSIST"));
        assertEquals((long) TunDevice.IFF_NO_PI, v.get("IFF_NO_PI"));
        assertEquals(Interfaces.SIOCSIFHWADDR, v.get("SIOCSIFHWADDR"));
        assertEquals(Interfaces.SIOCDIFADDR, v.get("SIOCDIFADDR"));
        assertEquals(LibPcap.PKTHDR_SIZE, v.get("pkthdr"));
        assertEquals(LibPcap.PKTHDR_CAPLEN, v.get("pkthdr.caplen"));
        assertEquals(LibPcap.PKTHDR_LEN, v.get("pkthdr.len"));
        assertEquals(LibPcap.BPF_PROGRAM_SIZE, v.get("bpf_program"));
        assertEquals(LibPcap.BPF_INSN_SIZE, v.get("bpf_insn"));
        assertEquals(LibPcap.STAT_SIZE, v.get("pcap_stat"));
        assertEquals(LibPcap.IF_SIZE, v.get("pcap_if"));
        assertEquals(LibPcap.IF_FLAGS, v.get("pcap_if.flags"));
        assertEquals(LibPcap.IF_ADDRESSES, v.get("pcap_if.addresses"));
        assertEquals(LibPcap.ADDR_SIZE, v.get("pcap_addr"));
        assertEquals(LibPcap.ADDR_DSTADDR, v.get("pcap_addr.dstaddr"));
        assertEquals((long) LibPcap.ERRBUF_SIZE, v.get("PCAP_ERRBUF_SIZE"));
    }
}
