package org.tapline.puppet;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Socket;

import org.tapline.link.PcapLink;
import org.tapline.os.Interfaces;
import org.tapline.os.PcapHandle;

/**
 * The machine with the real interface ("puppet", etherpuppet without -m): everything the
 * interface sees goes to the master, everything the master sends leaves by the interface. The
 * capture filter leaves the puppet's own connection out (unless -B), so there is no loop.
 *
 * <p>Threads: a platform thread runs the capture (a blocking native loop) into the stream; the
 * calling thread reads the socket and injects.
 */
public final class PuppetSide {
    private final String iface;
    private final String exclusion;
    private final boolean copyConfig;
    private final PuppetLog log;

    /** {@code exclusion}: a tcpdump filter of the traffic to leave out, or null for none (-B). */
    public PuppetSide(String iface, String exclusion, boolean copyConfig, PuppetLog log) {
        this.iface = iface;
        this.exclusion = exclusion;
        this.copyConfig = copyConfig;
        this.log = log;
    }

    /** Serves one connection until either side ends it; returns why it ended. */
    public String run(Socket s, boolean connector, int version) throws IOException {
        PuppetReader in = new PuppetReader(s.getInputStream());
        int v = Handshake.run(connector, version, in, s.getOutputStream());
        PcapHandle.Options o = PcapHandle.Options.defaults().withImmediate(true);
        try (PcapLink link = PcapLink.open(iface, o)) {
            if (exclusion != null) {
                link.setFilter(exclusion);
                log.debug("leaving out " + exclusion);
            }
            Stream out = new Stream(s.getOutputStream(), PuppetWire.REFERENCE_MTU - 2);
            int arphrd = link.linkType() == 1 ? PuppetWire.ARPHRD_ETHER : PuppetWire.ARPHRD_PPP;
            out.write(new byte[] {(byte) (arphrd >> 8), (byte) arphrd});
            if (copyConfig) {
                sendConfig(out, v);
            }
            out.flush();
            log.info("communication established with " + s.getRemoteSocketAddress());
            Thread capture = Thread.ofPlatform().name("puppet-capture-" + iface).daemon().start(() -> out.pumpFrom(link, s, log));
            try {
                return inject(in, link);
            } finally {
                link.wakeUp();
                try {
                    capture.join(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                log.info(out.counters());
            }
        }
    }

    private String inject(PuppetReader in, PcapLink link) throws IOException {
        while (true) {
            PuppetReader.Kind k;
            try {
                k = in.next();
            } catch (java.net.SocketException e) {
                return "connection closed: " + e.getMessage();
            }
            if (k == null) {
                return "the master closed the connection";
            }
            if (k == PuppetReader.Kind.FRAME) {
                link.send(MemorySegment.ofArray(in.buffer()).asSlice(2, in.frameLength()));
            }
        }
    }

    /** The interface's parameters, as etherpuppet sends them: MAC, MTU, address, peer, broadcast, netmask. */
    private void sendConfig(Stream out, int v) throws IOException {
        out.write(PuppetWire.ifreqAddress(v, PuppetWire.SIOCSIFHWADDR, iface, PuppetWire.ARPHRD_ETHER, Interfaces.mac(iface)));
        out.write(PuppetWire.ifreqMtu(v, iface, Interfaces.mtu(iface)));
        Inet4Address addr = orNull(() -> Interfaces.ipv4Address(iface));
        if (addr != null) {
            out.write(PuppetWire.ifreqAddress(v, PuppetWire.SIOCSIFADDR, iface, 2, PuppetWire.sockaddrIn(addr.getAddress())));
            send(out, v, PuppetWire.SIOCSIFDSTADDR, orNull(() -> Interfaces.ipv4PeerAddress(iface)));
            send(out, v, PuppetWire.SIOCSIFBRDADDR, orNull(() -> Interfaces.ipv4Broadcast(iface)));
            send(out, v, PuppetWire.SIOCSIFNETMASK, orNull(() -> Interfaces.ipv4Netmask(iface)));
        }
        if (!PuppetWire.legacy(v)) {
            // v0.3 has no such command: its master stops at an unknown one.
            out.write(PuppetWire.confFinished());
        }
    }

    private void send(Stream out, int v, int request, Inet4Address a) throws IOException {
        if (a != null) {
            out.write(PuppetWire.ifreqAddress(v, request, iface, 2, PuppetWire.sockaddrIn(a.getAddress())));
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
