package org.tapline.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tapline.stack.Ipv6LabTest.TAP;
import static org.tapline.stack.Ipv6LabTest.assertReplies;
import static org.tapline.stack.Ipv6LabTest.kernelSide;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tapline.lab.Lab;
import org.tapline.lab.LabExtension;
import org.tapline.stack.ip.IpAddress;

/**
 * thc-ipv6's attack tools against the stack, from the kernel's side of the TAP: each run is cut
 * at 25 s (they probe for minutes); afterwards the stack's loop still runs and answers ping.
 */
@ExtendWith(LabExtension.class)
class Ipv6AttackLabTest {
    private static final String US = "fd00:94::124";

    @Test
    void implementation6LeavesTheStackAnswering(Lab lab) throws Exception {
        attack(lab, "v6i", "atk6-implementation6 " + TAP + " " + US);
    }

    @Test
    void fragmentation6LeavesTheStackAnswering(Lab lab) throws Exception {
        attack(lab, "v6f", "atk6-fragmentation6 " + TAP + " " + US);
    }

    @Test
    void toobig6LowersThePathMtuTo1280(Lab lab) throws Exception {
        String ns = lab.netns("v6t");
        kernelSide(lab, ns, "fd00:94::123/64");
        try (Ipv6LabTest.Running s = Ipv6LabTest.Running.start(lab, ns, US + "/64")) {
            assertReplies(lab.run(ns, "ping", "-6", "-c", "1", "-w", "20", US), 1);
            // "the path from the stack to fd00:94::123 has an MTU of 1280"
            lab.run(ns, "sh", "-c", "timeout 25 atk6-toobig6 " + TAP + " " + US + " fd00:94::123 1280; true");
            int mtu = s.read(h -> h.pathMtu(IpAddress.parse("fd00:94::123"), NetStack.now()));
            assertEquals(1280, mtu);
            assertReplies(lab.run(ns, "ping", "-6", "-c", "2", "-i", "0.2", "-s", "1400", "-w", "20", US), 2);
        }
    }

    private static void attack(Lab lab, String role, String command) throws Exception {
        String ns = lab.netns(role);
        kernelSide(lab, ns, "fd00:94::123/64");
        try (Ipv6LabTest.Running s = Ipv6LabTest.Running.start(lab, ns, US + "/64")) {
            assertReplies(lab.run(ns, "ping", "-6", "-c", "1", "-w", "20", US), 1);
            String out = lab.run(ns, "sh", "-c", "timeout 25 " + command + " 2>&1; true");
            assertTrue(!s.loop.isDone(), "the stack's loop ended during the attack:\n" + out);
            assertReplies(lab.run(ns, "ping", "-6", "-c", "3", "-i", "0.2", "-w", "20", US), 3);
            assertReplies(lab.run(ns, "ping", "-6", "-c", "1", "-s", "3000", "-w", "20", US), 1);
        }
    }
}
