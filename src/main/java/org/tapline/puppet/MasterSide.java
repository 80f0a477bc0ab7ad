package org.tapline.puppet;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Arrays;

import org.tapline.link.TapLink;
import org.tapline.os.Interfaces;

/**
 * The master (etherpuppet -m): a TAP (a TUN for PPP) that is the remote interface. Frames
 * written to it go to the puppet; frames from the puppet come out of it. The remote
 * interface's parameters are copied onto it unless -C; -u sets it up, -U runs a command then.
 */
public final class MasterSide {
    private final String namePattern;
    private final boolean configure;
    private final boolean up;
    private final String upCommand;
    private final PuppetLog log;
    private volatile String tapName;
    /** v0.3 peers send no "configuration finished": the netmask (sent last) or the first frame stands for it. */
    private boolean legacy;
    private boolean configuredDone;

    public MasterSide(String namePattern, boolean configure, boolean up, String upCommand, PuppetLog log) {
        this.namePattern = namePattern;
        this.configure = configure;
        this.up = up;
        this.upCommand = upCommand;
        this.log = log;
    }

    /** The interface made for the session, once it exists. */
    public String tapName() {
        return tapName;
    }

    public String run(Socket s, boolean connector, int version) throws IOException {
        PuppetReader in = new PuppetReader(s.getInputStream());
        legacy = PuppetWire.legacy(Handshake.run(connector, version, in, s.getOutputStream()));
        int arphrd = in.readLinkType();
        boolean ppp = arphrd == PuppetWire.ARPHRD_PPP;
        log.info("remote link type is " + arphrd + (ppp ? " (PPP): making a TUN" : arphrd == 1 ? " (Ethernet)" : " (unknown: using Ethernet)"));
        try (TapLink tap = ppp ? TapLink.openTun(namePattern) : TapLink.openTap(namePattern)) {
            tapName = tap.name();
            log.info("allocated interface " + tapName);
            Stream out = new Stream(s.getOutputStream(), PuppetWire.REFERENCE_MTU - 2);
            Thread reader = Thread.ofPlatform().name("puppet-tap-" + tapName).daemon().start(() -> out.pumpFrom(tap, s, log));
            try {
                return receive(in, tap);
            } finally {
                tap.close();
                try {
                    reader.join(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                log.info(out.counters());
            }
        }
    }

    private String receive(PuppetReader in, TapLink tap) throws IOException {
        while (true) {
            PuppetReader.Kind k;
            try {
                k = in.next();
            } catch (java.net.SocketException e) {
                return "connection closed: " + e.getMessage();
            }
            if (k == null) {
                return "the puppet closed the connection";
            }
            switch (k) {
                case FRAME -> {
                    if (legacy) {
                        configured();
                    }
                    tap.send(MemorySegment.ofArray(in.buffer()).asSlice(2, in.frameLength()));
                }
                case IFREQ -> {
                    apply(in.ifreq());
                    if (legacy && in.ifreq().request() == PuppetWire.SIOCSIFNETMASK) {
                        configured();
                    }
                }
                case CONF_FINISHED -> configured();
            }
        }
    }

    private void apply(PuppetReader.Ifreq r) {
        if (!configure) {
            log.info(String.format("configure request [%04x] ignored", r.request()));
            return;
        }
        try {
            switch (r.request()) {
                case PuppetWire.SIOCSIFHWADDR -> Interfaces.setMac(tapName, Arrays.copyOf(r.data(), 6));
                case PuppetWire.SIOCSIFMTU -> Interfaces.setMtu(tapName, r.mtu());
                case PuppetWire.SIOCSIFADDR -> Interfaces.setIpv4Address(tapName, v4(r));
                case PuppetWire.SIOCSIFDSTADDR -> Interfaces.setIpv4PeerAddress(tapName, v4(r));
                case PuppetWire.SIOCSIFBRDADDR -> Interfaces.setIpv4Broadcast(tapName, v4(r));
                case PuppetWire.SIOCSIFNETMASK -> Interfaces.setIpv4Netmask(tapName, v4(r));
                default -> {
                    log.info(String.format("configure request [%04x] unknown: ignored", r.request()));
                    return;
                }
            }
            log.debug(String.format("configure request [%04x] applied", r.request()));
        } catch (IOException e) {
            log.info(String.format("configure request [%04x] failed: %s", r.request(), e.getMessage()));
        }
    }

    private static Inet4Address v4(PuppetReader.Ifreq r) throws IOException {
        return (Inet4Address) InetAddress.getByAddress(Arrays.copyOfRange(r.data(), 2, 6));
    }

    private void configured() throws IOException {
        if (configuredDone) {
            return;
        }
        configuredDone = true;
        if (up) {
            Interfaces.setUp(tapName, true);
            log.info(tapName + " is up");
        }
        if (upCommand != null) {
            ProcessBuilder pb = new ProcessBuilder("sh", "-c", upCommand).inheritIO();
            pb.environment().put("PUPPET_IFACE", tapName);
            Process p = pb.start();
            p.getOutputStream().close();
            log.debug("started: " + upCommand);
        }
    }
}
