package org.tapline.puppet;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tapline.puppet.PuppetFaultTest.WAIT_SECONDS;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.tapline.lab.Lab;

/**
 * A process started by a puppet test, its output drained as it comes (so its pipes never fill),
 * searchable line by line, and printed if the test fails ({@link PuppetLabTest.ShowOutputs}).
 */
final class Watched {
    /** The processes of the running test (tests run one at a time). */
    static final List<Watched> OF_TEST = new CopyOnWriteArrayList<>();

    private final String label;
    final Process process;
    /** Guarded by this; waiters are woken at each line and when both streams end. */
    private final List<String> lines = new ArrayList<>();
    private final CountDownLatch drained = new CountDownLatch(2);

    Watched(String label, Process process) {
        this.label = label;
        this.process = process;
        OF_TEST.add(this);
        drain(process.getInputStream());
        drain(process.getErrorStream());
    }

    String label() {
        return label;
    }

    Process process() {
        return process;
    }

    private void drain(InputStream s) {
        Thread.ofVirtual().start(() -> {
            try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(s, StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    synchronized (this) {
                        lines.add(l);
                        notifyAll();
                    }
                }
            } catch (IOException ended) {
                // the process is gone
            } finally {
                drained.countDown();
                synchronized (this) {
                    notifyAll();
                }
            }
        });
    }

    synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    synchronized String text() {
        return String.join("\n", lines);
    }

    synchronized int count(String needle) {
        return (int) lines.stream().filter(l -> l.contains(needle)).count();
    }

    /** Sends a signal to the process, by PID. */
    void signal(String name) throws IOException {
        Lab.exec(List.of("kill", "-s", name, String.valueOf(process.pid())));
    }

    /** Waits (bounded) for the process to end and for all it printed; returns its exit status. */
    int exit() throws InterruptedException {
        assertTrue(process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS) && drained.await(WAIT_SECONDS, TimeUnit.SECONDS),
                "still running:\n" + text());
        return process.exitValue();
    }

    /** Waits (bounded) for a line with {@code needle}; returns it. Fails at once if the process ends first. */
    String await(String needle) throws InterruptedException {
        return awaitCount(needle, 1);
    }

    /** Waits (bounded) for the {@code times}th line with {@code needle}; returns it. */
    synchronized String awaitCount(String needle, int times) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (count(needle) < times) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("'" + needle + "' not printed " + times + " time(s):\n" + text());
            }
            if (drained.getCount() == 0) {
                throw new AssertionError("ended without printing '" + needle + "' " + times + " time(s):\n" + text());
            }
            wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
        }
        return lines.stream().filter(l -> l.contains(needle)).skip(times - 1).findFirst().orElseThrow();
    }
}
