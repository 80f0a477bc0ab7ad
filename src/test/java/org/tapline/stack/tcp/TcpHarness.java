package org.tapline.stack.tcp;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.tapline.packet.Checksum;
import org.tapline.packet.IpPacket;
import org.tapline.packet.Tcp;
import org.tapline.stack.ip.Datagram;
import org.tapline.stack.ip.IpAddress;
import org.tapline.stack.ip.IpOutput;

/**
 * One TCP transport fed hand-built segments in virtual time; what it sends is parsed back with
 * the packet package's view (independent of the code under test). "Us" is 10.0.0.1, the peer
 * 10.0.0.2; the link MTU 1500.
 */
final class TcpHarness implements IpOutput {
    static final IpAddress US = IpAddress.parse("10.0.0.1");
    static final IpAddress PEER = IpAddress.parse("10.0.0.2");

    final List<Sent> sent = new ArrayList<>();
    final TcpTransport tcp = new TcpTransport(this, new Random(7));
    int mtu = 1500;

    /** A segment we sent. */
    record Sent(int sport, int dport, long seq, long ack, int flags, int window, byte[] payload, Opts opts, long at) {
        boolean has(int flag) {
            return (flags & flag) != 0;
        }

        @Override
        public String toString() {
            return "seq=" + seq + " ack=" + ack + " flags=" + Integer.toHexString(flags) + " win=" + window
                    + " len=" + payload.length + " " + opts;
        }
    }

    /** The options of a segment (independent parse). */
    static final class Opts {
        int mss;
        int ws = -1;
        boolean sackOk;
        boolean ts;
        long tsVal;
        long tsEcr;
        final List<long[]> sack = new ArrayList<>();

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder("[");
            if (mss != 0) {
                b.append("mss ").append(mss).append(' ');
            }
            if (ws >= 0) {
                b.append("ws ").append(ws).append(' ');
            }
            if (sackOk) {
                b.append("sackOK ");
            }
            if (ts) {
                b.append("TS ").append(tsVal).append('/').append(tsEcr).append(' ');
            }
            for (long[] s : sack) {
                b.append("sack ").append(s[0]).append('-').append(s[1]).append(' ');
            }
            return b.append(']').toString();
        }
    }

    private long now;

    @Override
    public Result send(IpAddress source, IpAddress destination, int protocol, int ttl, int flags,
                       MemorySegment payload, int length, long at) {
        MemorySegment copy = MemorySegment.ofArray(new byte[length]);
        MemorySegment.copy(payload, 0, copy, 0, length);
        Tcp v = Tcp.of(copy, 0, length);
        long sum = IpAddress.pseudoHeaderSum(source, destination, protocol, length) + Checksum.sum(copy, 0, length);
        if (Checksum.finish(sum) != 0) {
            throw new AssertionError("bad checksum on a segment we sent");
        }
        byte[] data = copy.asSlice(v.payloadOffset(), v.payloadLength()).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        sent.add(new Sent(v.sourcePort(), v.destinationPort(), v.sequence(), v.acknowledgment(), v.flags(), v.window(),
                data, options(copy, v), at));
        return Result.SENT;
    }

    private static Opts options(MemorySegment s, Tcp v) {
        Opts o = new Opts();
        ByteBuffer b = s.asSlice(v.optionsOffset(), v.optionsLength()).asByteBuffer();
        while (b.hasRemaining()) {
            int kind = b.get() & 0xff;
            if (kind == 0) {
                break;
            }
            if (kind == 1) {
                continue;
            }
            int len = b.get() & 0xff;
            switch (kind) {
                case 2 -> o.mss = b.getShort() & 0xffff;
                case 3 -> o.ws = b.get() & 0xff;
                case 4 -> o.sackOk = true;
                case 8 -> {
                    o.ts = true;
                    o.tsVal = b.getInt() & 0xffffffffL;
                    o.tsEcr = b.getInt() & 0xffffffffL;
                }
                case 5 -> {
                    for (int i = 0; i < (len - 2) / 8; i++) {
                        o.sack.add(new long[] {b.getInt() & 0xffffffffL, b.getInt() & 0xffffffffL});
                    }
                }
                default -> b.position(b.position() + len - 2);
            }
        }
        return o;
    }

    @Override
    public IpAddress sourceFor(IpAddress destination) {
        return US;
    }

    @Override
    public int pathMtu(IpAddress destination) {
        return mtu;
    }

    @Override
    public boolean isLocal(IpAddress address) {
        return address.equals(US);
    }

    /** Delivers {@code seg} from the peer at time {@code t}; returns what we sent in answer. */
    List<Sent> in(PeerSegment seg, long t) {
        int before = sent.size();
        byte[] bytes = seg.bytes(PEER, US);
        Datagram d = new Datagram();
        d.source = PEER;
        d.destination = US;
        d.protocol = IpPacket.PROTO_TCP;
        d.segment = MemorySegment.ofArray(bytes);
        d.offset = 0;
        d.length = bytes.length;
        tcp.receive(d, t);
        now = t;
        return List.copyOf(sent.subList(before, sent.size()));
    }

    /** Runs the timers up to {@code t}, each at its own deadline; returns what was sent. */
    List<Sent> advance(long t) {
        int before = sent.size();
        for (long next = tcp.nextDeadline(); next != Long.MAX_VALUE && next - t <= 0; next = tcp.nextDeadline()) {
            tcp.poll(next);
            now = next;
        }
        now = t;
        return List.copyOf(sent.subList(before, sent.size()));
    }

    List<Sent> since(int mark) {
        return List.copyOf(sent.subList(mark, sent.size()));
    }

    Sent last() {
        return sent.get(sent.size() - 1);
    }

    long now() {
        return now;
    }
}
