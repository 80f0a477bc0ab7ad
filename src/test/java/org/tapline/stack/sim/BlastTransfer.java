package org.tapline.stack.sim;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.BitSet;

import org.tapline.packet.Checksum;
import org.tapline.stack.Host;
import org.tapline.stack.ip.Datagram;
import org.tapline.stack.ip.IcmpProblem;
import org.tapline.stack.ip.IpOutput;
import org.tapline.stack.ip.Transport;

/**
 * A stand-in for TCP until it exists: selective repeat over IP protocol 253 (RFC 3692,
 * experimentation) with a fixed window of chunks, an ACK per chunk, and a retransmission timer of
 * twice the smoothed RTT (Karn's rule). No congestion control: it shows what the wire does, and
 * that {@link VirtualNet#transfer} works, not how a good sender behaves.
 *
 * <pre>
 * data: | chunk number (32) | checksum (16) | zero (16) | CHUNK bytes of pattern ... |
 * ack:  | chunk number (32) | chunks received in order (32) |
 * </pre>
 */
final class BlastTransfer implements Transfer {
    static final int PROTOCOL = 253;
    static final int CHUNK = 1400;
    private static final int HEADER = 8;
    private static final long MS = Faults.MS;
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** Bytes 0, 1, ... 255, 0, 1, ...: chunk c carries the run starting at (31 c) mod 256. */
    private static final MemorySegment PATTERN = pattern();

    private final int window;
    private final MemorySegment out = Arena.ofAuto().allocate(HEADER + CHUNK);
    private Host sender;
    private Host receiver;
    private long bytes;
    private int chunks;
    private long[] sentAt;
    private final BitSet acked = new BitSet();
    private final BitSet retransmitted = new BitSet();
    private final BitSet received = new BitSet();
    private int base;
    private int next;
    private int inOrder;
    private long srtt = -1;
    private long rto = 200 * MS;
    /** Chunks sent again after their timer. */
    long retransmits;
    /** Chunks B dropped for a bad checksum or pattern. */
    long bad;

    BlastTransfer(int window) {
        this.window = window;
    }

    @Override
    public void start(VirtualNet net, long bytes) {
        this.sender = net.a();
        this.receiver = net.b();
        this.bytes = bytes;
        this.chunks = (int) Math.ceilDiv(bytes, CHUNK);
        this.sentAt = new long[chunks];
        sender.addTransport(new End(true));
        receiver.addTransport(new End(false));
        pump(net.now());
    }

    @Override
    public long delivered() {
        return Math.min(bytes, (long) inOrder * CHUNK);
    }

    private int length(int chunk) {
        return (int) Math.min(CHUNK, bytes - (long) chunk * CHUNK);
    }

    /** Retransmits what timed out, then sends new chunks while the window allows. */
    private void pump(long now) {
        for (int c = acked.nextClearBit(base); c < next; c = acked.nextClearBit(c + 1)) {
            if (now - sentAt[c] >= rto) {
                retransmitted.set(c);
                retransmits++;
                sendChunk(c, now);
            }
        }
        while (next < chunks && next - base < window) {
            sendChunk(next++, now);
        }
    }

    private void sendChunk(int c, long now) {
        int len = length(c);
        MemorySegment.copy(PATTERN, patternStart(c), out, HEADER, len);
        out.set(U32, 0, c);
        out.set(U32, 4, 0);
        out.set(U16, 4, (short) Checksum.internet(out, 0, HEADER + len));
        IpOutput.Result r = sender.send(VirtualNet.addressA(), VirtualNet.addressB(), PROTOCOL, -1, 0, out, HEADER + len, now);
        // Not sent (ARP still resolving): try again in a millisecond rather than after a timeout.
        sentAt[c] = r == IpOutput.Result.SENT ? now : now - rto + MS;
    }

    private static long patternStart(int chunk) {
        return (chunk * 31L) & 0xff;
    }

    private static MemorySegment pattern() {
        byte[] b = new byte[256 + CHUNK];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) i;
        }
        return MemorySegment.ofArray(b);
    }

    private long nextTimer() {
        long t = Long.MAX_VALUE;
        for (int c = acked.nextClearBit(base); c < next; c = acked.nextClearBit(c + 1)) {
            t = Math.min(t, sentAt[c] + rto);
        }
        return t;
    }

    private void onData(MemorySegment seg, long off, int length, long now) {
        int c = seg.get(U32, off);
        int len = length - HEADER;
        if (Checksum.internet(seg, off, length) != 0 || c < 0 || c >= chunks || len != length(c)) {
            bad++;
            return;
        }
        long start = patternStart(c);
        if (MemorySegment.mismatch(seg, off + HEADER, off + length, PATTERN, start, start + len) >= 0) {
            bad++;
            return;
        }
        received.set(c);
        inOrder = received.nextClearBit(inOrder);
        out.set(U32, 0, c);
        out.set(U32, 4, inOrder);
        receiver.send(VirtualNet.addressB(), VirtualNet.addressA(), PROTOCOL, -1, 0, out, HEADER, now);
    }

    private void onAck(MemorySegment seg, long off, long now) {
        int c = seg.get(U32, off);
        int cum = seg.get(U32, off + 4);
        if (c < 0 || c >= next || cum < 0 || cum > next) {
            return;
        }
        if (!acked.get(c) && !retransmitted.get(c)) {
            long sample = now - sentAt[c];
            srtt = srtt < 0 ? sample : srtt + (sample - srtt) / 8;
            rto = Math.max(2 * srtt, MS);
        }
        acked.set(c);
        acked.set(0, cum);
        base = acked.nextClearBit(base);
        pump(now);
    }

    /** One end's transport: A takes ACKs, B takes data. */
    private final class End implements Transport {
        private final boolean isSender;

        End(boolean isSender) {
            this.isSender = isSender;
        }

        @Override
        public int protocol() {
            return PROTOCOL;
        }

        @Override
        public Delivery receive(Datagram d, long now) {
            if (d.length < HEADER) {
                return Delivery.MALFORMED;
            }
            if (isSender) {
                onAck(d.segment, d.offset, now);
            } else {
                onData(d.segment, d.offset, d.length, now);
            }
            return Delivery.ACCEPTED;
        }

        @Override
        public void error(IcmpProblem problem, int mtu, Datagram quoted, long now) {
        }

        @Override
        public void poll(long now) {
            if (isSender) {
                pump(now);
            }
        }

        @Override
        public long nextDeadline() {
            return isSender ? nextTimer() : Long.MAX_VALUE;
        }

        @Override
        public void report(StringBuilder out) {
            out.append("blast ").append(isSender ? "sender" : "receiver").append(": ").append(retransmits)
                    .append(" retransmits, ").append(bad).append(" bad\n");
        }
    }
}
