package org.tapline.stack.tcp;

import java.lang.foreign.MemorySegment;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.function.BooleanSupplier;

import org.tapline.packet.IpPacket;
import org.tapline.stack.ip.Datagram;
import org.tapline.stack.ip.IpAddress;
import org.tapline.stack.ip.IpOutput;

/**
 * Two TCP transports joined by an in-memory link in virtual time: each datagram arrives after
 * a one-way delay, or is lost with a seeded probability. {@link #run} moves time from event to
 * event (deliveries and timers) and calls the test's application step after each.
 */
final class TcpPair {
    static final IpAddress A = IpAddress.parse("10.0.0.1");
    static final IpAddress B = IpAddress.parse("10.0.0.2");

    private record Flight(long at, long order, IpAddress src, IpAddress dst, byte[] bytes) { }

    private final PriorityQueue<Flight> wire = new PriorityQueue<>((x, y) ->
            x.at != y.at ? Long.compare(x.at, y.at) : Long.compare(x.order, y.order));
    private final Random random;
    final long delay;
    final double loss;
    final TcpTransport a;
    final TcpTransport b;
    long now;
    long order;
    long delivered;
    long dropped;
    /** Serialization: nanoseconds per byte on the link (0: unlimited); keeps the queue ordered. */
    long nanosPerByte;
    private long linkFreeA;
    private long linkFreeB;

    TcpPair(long delay, double loss, long seed) {
        this.delay = delay;
        this.loss = loss;
        this.random = new Random(seed);
        this.a = new TcpTransport(new Side(A), new Random(seed + 1));
        this.b = new TcpTransport(new Side(B), new Random(seed + 2));
    }

    private final class Side implements IpOutput {
        private final IpAddress self;

        Side(IpAddress self) {
            this.self = self;
        }

        @Override
        public Result send(IpAddress source, IpAddress destination, int protocol, int ttl, int flags,
                           MemorySegment payload, int length, long t) {
            byte[] copy = new byte[length];
            MemorySegment.copy(payload, 0, MemorySegment.ofArray(copy), 0, length);
            long leave = t;
            if (nanosPerByte > 0) {
                if (self.equals(A)) {
                    linkFreeA = Math.max(linkFreeA, t) + nanosPerByte * (length + 40);
                    leave = linkFreeA;
                } else {
                    linkFreeB = Math.max(linkFreeB, t) + nanosPerByte * (length + 40);
                    leave = linkFreeB;
                }
            }
            if (random.nextDouble() < loss) {
                dropped++;
                return Result.SENT;
            }
            wire.add(new Flight(leave + delay, order++, source, destination, copy));
            return Result.SENT;
        }

        @Override
        public IpAddress sourceFor(IpAddress destination) {
            return self;
        }

        @Override
        public int pathMtu(IpAddress destination) {
            return 1500;
        }

        @Override
        public boolean isLocal(IpAddress address) {
            return address.equals(self);
        }
    }

    /** Runs events until {@code done} holds (true) or virtual time passes {@code limit} (false). */
    boolean run(Runnable app, BooleanSupplier done, long limit) {
        Datagram d = new Datagram();
        app.run();
        while (!done.getAsBoolean()) {
            long next = Math.min(a.nextDeadline(), b.nextDeadline());
            Flight f = wire.peek();
            if (f != null && f.at - next <= 0) {
                next = f.at;
            }
            if (next == Long.MAX_VALUE || next > limit) {
                return false;
            }
            now = Math.max(now, next);
            if (f != null && f.at == next) {
                wire.poll();
                d.source = f.src;
                d.destination = f.dst;
                d.protocol = IpPacket.PROTO_TCP;
                d.segment = MemorySegment.ofArray(f.bytes);
                d.offset = 0;
                d.length = f.bytes.length;
                delivered++;
                (f.dst.equals(A) ? a : b).receive(d, now);
            } else {
                if (a.nextDeadline() <= now) {
                    a.poll(now);
                }
                if (b.nextDeadline() <= now) {
                    b.poll(now);
                }
            }
            app.run();
        }
        return true;
    }
}
