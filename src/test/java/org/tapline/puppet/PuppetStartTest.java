package org.tapline.puppet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tapline.puppet.PuppetFaultTest.MASTER;
import static org.tapline.puppet.PuppetFaultTest.PORT;
import static org.tapline.puppet.PuppetFaultTest.assertNoStackTrace;
import static org.tapline.puppet.PuppetFaultTest.run;
import static org.tapline.puppet.PuppetFaultTest.startMaster;
import static org.tapline.puppet.PuppetLabTest.topology;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tapline.lab.Lab;
import org.tapline.lab.LabExtension;

/**
 * What is checked at start (the interface, the TAP name), what a master is told when the puppet
 * fails on its side, and signals in a script's background job (SIGINT inherited ignored).
 */
@ExtendWith({LabExtension.class, PuppetLabTest.ShowOutputs.class})
class PuppetStartTest {
    @Test
    void aMissingInterfaceEndsThePuppetAtOnceWithStatus5(Lab lab) throws Exception {
        String ns = lab.netns("noif");
        Watched puppet = run(lab, ns, "-s", String.valueOf(PORT), "-i", "nosuch0");
        assertEquals(5, puppet.exit(), puppet.text());
        assertEquals(List.of("tapline puppet: nosuch0: no such network interface (see 'ip link' or 'tapline list')"), puppet.lines());
        assertFalse(puppet.text().contains("waiting for a connection"), puppet.text());
    }

    @Test
    void aTapNameTheKernelWouldRefuseIsAUsageError(Lab lab) throws Exception {
        String ns = lab.netns("badtap");
        for (String name : List.of("averyveryverylongname0", "tap:0", "tap 0", "tap%s", "%d%d")) {
            Watched master = run(lab, ns, "-m", "-s", String.valueOf(PORT), "-I", name);
            assertEquals(2, master.exit(), master.text());
            assertTrue(master.lines().getFirst().startsWith("tapline: -I: '" + name + "'"), master.text());
            assertEquals("Try 'tapline puppet --help' for more information.", master.lines().get(1), master.text());
        }
    }

    /**
     * The puppet's interface goes away after it started: it hangs up on the master after the
     * version, and the master says the puppet failed on its side, not "try --protocol 0.4".
     */
    @Test
    void aPuppetThatCannotOpenItsInterfaceIsNotTakenForAnotherVersion(Lab lab) throws Exception {
        String[] ns = topology(lab);
        Watched puppet = run(lab, ns[1], "-s", String.valueOf(PORT), "-i", "veth-g");
        puppet.await("waiting for a connection on port " + PORT);
        lab.run(ns[1], "ip", "link", "del", "veth-g");
        Watched master = run(lab, ns[2], "-m", "-c", "10.61.0.1:" + PORT, "-I", "puppet0");
        assertEquals(3, master.exit(), master.text());
        String line = master.await("right after our protocol version");
        assertTrue(line.contains("failed on its side") && !line.contains("--protocol"), line);
        assertEquals(5, puppet.exit(), puppet.text());
        assertNoStackTrace(master);
    }

    /** Started as a script's background job is: SIGINT ignored (sh's trap, kept across exec). */
    private static Watched runIgnoringSigint(Lab lab, String ns, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "trap '' INT; exec \"$@\"", "sh"));
        cmd.addAll(PuppetFaultTest.tapline(args));
        Process p = lab.start(ns, cmd.toArray(String[]::new));
        p.getOutputStream().close();
        return new Watched(ns + ": (SIGINT ignored) tapline puppet " + String.join(" ", args), p);
    }

    @Test
    void sigintEndsBothEndsAlsoWhenItWasInheritedIgnored(Lab lab) throws Exception {
        String[] ns = topology(lab);
        Watched master = startMaster(lab, ns[2]);
        Watched puppet = runIgnoringSigint(lab, ns[1], "-c", MASTER + ":" + PORT, "-i", "veth-g");
        master.await("tapline mode");
        puppet.await("tapline mode");
        puppet.signal("INT");
        assertEquals(0, puppet.exit(), puppet.text());
        assertTrue(puppet.text().contains("stopped"), puppet.text());
        assertEquals(0, master.exit(), "the master heard the goodbye:\n" + master.text());
        assertTrue(master.text().contains("the puppet ended the session"), master.text());
    }
}
