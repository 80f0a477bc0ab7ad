package org.tapline.puppet;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.concurrent.atomic.AtomicReference;

import org.tapline.link.PcapLink;
import org.tapline.os.BpfCodes;
import org.tapline.os.Interfaces;
import org.tapline.os.PacketSocket;
import org.tapline.os.PcapHandle;

/**
 * The machine with the real interface ("puppet", etherpuppet without -m): everything the
 * interface sees goes to the master, everything the master sends leaves by the interface. The
 * capture filter leaves the puppet's own connection out (unless -B), so there is no loop.
 *
 * <p>Threads: a platform thread runs the capture into the stream; the calling thread reads the
 * socket and injects. One object serves one connection at a time; {@link #stop} may come from any
 * thread.
 */
public final class PuppetSide {
    /** How long the injecting thread looks for an answer to a lone frame (see awaitAnswer). */
    private static final long ANSWER_SPIN_NANOS = 200_000;

    /** The interface, whether to send its parameters (not -C), and whether to refuse tapline mode. */
    public record Settings(String iface, boolean copyConfig, boolean compat) {}

    private final Settings settings;
    private final PuppetLog log;
    private final Counters counters;
    private volatile Session current;

    public PuppetSide(Settings settings, PuppetLog log, Counters counters) {
        this.settings = settings;
        this.log = log;
        this.counters = counters;
    }

    /**
     * Serves one connection until either side ends it; returns how it ended. {@code exclusion}: a
     * tcpdump filter of the traffic to leave out, or null for none (-B).
     */
    public End run(Greeted g, String exclusion) {
        Session session = new Session(g, log, counters);
        current = session;
        try {
            return session.run(g.connector, g.version, exclusion);
        } finally {
            current = null;
        }
    }

    /** Ends the connection on purpose (a goodbye first, to a tapline peer). */
    public void stop() {
        Session s = current;
        if (s != null) {
            s.stop();
        }
    }

    private final class Session extends Connection {
        private final AtomicReference<IOException> linkFailure = new AtomicReference<>();
        private PacketSocket offloadSocket;

        Session(Greeted g, PuppetLog log, Counters counters) {
            super(g, log, counters);
        }

        End run(boolean connector, int v, String exclusion) {
            String iface = settings.iface();
            PcapLink link;
            try {
                link = PcapLink.open(iface, PcapHandle.Options.defaults().withImmediate(true));
                // The master's offloaded frames go out by another socket, marked: the kernel leaves them
                // out too. libpcap cannot read marks, so it gets the filter without that part.
                String filter = exclusion == null ? "" : exclusion;
                link.setFilter(filter);
                link.replaceKernelFilter(PacketSocket.leavingOut(BpfCodes.compile(link.linkType(), link.snaplen(), filter)));
                if (exclusion != null) {
                    log.info("capture filter: " + exclusion);
                }
            } catch (IOException e) {
                return new End(End.Outcome.INTERFACE, e.getMessage(), false);
            }
            Thread capture = null;
            try (link) {
                try {
                    int arphrd = link.linkType() == 1 ? PuppetWire.ARPHRD_ETHER : PuppetWire.ARPHRD_PPP;
                    out.write(new byte[] {(byte) (arphrd >> 8), (byte) arphrd});
                    if (!settings.compat()) {
                        out.write(PuppetWire.hello(v));
                    }
                    if (settings.copyConfig()) {
                        sendConfig(v);
                    }
                    out.flush();
                } catch (IOException e) {
                    return ended(e);
                }
                log.info("communication established with " + socket.getRemoteSocketAddress() + " (etherpuppet protocol "
                        + PuppetWire.versionText(v) + ")");
                capture = Thread.ofPlatform().name("puppet-capture-" + iface).daemon().start(() -> out.pumpFrom(link, socket, linkFailure));
                return inject(link, connector, v);
            } finally {
                link.wakeUp();
                close(); // a capture thread busy with frames stops at its next write
                if (capture != null) {
                    try {
                        capture.join(5_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                if (offloadSocket != null) {
                    offloadSocket.close();
                }
                try {
                    counters.kernelDrops.set(link.stats().dropped());
                } catch (IOException | RuntimeException ignored) {
                    // the interface is gone: its last counts are lost with it
                }
            }
        }

        private End inject(PcapLink link, boolean connector, int version) {
            boolean anything = false;
            while (true) {
                PuppetReader.Kind k;
                try {
                    k = in.next();
                } catch (IOException e) {
                    return linkFailure.get() != null ? gone(linkFailure.get()) : ended(e);
                }
                if (k == null) {
                    IOException f = linkFailure.get();
                    if (f != null) {
                        return gone(f);
                    }
                    return lost(connector && !anything && !out.tapline() ? Handshake.hungUpAfterVersion(version, "master") : "the master closed the connection");
                }
                anything = true;
                switch (k) {
                    case FRAME -> {
                        counters.receivedFrames.incrementAndGet();
                        counters.receivedBytes.addAndGet(in.frameLength());
                        try {
                            link.send(in.frame());
                        } catch (IOException e) {
                            if (!Interfaces.exists(settings.iface())) {
                                return gone(e);
                            }
                            counters.dropped.incrementAndGet();
                            log.debug("frame of " + in.frameLength() + " bytes not sent: " + e.getMessage());
                        }
                        try {
                            awaitAnswer(link);
                        } catch (IOException e) {
                            return Interfaces.exists(settings.iface()) ? ended(e) : gone(e);
                        }
                    }
                    case OFFLOADED -> {
                        String bad = OffloadCheck.problem(in.frame());
                        if (bad != null) {
                            return new End(End.Outcome.PROTOCOL, "the master sent " + bad, out.tapline());
                        }
                        counters.receivedFrames.incrementAndGet();
                        counters.receivedBytes.addAndGet(in.frameLength() - PuppetWire.VNET_HDR);
                        try {
                            offloadSocket().send(in.frame());
                        } catch (IOException e) {
                            if (!Interfaces.exists(settings.iface())) {
                                return gone(e);
                            }
                            counters.dropped.incrementAndGet();
                            log.debug("offloaded frame of " + in.frameLength() + " bytes not sent: " + e.getMessage());
                        }
                    }
                    case ACK -> {
                        if (settings.compat() || out.tapline()) {
                            return new End(End.Outcome.PROTOCOL, "the master sent an unexpected tapline acknowledgement", out.tapline());
                        }
                        try {
                            out.upgrade(PuppetWire.command(PuppetWire.CMD_UPGRADE));
                            if (settings.copyConfig()) {
                                sendIpv6();
                            }
                            out.flush();
                        } catch (IOException e) {
                            return ended(e);
                        }
                        log.info("tapline mode: batched records, whole frames up to the interface MTU");
                    }
                    case BYE -> {
                        return new End(End.Outcome.STOPPED, "the master ended the session", true);
                    }
                    case IFREQ, CONF_FINISHED -> log.info("the master sent a configuration request: ignored");
                    default -> {
                        return new End(End.Outcome.PROTOCOL, "the master sent an unexpected " + k + " message", out.tapline());
                    }
                }
            }
        }

        /**
         * After a frame from a master that has nothing more to send for now (a ping, a request),
         * the answer usually follows within microseconds: this thread looks for it for a moment
         * and sends it itself, sparing the capture thread's wake-up (a third of a round trip on a
         * small machine). Under load the master always has more to send, and this does nothing.
         */
        private void awaitAnswer(PcapLink link) throws IOException {
            if (in.available() > 0) {
                return;
            }
            long deadline = System.nanoTime() + ANSWER_SPIN_NANOS;
            do {
                int n = link.receiveNow((lt, ts, len, data) -> out.frame(lt, data), 64);
                if (n > 0) {
                    out.flush();
                    return;
                }
                Thread.onSpinWait();
            } while (System.nanoTime() < deadline && in.available() == 0);
        }

        /** The socket for the master's offloaded frames, opened at the first one. */
        private PacketSocket offloadSocket() throws IOException {
            if (offloadSocket == null) {
                offloadSocket = PacketSocket.open(settings.iface(), PuppetWire.MAX_RECORD);
            }
            return offloadSocket;
        }

        private End gone(IOException e) {
            String m = String.valueOf(e.getMessage());
            return new End(End.Outcome.INTERFACE, m.contains(settings.iface()) ? m : settings.iface() + ": " + m, out.tapline());
        }

        /** The interface's parameters, as etherpuppet sends them: MAC, MTU, address, peer, broadcast, netmask. */
        private void sendConfig(int v) throws IOException {
            String iface = settings.iface();
            out.write(PuppetWire.ifreqAddress(v, PuppetWire.SIOCSIFHWADDR, iface, PuppetWire.ARPHRD_ETHER, Interfaces.mac(iface)));
            out.write(PuppetWire.ifreqMtu(v, iface, Interfaces.mtu(iface)));
            Inet4Address addr = orNull(() -> Interfaces.ipv4Address(iface));
            if (addr != null) {
                out.write(PuppetWire.ifreqAddress(v, PuppetWire.SIOCSIFADDR, iface, 2, PuppetWire.sockaddrIn(addr.getAddress())));
                send(v, PuppetWire.SIOCSIFDSTADDR, orNull(() -> Interfaces.ipv4PeerAddress(iface)));
                send(v, PuppetWire.SIOCSIFBRDADDR, orNull(() -> Interfaces.ipv4Broadcast(iface)));
                send(v, PuppetWire.SIOCSIFNETMASK, orNull(() -> Interfaces.ipv4Netmask(iface)));
            }
            if (!PuppetWire.legacy(v)) {
                // v0.3 has no such command: its master stops at an unknown one.
                out.write(PuppetWire.confFinished());
            }
        }

        private void send(int v, int request, Inet4Address a) throws IOException {
            if (a != null) {
                out.write(PuppetWire.ifreqAddress(v, request, settings.iface(), 2, PuppetWire.sockaddrIn(a.getAddress())));
            }
        }

        /** Tapline mode: the interface's IPv6 addresses too (not link-local ones: the TAP makes its own from the MAC). */
        private void sendIpv6() throws IOException {
            for (Interfaces.Address a : Interfaces.addresses(settings.iface())) {
                if (a.address() instanceof Inet6Address six && !six.isLinkLocalAddress()) {
                    out.write(PuppetWire.record(PuppetWire.REC_IPV6, PuppetWire.ipv6(six.getAddress(), a.prefixLength())));
                }
            }
        }
    }


    private interface Get {
        Inet4Address get() throws IOException;
    }

    private static Inet4Address orNull(Get g) {
        try {
            return g.get();
        } catch (IOException e) {
            return null; // the interface has no such address: etherpuppet would stop here; we send the rest
        }
    }

}
