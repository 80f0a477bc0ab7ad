package org.tapline.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tapline.lab.Lab;
import org.tapline.lab.LabExtension;
import org.tapline.pcap.CaptureReader;
import org.tapline.pcap.Packet;

/**
 * Real traffic (ARP, ping, ping6 with neighbour discovery, UDP, a TCP connection) recorded by
 * tcpdump on a veth; our one-line summaries must say what {@code tcpdump -S} says (we print absolute
 * TCP sequence numbers: a summary is stateless). TCP lines are compared
 * up to the window (we do not print TCP options).
 */
@ExtendWith(LabExtension.class)
class SummaryInteropTest {

    @Test
    void summariesMatchTcpdumpOnRealTraffic(Lab lab, @TempDir Path dir) throws Exception {
        String[] hosts = lab.twoHosts("sa", "sb", "10.83.0");
        String a = hosts[0];
        String b = hosts[1];
        lab.run(a, "ip", "addr", "add", "fd00:83::1/64", "dev", "veth-a", "nodad");
        lab.run(b, "ip", "addr", "add", "fd00:83::2/64", "dev", "veth-b", "nodad");
        Path file = dir.resolve("traffic.pcap");
        Process dump = lab.start(b, "tcpdump", "-i", "veth-b", "-n", "-U", "--immediate-mode", "-w", file.toString());
        awaitListening(dump);
        lab.run(a, "ping", "-c", "2", "-i", "0.2", "10.83.0.2");
        lab.run(a, "ping", "-6", "-c", "2", "-i", "0.2", "fd00:83::2");
        lab.run(a, "sh", "-c", "echo hello | socat - UDP4-SENDTO:10.83.0.2:9999");
        Process server = lab.start(b, "socat", "TCP4-LISTEN:40123,reuseaddr", "EXEC:echo served");
        lab.run(a, "sh", "-c", "for i in 1 2 3 4 5 6 7 8 9 10; do socat -u TCP4:10.83.0.2:40123 - && break; sleep 0.2; done");
        server.waitFor(5, TimeUnit.SECONDS);
        dump.destroy();
        dump.waitFor(5, TimeUnit.SECONDS);

        List<String> theirsFull = Lab.exec(List.of("tcpdump", "-r", file.toString(), "-n", "-t", "-S")).lines()
                .filter(l -> !l.startsWith("reading from")).toList();
        List<String> ours = new ArrayList<>();
        try (CaptureReader r = CaptureReader.open(file)) {
            for (Packet p = r.next(); p != null; p = r.next()) {
                ours.add(Summary.of(p.linkType(), p.data(), p.originalLength()));
            }
        }
        assertEquals(theirsFull.size(), ours.size());
        int tcp = 0;
        int checked = 0;
        for (int i = 0; i < ours.size(); i++) {
            String t = theirsFull.get(i);
            String o = ours.get(i);
            if (t.contains("Flags [")) {
                tcp++;
                String prefix = t.substring(0, t.indexOf(", win ") + 6);
                assertTrue(o.startsWith(prefix), "ours:   " + o + "\ntheirs: " + t);
                assertTrue(o.endsWith(t.substring(t.lastIndexOf(", length "))), "ours:   " + o + "\ntheirs: " + t);
            } else {
                assertEquals(t, o);
            }
            checked++;
        }
        assertTrue(tcp >= 5, "a TCP conversation was recorded: " + theirsFull);
        assertTrue(checked >= 14, "enough packets were compared: " + theirsFull);
    }

    private static void awaitListening(Process dump) throws Exception {
        StringBuilder err = new StringBuilder();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        var in = dump.getErrorStream();
        while (System.nanoTime() < deadline && !err.toString().contains("listening on")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            err.append((char) c);
        }
        assertTrue(err.toString().contains("listening on"), err.toString());
    }
}
