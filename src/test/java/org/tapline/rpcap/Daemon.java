package org.tapline.rpcap;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.tapline.lab.Lab;
import org.tapline.lab.TestJvm;

/** Our rpcapd as a real process in a lab namespace, started with -D so that it says when it listens. */
final class Daemon {
    final Process process;
    final List<String> log = new CopyOnWriteArrayList<>();

    private Daemon(Process p) {
        this.process = p;
    }

    static Daemon start(Lab lab, String ns, String... args) throws Exception {
        return start(lab, ns, List.of(), args);
    }

    /** Starts the daemon through {@code wrapper} (e.g. {@code nohup}, which execs it with SIGHUP ignored). */
    static Daemon start(Lab lab, String ns, List<String> wrapper, String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of("rpcapd", "-D"));
        a.addAll(List.of(args));
        List<String> cmd = new ArrayList<>(wrapper);
        cmd.addAll(TestJvm.command(TestJvm.classPath(), List.of(), a.toArray(new String[0])));
        Process p = lab.start(ns, cmd.toArray(new String[0]));
        Daemon d = new Daemon(p);
        CountDownLatch ready = new CountDownLatch(1);
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    d.log.add(line);
                    if (line.contains("listening on") || line.contains("connected to active client")) {
                        ready.countDown();
                    }
                }
            } catch (IOException ignored) {
                // the daemon ended
            }
            ready.countDown();
        });
        Thread.ofPlatform().daemon().start(() -> {
            try {
                p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            } catch (IOException ignored) {
                // the daemon ended
            }
        });
        if (!ready.await(60, TimeUnit.SECONDS) || !p.isAlive()) {
            throw new AssertionError("rpcapd did not start: " + d.log);
        }
        return d;
    }

    /** Waits up to {@code seconds} for a log line containing {@code text}, from the {@code from}-th line on; returns it. */
    String await(String text, int from, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            for (int i = from; i < log.size(); i++) {
                if (log.get(i).contains(text)) {
                    return log.get(i);
                }
            }
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
        }
        throw new AssertionError("no log line with '" + text + "' within " + seconds + " s: " + log);
    }

    /** Sends SIGHUP; returns the number of log lines before it, for {@link #await(String, int, int)}. */
    int hangUp() throws IOException {
        int mark = log.size();
        Lab.exec(List.of("kill", "-HUP", String.valueOf(process.pid())));
        return mark;
    }

    String await(String text) {
        return await(text, 0, 20);
    }
}
