package org.tapline.rpcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class AdmissionTest {
    private static final Limits SMALL = new Limits(4, 2, 3, 2, 1, Duration.ofSeconds(1));

    private static InetAddress ip(String a) throws Exception {
        return InetAddress.getByName(a);
    }

    @Test
    void preAuthIsCappedPerAddressAndInAll() throws Exception {
        Admission a = new Admission(SMALL);
        List<Admission.Ticket> held = new ArrayList<>();
        held.add(a.admit(ip("192.0.2.1")));
        held.add(a.admit(ip("192.0.2.1")));
        Admission.Full f = assertThrows(Admission.Full.class, () -> a.admit(ip("192.0.2.1")));
        assertTrue(f.getMessage().contains("from this address"), f.getMessage());
        held.add(a.admit(ip("192.0.2.2")));
        held.add(a.admit(ip("192.0.2.3")));
        f = assertThrows(Admission.Full.class, () -> a.admit(ip("192.0.2.4")));
        assertEquals("Too many connections waiting to authenticate; try again later", f.getMessage());
        held.getFirst().close();
        held.getFirst().close();
        assertEquals(3, a.preAuthCount(), "close is idempotent");
        held.add(a.admit(ip("192.0.2.4")));
    }

    @Test
    void oneIpv6SlashSixtyFourIsOneAddress() throws Exception {
        Admission a = new Admission(SMALL);
        a.admit(ip("2001:db8:1:2::1"));
        a.admit(ip("2001:db8:1:2::ffff"));
        assertThrows(Admission.Full.class, () -> a.admit(ip("2001:db8:1:2:abcd::7")));
        a.admit(ip("2001:db8:1:3::1"));
    }

    @Test
    void aLoginMovesThePreAuthSlotToASessionSlotWhileThereIsOne() throws Exception {
        Admission a = new Admission(SMALL);
        Admission.Ticket t1 = a.admit(ip("192.0.2.1"));
        Admission.Ticket t2 = a.admit(ip("192.0.2.1"));
        t1.promote();
        t2.promote();
        assertEquals(0, a.preAuthCount());
        assertEquals(2, a.sessionCount());
        Admission.Full f = assertThrows(Admission.Full.class, () -> a.admit(ip("192.0.2.1")));
        assertEquals("Too many sessions from this address; try again later", f.getMessage());
        Admission.Ticket t3 = a.admit(ip("192.0.2.2"));
        Admission.Ticket t4 = a.admit(ip("192.0.2.3"));
        t3.promote();
        assertThrows(Admission.Full.class, t4::promote, "3 sessions in all");
        assertEquals(1, a.preAuthCount(), "a refused login keeps its pre-auth slot until it closes");
        t4.close();
        t1.close();
        t4 = a.admit(ip("192.0.2.3"));
        t4.promote();
        assertEquals(3, a.sessionCount());
    }

    @Test
    void capturesAreCappedAndGivenBackOnEndAndClose() throws Exception {
        Admission a = new Admission(SMALL);
        Admission.Ticket t1 = a.admit(ip("192.0.2.1"));
        Admission.Ticket t2 = a.admit(ip("192.0.2.2"));
        t1.promote();
        t2.promote();
        t1.startCapture();
        assertThrows(Admission.Full.class, t2::startCapture);
        t1.endCapture();
        t2.startCapture();
        t2.close();
        assertEquals(0, a.captureCount());
        assertEquals(1, a.sessionCount());
    }

    @Test
    void aDialledConnectionTakesNoPreAuthSlot() throws Exception {
        Admission a = new Admission(SMALL);
        Admission.Ticket t = a.dialled(ip("192.0.2.9"));
        assertEquals(0, a.preAuthCount());
        t.promote();
        assertEquals(1, a.sessionCount());
        t.close();
        assertEquals(0, a.sessionCount());
    }
}
