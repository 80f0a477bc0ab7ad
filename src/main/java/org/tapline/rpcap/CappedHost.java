package org.tapline.rpcap;

import java.io.IOException;
import java.util.List;

import org.tapline.os.BpfProgram;
import org.tapline.os.PcapDevice;
import org.tapline.os.PcapStats;

/**
 * A session's {@link ServerSession.Host} that takes a capture slot of the daemon's
 * {@link Admission} before a capture opens its device and gives it back when the capture
 * closes: each capture holds a pcap handle, a platform thread and buffers (the issue measured
 * 100 null-auth captures at 530 MiB), so their number is capped whoever asks.
 */
final class CappedHost implements ServerSession.Host {
    private final ServerSession.Host host;
    private final Admission.Ticket ticket;
    private final LogThrottle refusals;
    private final String peer;

    CappedHost(ServerSession.Host host, Admission.Ticket ticket, LogThrottle refusals, String peer) {
        this.host = host;
        this.ticket = ticket;
        this.refusals = refusals;
        this.peer = peer;
    }

    @Override
    public List<PcapDevice> devices() throws IOException {
        return host.devices();
    }

    @Override
    public int linkType(String device) throws IOException {
        return host.linkType(device);
    }

    @Override
    public ServerSession.Capture start(String device, Requests.StartCapture request) throws IOException, RpcapProtocolException {
        try {
            ticket.startCapture();
        } catch (Admission.Full f) {
            refusals.log("capture refused: " + peer + ", " + f.getMessage());
            throw new IOException(f.getMessage(), f);
        }
        try {
            return new Slot(host.start(device, request));
        } catch (IOException | RpcapProtocolException | RuntimeException e) {
            ticket.endCapture();
            throw e;
        }
    }

    /** The capture, giving its slot back on close. */
    private final class Slot implements ServerSession.Capture {
        private final ServerSession.Capture c;

        Slot(ServerSession.Capture c) {
            this.c = c;
        }

        @Override
        public int port() {
            return c.port();
        }

        @Override
        public int bufferSize() {
            return c.bufferSize();
        }

        @Override
        public void begin() throws IOException {
            c.begin();
        }

        @Override
        public void setFilter(BpfProgram program) throws IOException {
            c.setFilter(program);
        }

        @Override
        public void setSampling(Requests.Sampling sampling) {
            c.setSampling(sampling);
        }

        @Override
        public PcapStats stats() throws IOException {
            return c.stats();
        }

        @Override
        public long sent() {
            return c.sent();
        }

        @Override
        public void close() {
            try {
                c.close();
            } finally {
                ticket.endCapture();
            }
        }
    }
}
