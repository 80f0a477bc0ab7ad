package org.tapline.stack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

import org.tapline.lab.Lab;
import org.tapline.link.TapLink;
import org.tapline.packet.MacAddress;
import org.tapline.pcap.PcapngWriter;

/**
 * The stack on a TAP whose kernel side sits in a lab namespace, its loop on a platform thread:
 * the kernel at {@code net}.123, the stack at {@code net}.124. Optionally traces to a pcapng file.
 */
final class TcpLab implements AutoCloseable {
    static final String TAP = "tltcp0";

    final Lab lab;
    final String ns;
    final String kernelIp;
    final String stackIp;
    final NetStack stack;
    private final TapLink link;
    private final FutureTask<Void> loop;
    private final PcapngWriter trace;

    TcpLab(Lab lab, String role, String net, Path traceFile) throws Exception {
        this.lab = lab;
        this.ns = lab.netns(role);
        this.kernelIp = net + ".123";
        this.stackIp = net + ".124";
        lab.run(ns, "ip", "tuntap", "add", "dev", TAP, "mode", "tap");
        lab.address(ns, TAP, kernelIp + "/24");
        lab.run(ns, "ip", "link", "set", TAP, "up");
        link = lab.inNetns(ns, () -> TapLink.openTap(TAP));
        trace = traceFile == null ? null
                : new PcapngWriter(FileChannel.open(traceFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING), true, false);
        stack = new NetStack(link, MacAddress.of("02:11:22:33:44:66"),
                List.of(Ipv4Interface.parse(stackIp + "/24")), trace);
        loop = new FutureTask<>(() -> {
            stack.run();
            return null;
        });
        Thread.ofPlatform().name("stack-loop").start(loop);
    }

    /** Where the kernel listens or connects, as the stack sees it. */
    InetSocketAddress kernel(int port) {
        return new InetSocketAddress(java.net.InetAddress.ofLiteral(kernelIp), port);
    }

    /** Connects to a kernel listener that may still be starting (refused until it listens). */
    TcpSocket connect(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                return TcpSocket.connect(stack, kernel(port), 5000);
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                java.util.concurrent.CompletableFuture.runAsync(() -> { },
                        java.util.concurrent.CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS)).join();
            }
        }
    }

    /** Drops incoming and outgoing packets in the namespace at random with {@code probability}. */
    void loss(double probability) throws IOException {
        for (String chain : new String[] {"INPUT", "OUTPUT"}) {
            lab.run(ns, "iptables", "-A", chain, "-p", "tcp", "-m", "statistic", "--mode", "random",
                    "--probability", String.valueOf(probability), "-j", "DROP");
        }
    }

    /** The stack's TCP report (as SIGUSR1 prints it). */
    String report() {
        StringBuilder b = new StringBuilder();
        stack.lock().lock();
        try {
            stack.host().report(b);
        } finally {
            stack.lock().unlock();
        }
        return b.toString();
    }

    @Override
    public void close() throws Exception {
        stack.stop();
        try {
            loop.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            StringBuilder where = new StringBuilder("the stack's loop did not stop:\n");
            Thread.getAllStackTraces().forEach((thread, frames) -> {
                if (thread.getName().equals("stack-loop")) {
                    for (StackTraceElement f : frames) {
                        where.append("  ").append(f).append('\n');
                    }
                }
            });
            throw new AssertionError(where.toString(), e);
        } finally {
            link.close();
            if (trace != null) {
                trace.close();
            }
        }
    }
}
