package org.tapline.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tapline.lab.Lab;
import org.tapline.lab.LabExtension;
import org.tapline.os.PcapHandle;
import org.tapline.os.PcapStats;

@ExtendWith(LabExtension.class)
class PcapLinkTest {

    /** Two namespaces joined by a veth: a (10.79.0.1, veth-a) and b (10.79.0.2, veth-b). */
    private static String[] pair(Lab lab) throws Exception {
        return lab.twoHosts("a", "b", "10.79.0");
    }

    @Test
    void capturesPingAcrossVethThroughTheFilterOnly(Lab lab) throws Exception {
        String[] ns = pair(lab);
        List<Integer> icmpTypes = lab.inNetns(ns[1], () -> {
            try (PcapLink link = PcapLink.open("veth-b", PcapHandle.Options.defaults());
                 Arena arena = Arena.ofConfined()) {
                link.setFilter("icmp[icmptype] == icmp-echo");
                assertEquals(1, link.linkType());
                lab.run(ns[0], "ping", "-c", "3", "-i", "0.2", "-W", "2", "10.79.0.2");
                FrameBatch batch = new FrameBatch(arena, 64, 1 << 20);
                List<Integer> types = new ArrayList<>();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (types.size() < 3 && System.nanoTime() < deadline) {
                    int n = link.receive(batch, 200);
                    for (int i = 0; i < n; i++) {
                        MemorySegment f = batch.frame(i);
                        assertEquals(98, batch.originalLength(i), "ping frame length");
                        assertTrue(Math.abs(batch.timestampNanos(i) - System.currentTimeMillis() * 1_000_000L) < 10_000_000_000L,
                                "timestamp is now");
                        types.add(f.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 34) & 0xff);
                    }
                }
                // The replies and ARP went by too, but the filter kept them out.
                assertEquals(0, link.receive(batch, 300));
                PcapStats s = link.stats();
                // The kernel also counts what arrived between activation and setFilter (an IPv6
                // router solicitation of the fresh veth, say): at least the three requests.
                assertTrue(s.received() >= 3, "received " + s.received());
                return types;
            }
        });
        assertEquals(List.of(8, 8, 8), icmpTypes);
    }

    @Test
    void injectedFrameIsCapturedOnThePeer(Lab lab) throws Exception {
        String[] ns = pair(lab);
        MemorySegment frame = Frames.experimental("ffffffffffff", "02aabbccdd02", "7461706c696e65" + "00".repeat(39));
        FutureTask<byte[]> capture = lab.startInNetns(ns[1], () -> {
            try (PcapLink link = PcapLink.open("veth-b", PcapHandle.Options.defaults()); Arena arena = Arena.ofConfined()) {
                link.setFilter("ether proto 0x88b5");
                FrameBatch batch = new FrameBatch(arena, 8, 1 << 16);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (System.nanoTime() < deadline) {
                    if (link.receive(batch, 200) > 0) {
                        return batch.frame(0).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
                    }
                }
                return null;
            }
        });
        lab.inNetns(ns[0], () -> {
            try (PcapLink link = PcapLink.open("veth-a", PcapHandle.Options.defaults())) {
                // Send until the capture on the other side has seen one; its start-up time is unknown.
                for (int i = 0; i < 100 && !capture.isDone(); i++) {
                    link.send(frame);
                    try {
                        capture.get(100, TimeUnit.MILLISECONDS);
                    } catch (java.util.concurrent.TimeoutException notYet) {
                        // the capture has not seen it yet: send again
                    }
                }
            }
            return null;
        });
        assertTrue(java.util.Arrays.equals(frame.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), capture.get()));
    }

    @Test
    void closeWakesAWaitingReceive(Lab lab) throws Exception {
        String[] ns = pair(lab);
        int rc = lab.inNetns(ns[1], () -> {
            PcapLink link = PcapLink.open("veth-b", PcapHandle.Options.defaults());
            try (Arena arena = Arena.ofShared()) {
                FrameBatch batch = new FrameBatch(arena, 8, 1 << 16);
                link.setFilter("ether proto 0x88b6");
                // Whether close lands before or during the wait, receive must end with -1.
                Thread.ofPlatform().start(link::close);
                return link.receive(batch, -1);
            }
        });
        assertEquals(-1, rc);
    }
}
