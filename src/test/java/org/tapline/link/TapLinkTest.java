package org.tapline.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.Inet4Address;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tapline.lab.Lab;
import org.tapline.lab.LabExtension;
import org.tapline.os.Interfaces;

@ExtendWith(LabExtension.class)
class TapLinkTest {
    private static final String OUR_MAC = "02aabbccdd01";

    @Test
    void kernelSeesTheTapAndAnswersOurArpRequest(Lab lab) throws Exception {
        String ns = lab.netns("tap");
        String seen = lab.inNetns(ns, () -> {
            try (TapLink tap = TapLink.openTap("tltap%d"); Arena arena = Arena.ofConfined()) {
                String name = tap.name();
                Interfaces.setIpv4Address(name, (Inet4Address) InetAddress.getByName("10.77.0.1"));
                Interfaces.setIpv4Netmask(name, (Inet4Address) InetAddress.getByName("255.255.255.0"));
                Interfaces.setUp(name, true);
                String link = lab.run(ns, "ip", "-o", "link", "show", name);
                assertTrue(link.contains(name) && link.contains("UP"), link);
                byte[] mac = tap.hardwareAddress();

                tap.send(Frames.arpRequest(OUR_MAC, "0a4d0002", "0a4d0001"));
                FrameBatch batch = new FrameBatch(arena, 16, 256 * 1024);
                MemorySegment reply = awaitFrame(tap, batch, f -> ethertype(f) == 0x0806 && u16(f, 20) == 2);
                assertEquals(OUR_MAC, hex(reply, 0, 6), "reply goes to our MAC");
                assertEquals(HexFormat.of().formatHex(mac), hex(reply, 22, 6), "sender is the TAP's MAC");
                assertEquals("0a4d0001", hex(reply, 28, 4), "sender IP is the TAP's");
                return name;
            }
        });
        assertTrue(seen.startsWith("tltap"), seen);
    }

    @Test
    void framesTheKernelSendsAreReadBack(Lab lab) throws Exception {
        String ns = lab.netns("tapk");
        lab.inNetns(ns, () -> {
            try (TapLink tap = TapLink.openTap("tltap0"); Arena arena = Arena.ofConfined()) {
                lab.address(ns, "tltap0", "10.78.0.1/24");
                Interfaces.setUp("tltap0", true);
                Process ping = lab.start(ns, "ping", "-c", "3", "-i", "0.2", "10.78.0.2");
                FrameBatch batch = new FrameBatch(arena, 16, 256 * 1024);
                // The kernel must resolve 10.78.0.2 first: an ARP request leaves by the TAP.
                MemorySegment req = awaitFrame(tap, batch, f -> ethertype(f) == 0x0806 && u16(f, 20) == 1);
                assertEquals("0a4d0002".replace("4d", "4e"), hex(req, 38, 4));
                ping.destroy();
                return null;
            }
        });
    }

    @Test
    void persistentTapOutlivesItsLinkUntilReleased(Lab lab) throws Exception {
        String ns = lab.netns("tapp");
        lab.inNetns(ns, () -> {
            try (TapLink tap = TapLink.openTap("tlpersist")) {
                tap.setPersistent(true);
            }
            assertTrue(lab.run(ns, "ip", "-o", "link", "show").contains("tlpersist"));
            try (TapLink tap = TapLink.openTap("tlpersist")) {
                tap.setPersistent(false);
            }
            assertTrue(!lab.run(ns, "ip", "-o", "link", "show").contains("tlpersist"));
            return null;
        });
    }

    interface FramePredicate {
        boolean test(MemorySegment f);
    }

    static MemorySegment awaitFrame(Link link, FrameBatch batch, FramePredicate p) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            int n = link.receive(batch, 500);
            for (int i = 0; i < n; i++) {
                MemorySegment f = batch.frame(i);
                if (f.byteSize() >= 42 && p.test(f)) {
                    return MemorySegment.ofArray(f.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
                }
            }
        }
        throw new AssertionError("no matching frame on " + link.name() + " within 10 s");
    }

    static int ethertype(MemorySegment f) {
        return u16(f, 12);
    }

    static int u16(MemorySegment f, int off) {
        return ((f.get(java.lang.foreign.ValueLayout.JAVA_BYTE, off) & 0xff) << 8)
                | (f.get(java.lang.foreign.ValueLayout.JAVA_BYTE, off + 1) & 0xff);
    }

    static String hex(MemorySegment f, int off, int len) {
        return HexFormat.of().formatHex(f.asSlice(off, len).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
    }
}
