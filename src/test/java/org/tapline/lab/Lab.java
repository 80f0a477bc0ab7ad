package org.tapline.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.tapline.os.Netns;

/**
 * A throw-away network lab: namespaces named {@code tl-<id>-<role>}, veth pairs between them,
 * commands and background processes inside them. {@link #close} kills every process it started
 * (by PID) and deletes every namespace it made, which also deletes their interfaces; it runs
 * after each test through {@link LabExtension}, also when the test fails.
 *
 * <p>Code under test that must live in a namespace runs through {@link #inNetns}: a fresh
 * platform thread enters the namespace with setns(2) (a per-thread attribute on Linux), runs the
 * code, and ends, so no pooled or virtual thread ever changes namespace.
 */
public final class Lab implements AutoCloseable {
    private static final long COMMAND_TIMEOUT_SECONDS = 30;

    private final String id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt(), 6);
    private final List<String> namespaces = new ArrayList<>();
    private final Deque<Process> processes = new ArrayDeque<>();

    /** Creates namespace {@code tl-<id>-<role>} with its loopback up; returns its name. */
    public synchronized String netns(String role) throws IOException {
        String name = "tl-" + id + "-" + role;
        exec(List.of("ip", "netns", "add", name));
        namespaces.add(name);
        run(name, "ip", "link", "set", "lo", "up");
        return name;
    }

    /** A veth pair: {@code ifA} in {@code nsA}, {@code ifB} in {@code nsB}, both up. */
    public void veth(String nsA, String ifA, String nsB, String ifB) throws IOException {
        run(nsA, "ip", "link", "add", ifA, "type", "veth", "peer", "name", ifB, "netns", nsB);
        run(nsA, "ip", "link", "set", ifA, "up");
        run(nsB, "ip", "link", "set", ifB, "up");
    }

    /**
     * Two hosts on one wire: namespaces {@code roleA} and {@code roleB} joined by veth-a/veth-b
     * with addresses {@code net}.1/24 and {@code net}.2/24 ({@code net} like "10.79.0").
     */
    public String[] twoHosts(String roleA, String roleB, String net) throws IOException {
        String a = netns(roleA);
        String b = netns(roleB);
        veth(a, "veth-a", b, "veth-b");
        address(a, "veth-a", net + ".1/24");
        address(b, "veth-b", net + ".2/24");
        return new String[] {a, b};
    }

    /** Adds an address ("10.9.0.1/24" or "fd00::1/64") to an interface in a namespace. */
    public void address(String ns, String ifName, String cidr) throws IOException {
        run(ns, "ip", "addr", "add", cidr, "dev", ifName);
    }

    /** Runs a command in a namespace, waits for it, returns its stdout; fails on non-zero exit. */
    public String run(String ns, String... command) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(List.of(command));
        return exec(cmd);
    }

    /** Starts a command in a namespace in the background; it is killed at {@link #close}. */
    public synchronized Process start(String ns, String... command) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(List.of(command));
        Programs.require(cmd);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        processes.push(p);
        return p;
    }

    /** Runs {@code body} on a new platform thread inside namespace {@code ns}. */
    public <T> T inNetns(String ns, Callable<T> body) throws Exception {
        FutureTask<T> task = new FutureTask<>(() -> {
            Netns.enter(ns);
            return body.call();
        });
        Thread t = Thread.ofPlatform().name("lab-" + ns).start(task);
        try {
            return task.get(COMMAND_TIMEOUT_SECONDS * 4, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception x) {
                throw x;
            }
            throw e;
        } catch (TimeoutException e) {
            t.interrupt();
            throw new AssertionError("code in namespace " + ns + " did not finish in time", e);
        }
    }

    /** Starts {@code body} on a new platform thread inside {@code ns} and returns at once. */
    public <T> FutureTask<T> startInNetns(String ns, Callable<T> body) {
        FutureTask<T> task = new FutureTask<>(() -> {
            Netns.enter(ns);
            return body.call();
        });
        Thread.ofPlatform().daemon().name("lab-" + ns).start(task);
        return task;
    }

    public static String exec(List<String> cmd) throws IOException {
        Programs.require(cmd);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + String.join(" ", cmd));
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IOException("exit " + p.exitValue() + ": " + String.join(" ", cmd) + "\n" + text);
            }
            return text;
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", cmd), e);
        }
    }

    @Override
    public synchronized void close() {
        while (!processes.isEmpty()) {
            Process p = processes.pop();
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (String ns : namespaces) {
            killEverythingIn(ns);
            try {
                exec(List.of("ip", "netns", "delete", ns));
            } catch (IOException e) {
                System.err.println("lab: could not delete namespace " + ns + ": " + e.getMessage());
            }
        }
        namespaces.clear();
    }

    /** Kills, by PID, processes still inside the namespace (e.g. a daemon that forked). */
    private static void killEverythingIn(String ns) {
        try {
            for (String pid : exec(List.of("ip", "netns", "pids", ns)).trim().split("\\s+")) {
                if (!pid.isEmpty()) {
                    ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        } catch (IOException | NumberFormatException e) {
            System.err.println("lab: could not list processes of " + ns + ": " + e.getMessage());
        }
    }
}
