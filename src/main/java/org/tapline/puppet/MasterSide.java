package org.tapline.puppet;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.tapline.link.TapLink;
import org.tapline.os.Interfaces;

/**
 * The master (etherpuppet -m): a TAP (a TUN for PPP) that is the remote interface. Frames
 * written to it go to the puppet; frames from the puppet come out of it. The remote
 * interface's parameters are copied onto it unless -C; -u sets it up, -U runs a command then.
 *
 * <p>The TAP outlives connections: made at the first one, it stays while a tapline peer
 * reconnects; what the kernel sends into it meanwhile is counted as dropped. One thread reads
 * the TAP for the object's life and writes into the current connection's stream.
 */
public final class MasterSide implements AutoCloseable {
    /**
     * {@code configure}: copy the puppet's parameters (not -C); {@code addresses}: its addresses too (not
     * --no-routes: with only the MAC and MTU nothing is routed into the TAP).
     */
    public record Settings(String namePattern, boolean configure, boolean addresses, boolean up, String upCommand,
                           boolean persistent, boolean compat) {}

    private final Settings settings;
    private final PuppetLog log;
    private final Counters counters;
    private volatile TapLink tap;
    /** The TAP has virtio_net_hdr frames: in tapline mode it hands over TCP super-frames. */
    private boolean offloads;
    private Thread pump;
    private final AtomicReference<Session> current = new AtomicReference<>();
    private final AtomicReference<IOException> tapFailure = new AtomicReference<>();
    private boolean configuredOnce;

    public MasterSide(Settings settings, PuppetLog log, Counters counters) {
        this.settings = settings;
        this.log = log;
        this.counters = counters;
    }

    /** Serves one connection until either side ends it; returns how it ended. */
    public End run(Greeted g) {
        Session session = new Session(g);
        try {
            return session.run(g);
        } finally {
            current.compareAndSet(session, null);
            session.close();
        }
    }

    /** Ends the current connection on purpose. */
    public void stop() {
        Session s = current.get();
        if (s != null) {
            s.stop();
        }
    }

    /** Removes the TAP (unless persistent) and stops its reader. */
    @Override
    public void close() {
        if (tap != null) {
            tap.close();
            try {
                pump.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void openTap(int arphrd) throws IOException {
        boolean ppp = arphrd == PuppetWire.ARPHRD_PPP;
        log.info("remote link type is " + arphrd + (ppp ? " (PPP): making a TUN" : arphrd == 1 ? " (Ethernet)" : " (unknown: using Ethernet)"));
        tap = ppp ? TapLink.openTun(settings.namePattern()) : TapLink.openTapWithOffloads(settings.namePattern());
        offloads = !ppp;
        if (settings.persistent()) {
            tap.setPersistent(true);
        }
        log.info("allocated interface " + tap.name());
        if (!settings.addresses()) {
            ignoreRouterAdvertisements();
        }
        pump = Thread.ofPlatform().name("puppet-tap-" + tap.name()).daemon().start(this::pumpTap);
    }

    /**
     * --no-routes: router advertisements arriving through the TAP would make the kernel add a
     * default route and addresses (accept_ra, ip-sysctl.rst); a TAP with no routes takes none.
     */
    private void ignoreRouterAdvertisements() {
        java.nio.file.Path knob = java.nio.file.Path.of("/proc/sys/net/ipv6/conf", tap.name(), "accept_ra");
        try {
            java.nio.file.Files.writeString(knob, "0");
        } catch (IOException e) {
            log.info(knob + ": not set to 0 (" + e.getMessage() + "): router advertisements may still add routes");
        }
    }

    /** TAP to the current connection, for the TAP's life. */
    private void pumpTap() {
        try {
            while (true) {
                int lt = tap.linkType();
                int n = tap.receiveOffloaded((header, data) -> {
                    Session s = current.get();
                    if (s == null) {
                        counters.dropped.incrementAndGet();
                        return;
                    }
                    try {
                        s.out.offloaded(lt, header, data);
                    } catch (IOException e) {
                        current.compareAndSet(s, null);
                        s.close();
                    }
                }, 256, 200);
                if (n < 0) {
                    return;
                }
                Session s = current.get();
                if (n > 0 && s != null) {
                    try {
                        s.out.flush();
                    } catch (IOException e) {
                        current.compareAndSet(s, null);
                        s.close();
                    }
                }
            }
        } catch (IOException e) {
            tapFailure.set(e);
            Session s = current.get();
            if (s != null) {
                s.close();
            }
        }
    }

    private final class Session extends Connection {
        /** v0.3 peers send no "configuration finished": the netmask (sent last) or the first frame stands for it. */
        private boolean legacy;
        private boolean configuredHere;
        /** The peer said hello and we acknowledged: it takes whole frames and its MTU as it is. */
        private boolean peerTapline;
        /** -C: what the puppet asked for, told once its configuration is complete. */
        private final List<String> leftAlone = new ArrayList<>();
        /** The addresses this connection's parameters put on the TAP (and with them its routes): removed when it ends. */
        private Inet4Address appliedIpv4;
        private final List<Interfaces.Address> appliedIpv6 = new ArrayList<>();
        private int ipv6Records;

        Session(Greeted g) {
            super(g, MasterSide.this.log, MasterSide.this.counters);
        }

        End run(Greeted g) {
            legacy = PuppetWire.legacy(g.version);
            int arphrd = g.linkType;
            try {
                if (tap == null) {
                    openTap(arphrd);
                } else if ((arphrd == PuppetWire.ARPHRD_PPP) != (tap.linkType() != 1)) {
                    return new End(End.Outcome.PROTOCOL, "the new connection's link type " + arphrd + " does not fit " + tap.name(), false);
                }
            } catch (IOException e) {
                return new End(End.Outcome.FAILED, e.getMessage(), false);
            }
            current.set(this);
            if (tapFailure.get() != null) {
                return new End(End.Outcome.INTERFACE, tap.name() + ": " + tapFailure.get().getMessage(), false);
            }
            try {
                offload(false);
                return receive();
            } finally {
                offload(false);
                removeAddresses();
            }
        }

        /** What this connection's parameters added to the TAP goes with it: its routes then stay no longer than the peer. */
        private void removeAddresses() {
            if (appliedIpv4 == null && appliedIpv6.isEmpty()) {
                return;
            }
            try {
                if (appliedIpv4 != null) {
                    // SIOCSIFADDR with 0.0.0.0 deletes the address (inet_set_ifa frees an ifa without a local address).
                    Interfaces.setIpv4Address(tap.name(), (Inet4Address) InetAddress.getByAddress(new byte[4]));
                }
                for (Interfaces.Address a : appliedIpv6) {
                    Interfaces.removeIpv6Address(tap.name(), (Inet6Address) a.address(), a.prefixLength());
                }
                log.info("the puppet's addresses removed from " + tap.name());
            } catch (IOException e) {
                if (Interfaces.exists(tap.name())) {
                    log.info("the puppet's addresses not all removed from " + tap.name() + ": " + e.getMessage());
                }
            }
        }

        /** TCP super-frames and checksum offload on the TAP: only while a tapline puppet takes them. */
        private void offload(boolean on) {
            if (offloads) {
                try {
                    tap.setOffloads(on);
                } catch (IOException e) {
                    log.info("offloads on " + tap.name() + " not " + (on ? "enabled" : "disabled") + ": " + e.getMessage());
                }
            }
        }

        private End receive() {
            while (true) {
                PuppetReader.Kind k;
                try {
                    k = in.next();
                } catch (IOException e) {
                    return tapFailure.get() != null ? gone() : ended(e);
                }
                if (k == null) {
                    return tapFailure.get() != null ? gone() : lost("the puppet closed the connection");
                }
                try {
                    switch (k) {
                        case FRAME -> {
                            if (legacy) {
                                configured();
                            }
                            counters.receivedFrames.incrementAndGet();
                            counters.receivedBytes.addAndGet(in.frameLength());
                            if (in.frameLength() > org.tapline.os.TunDevice.MAX_FRAME) {
                                counters.dropped.incrementAndGet();
                                log.debug("frame of " + in.frameLength() + " bytes is larger than a TAP carries: dropped");
                                continue;
                            }
                            try {
                                tap.send(in.frame());
                            } catch (IOException e) {
                                if (!Interfaces.exists(tap.name())) {
                                    return gone();
                                }
                                counters.dropped.incrementAndGet();
                                log.debug("frame of " + in.frameLength() + " bytes not written: " + e.getMessage());
                            }
                        }
                        case HELLO -> {
                            if (settings.compat()) {
                                log.info("the puppet is tapline; staying with the etherpuppet protocol (--compat)");
                            } else {
                                peerTapline = true;
                                out.upgrade(PuppetWire.command(PuppetWire.CMD_ACK));
                                offload(true);
                            }
                        }
                        case UPGRADE -> {
                            if (!peerTapline) {
                                return new End(End.Outcome.PROTOCOL, "the puppet upgraded without our acknowledgement", false);
                            }
                            log.info("tapline mode: batched records, whole frames up to the interface MTU");
                        }
                        case IFREQ -> {
                            apply(in.ifreq());
                            if (legacy && in.ifreq().request() == PuppetWire.SIOCSIFNETMASK) {
                                configured();
                            }
                        }
                        case IPV6 -> addIpv6(in.payload());
                        case CONF_FINISHED -> configured();
                        case BYE -> {
                            return new End(End.Outcome.STOPPED, "the puppet ended the session", true);
                        }
                        case ACK, OFFLOADED -> {
                            return new End(End.Outcome.PROTOCOL, "the puppet sent a master's " + k + " message", out.tapline());
                        }
                    }
                } catch (IOException e) {
                    return ended(e);
                }
            }
        }

        private End gone() {
            String m = String.valueOf(tapFailure.get().getMessage());
            return new End(End.Outcome.INTERFACE, m.contains(tap.name()) ? m : tap.name() + ": " + m, out.tapline());
        }

        private void apply(PuppetReader.Ifreq r) throws IOException {
            boolean address = r.request() != PuppetWire.SIOCSIFHWADDR && r.request() != PuppetWire.SIOCSIFMTU;
            if (!settings.configure() || (address && !settings.addresses())) {
                leftAlone.add(describe(r));
                return;
            }
            String bad = switch (r.request()) {
                case PuppetWire.SIOCSIFADDR -> PeerParameters.addressProblem("address", v4(r));
                case PuppetWire.SIOCSIFDSTADDR -> PeerParameters.addressProblem("peer address", v4(r));
                case PuppetWire.SIOCSIFNETMASK -> PeerParameters.netmaskProblem(v4(r));
                default -> null;
            };
            if (bad != null) {
                throw new PuppetProtocolException("the puppet's " + bad + ": refused");
            }
            String name = tap.name();
            try {
                switch (r.request()) {
                    case PuppetWire.SIOCSIFHWADDR -> Interfaces.setMac(name, Arrays.copyOf(r.data(), 6));
                    case PuppetWire.SIOCSIFMTU -> Interfaces.setMtu(name, mtu(r.mtu()));
                    case PuppetWire.SIOCSIFADDR -> {
                        Interfaces.setIpv4Address(name, v4(r));
                        appliedIpv4 = v4(r);
                    }
                    case PuppetWire.SIOCSIFDSTADDR -> Interfaces.setIpv4PeerAddress(name, v4(r));
                    case PuppetWire.SIOCSIFBRDADDR -> Interfaces.setIpv4Broadcast(name, v4(r));
                    case PuppetWire.SIOCSIFNETMASK -> Interfaces.setIpv4Netmask(name, v4(r));
                    default -> {
                        log.info(describe(r) + ": unknown, ignored");
                        return;
                    }
                }
                log.debug(describe(r) + " applied to " + name);
            } catch (IOException e) {
                log.info(describe(r) + " not applied to " + name + ": " + e.getMessage());
            }
        }

        /** A configuration request in words: "MTU 1500", "address 10.0.0.2". */
        private static String describe(PuppetReader.Ifreq r) {
            try {
                return switch (r.request()) {
                    case PuppetWire.SIOCSIFHWADDR -> "MAC " + java.util.HexFormat.ofDelimiter(":").formatHex(r.data(), 0, 6);
                    case PuppetWire.SIOCSIFMTU -> "MTU " + r.mtu();
                    case PuppetWire.SIOCSIFADDR -> "address " + v4(r).getHostAddress();
                    case PuppetWire.SIOCSIFDSTADDR -> "peer address " + v4(r).getHostAddress();
                    case PuppetWire.SIOCSIFBRDADDR -> "broadcast " + v4(r).getHostAddress();
                    case PuppetWire.SIOCSIFNETMASK -> "netmask " + v4(r).getHostAddress();
                    default -> String.format("configuration request 0x%04x", r.request());
                };
            } catch (IOException e) {
                return String.format("configuration request 0x%04x", r.request());
            }
        }

        /**
         * The TAP's MTU for a remote MTU. An etherpuppet link carries frames of at most 1598 bytes, and
         * etherpuppet's puppet sends 4 bytes more than each frame it is given (a full-size frame then fails
         * and ends it): for a peer that is not tapline the MTU is lowered to what passes.
         */
        private int mtu(int remote) {
            if (peerTapline) {
                return remote;
            }
            int m = Math.min(remote - 4, PuppetWire.REFERENCE_MTU - 2 - 14);
            log.info("MTU " + remote + " lowered to " + m + " for an etherpuppet peer (its frames carry at most "
                    + (PuppetWire.REFERENCE_MTU - 2) + " bytes, and its puppet adds 4 to each)");
            return m;
        }

        private void addIpv6(byte[] p) throws IOException {
            if (!settings.configure() || !settings.addresses()) {
                log.debug("IPv6 address left alone (" + (settings.configure() ? "--no-routes" : "-C") + ")");
                return;
            }
            // Inet6Address's own factory: InetAddress.getByAddress would make ::ffff:a.b.c.d an Inet4Address.
            Inet6Address a = Inet6Address.getByAddress(null, Arrays.copyOf(p, 16), -1);
            String bad = PeerParameters.ipv6Problem(a, p[16] & 0xff, ++ipv6Records);
            if (bad != null) {
                throw new PuppetProtocolException("the puppet's " + bad + ": refused");
            }
            try {
                Interfaces.addIpv6Address(tap.name(), a, p[16] & 0xff);
                appliedIpv6.add(new Interfaces.Address(a, p[16] & 0xff, null));
                log.debug("IPv6 address " + a.getHostAddress() + "/" + (p[16] & 0xff) + " applied");
            } catch (IOException e) {
                log.info("IPv6 address not applied: " + e.getMessage());
            }
        }

        private static Inet4Address v4(PuppetReader.Ifreq r) throws IOException {
            return (Inet4Address) InetAddress.getByAddress(Arrays.copyOfRange(r.data(), 2, 6));
        }

        private void configured() throws IOException {
            if (configuredHere) {
                return;
            }
            configuredHere = true;
            if (!leftAlone.isEmpty()) {
                log.info("the puppet's settings left alone (" + (settings.configure() ? "--no-routes" : "-C") + "): " + String.join(", ", leftAlone));
            }
            if (configuredOnce) {
                return;
            }
            configuredOnce = true;
            if (settings.up()) {
                Interfaces.setUp(tap.name(), true);
                log.info(tap.name() + " is up");
            }
            if (settings.upCommand() != null) {
                ProcessBuilder pb = new ProcessBuilder("sh", "-c", settings.upCommand()).inheritIO();
                pb.environment().put("PUPPET_IFACE", tap.name());
                Process p = pb.start();
                p.getOutputStream().close();
                log.info("started: " + settings.upCommand());
            }
        }
    }
}
