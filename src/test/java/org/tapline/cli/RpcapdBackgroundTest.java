package org.tapline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tapline.lab.Lab;
import org.tapline.lab.LabExtension;
import org.tapline.lab.TestJvm;

/** {@code rpcapd -nd}: the command returns 0 at once and leaves exactly one daemon, which listens. */
@ExtendWith(LabExtension.class)
class RpcapdBackgroundTest {
    @Test
    void minusDInAClusterDaemonizesOnce(Lab lab) throws Exception {
        String ns = lab.netns("bg");
        lab.run(ns, "ip", "link", "set", "lo", "up");
        Process parent = lab.start(ns, TestJvm.command(TestJvm.classPath(), List.of(), "rpcapd", "-nd", "-b", "127.0.0.1", "-p", "2002")
                .toArray(new String[0]));
        assertTrue(parent.waitFor(60, TimeUnit.SECONDS), "the starting process did not return");
        assertEquals(0, parent.exitValue());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        boolean listening = false;
        while (!listening && System.nanoTime() < deadline) {
            listening = lab.inNetns(ns, () -> {
                try (Socket s = new Socket("127.0.0.1", 2002)) {
                    return true;
                } catch (java.io.IOException e) {
                    java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
                    return false;
                }
            });
        }
        assertTrue(listening, "no daemon listens on 127.0.0.1:2002 after -d");
        List<String> pids = new ArrayList<>(Arrays.asList(Lab.exec(List.of("ip", "netns", "pids", ns)).trim().split("\\s+")));
        assertEquals(1, pids.size(), "processes in the namespace: " + pids);
        long daemon = Long.parseLong(pids.getFirst());
        assertTrue(ProcessHandle.of(daemon).flatMap(h -> h.info().arguments()).map(a -> List.of(a).contains("-nd")).orElse(false),
                "pid " + daemon + " is the daemon");
        ProcessHandle.of(daemon).ifPresent(ProcessHandle::destroy);
    }
}
