package org.tapline.stack.sim;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

import org.tapline.packet.MacAddress;
import org.tapline.stack.Counters;
import org.tapline.stack.Host;
import org.tapline.stack.Ipv4Interface;
import org.tapline.stack.ip.IpAddress;

/**
 * Two {@link Host}s, A (10.0.0.1/24) and B (10.0.0.2/24), joined by a {@link FaultyWire} each way,
 * run in virtual time by one event queue: frames arrive at their times, each host's timers run at
 * its {@link Host#nextDeadline()}, and actions scheduled with {@link #at} run at theirs. Events at
 * the same instant run in the order they were queued; then due timers, A before B. Everything is
 * deterministic for a seed.
 *
 * <pre>{@code
 * VirtualNet net = new VirtualNet(Faults.of(0.01, 10 * Faults.MS), 7);
 * net.start();
 * net.runUntil(() -> done, 60 * SECOND);
 * }</pre>
 * For a throughput figure see {@link #transfer}.
 */
public final class VirtualNet {
    public static final long SECOND = 1_000_000_000L;
    public static final Ipv4Interface A_ADDRESS = Ipv4Interface.parse("10.0.0.1/24");
    public static final Ipv4Interface B_ADDRESS = Ipv4Interface.parse("10.0.0.2/24");
    public static final MacAddress A_MAC = MacAddress.of("02:00:00:00:00:01");
    public static final MacAddress B_MAC = MacAddress.of("02:00:00:00:00:02");
    /** Polls of one host at one instant beyond which its timers are taken to be stuck. */
    private static final int MAX_POLLS_AT_ONE_TIME = 10_000;

    /** Sees each frame just before a host receives it; {@code frame} is valid only during the call. */
    @FunctionalInterface
    public interface Observer {
        void frame(boolean toB, long now, MemorySegment frame);
    }

    private record Event(long time, long seq, int to, byte[] frame, Runnable action) implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            int c = Long.compare(time, o.time);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private final Counters[] counters = {new Counters(), new Counters()};
    private final FaultyWire[] wires = new FaultyWire[2];
    private final Host[] hosts = new Host[2];
    private long now;
    private long seq;
    private long eventsRun;
    private Observer observer;
    private LongConsumer afterEvent;
    private int pollsNow;
    private long pollTime = -1;

    /** The same faults both ways. */
    public VirtualNet(Faults faults, long seed) {
        this(faults, faults, seed, 1500);
    }

    /** @param mtu the link MTU of both hosts */
    public VirtualNet(Faults aToB, Faults bToA, long seed, int mtu) {
        Random seeds = new Random(seed);
        wires[0] = new FaultyWire(aToB, seeds.nextLong(), this::now, (t, f) -> queue(t, 1, f, null));
        wires[1] = new FaultyWire(bToA, seeds.nextLong(), this::now, (t, f) -> queue(t, 0, f, null));
        hosts[0] = new Host(A_MAC, List.of(A_ADDRESS), mtu, counters[0], wires[0], new SplittableRandom(seeds.nextLong()));
        hosts[1] = new Host(B_MAC, List.of(B_ADDRESS), mtu, counters[1], wires[1], new SplittableRandom(seeds.nextLong()));
    }

    public Host a() {
        return hosts[0];
    }

    public Host b() {
        return hosts[1];
    }

    public Counters countersA() {
        return counters[0];
    }

    public Counters countersB() {
        return counters[1];
    }

    public FaultyWire aToB() {
        return wires[0];
    }

    public FaultyWire bToA() {
        return wires[1];
    }

    public static IpAddress addressA() {
        return IpAddress.of(A_ADDRESS.address());
    }

    public static IpAddress addressB() {
        return IpAddress.of(B_ADDRESS.address());
    }

    /** The virtual time, nanoseconds from 0. */
    public long now() {
        return now;
    }

    /** Frames delivered, timers polled and actions run so far. */
    public long eventsRun() {
        return eventsRun;
    }

    public void observe(Observer o) {
        this.observer = o;
    }

    /** Called after every event with the time (an application pumping its socket, say). */
    public void afterEachEvent(LongConsumer hook) {
        this.afterEvent = hook;
    }

    /** Runs {@code action} at virtual time {@code time} (not before the present). */
    public void at(long time, Runnable action) {
        queue(Math.max(time, now), -1, null, action);
    }

    private void queue(long time, int to, byte[] frame, Runnable action) {
        events.add(new Event(time, seq++, to, frame, action));
    }

    /** Both hosts announce their addresses (gratuitous ARP), as a stack does when it starts. */
    public void start() {
        hosts[0].start(now);
        hosts[1].start(now);
    }

    /** Runs until {@code done} holds (checked after each event) or virtual time would pass {@code limit}. */
    public boolean runUntil(BooleanSupplier done, long limit) {
        while (!done.getAsBoolean()) {
            if (!step(limit)) {
                now = Math.max(now, limit);
                return done.getAsBoolean();
            }
        }
        return true;
    }

    /** Runs everything due in the next {@code nanos}. */
    public void runFor(long nanos) {
        runUntil(() -> false, now + nanos);
    }

    /** Runs the earliest event at or before {@code limit}; false when there is none. */
    private boolean step(long limit) {
        Event head = events.peek();
        long frameAt = head == null ? Long.MAX_VALUE : head.time;
        long timerA = Math.max(hosts[0].nextDeadline(), now);
        long timerB = Math.max(hosts[1].nextDeadline(), now);
        long next = Math.min(frameAt, Math.min(timerA, timerB));
        if (next == Long.MAX_VALUE || next > limit) {
            return false;
        }
        now = next;
        if (frameAt == next) {
            events.poll();
            if (head.action != null) {
                head.action.run();
            } else {
                MemorySegment frame = MemorySegment.ofArray(head.frame);
                if (observer != null) {
                    observer.frame(head.to == 1, now, frame);
                }
                hosts[head.to].receive(frame, now);
            }
        } else {
            checkTimersAdvance();
            hosts[timerA == next ? 0 : 1].poll(now);
        }
        eventsRun++;
        if (afterEvent != null) {
            afterEvent.accept(now);
        }
        return true;
    }

    /** A host whose deadline stays at the present after polls would spin the loop forever. */
    private void checkTimersAdvance() {
        if (pollTime != now) {
            pollTime = now;
            pollsNow = 0;
        }
        if (++pollsNow > MAX_POLLS_AT_ONE_TIME) {
            throw new IllegalStateException("a host's timer deadline stays at " + now + " ns after "
                    + MAX_POLLS_AT_ONE_TIME + " polls");
        }
    }

    /**
     * Runs {@code transfer} of {@code bytes} from A to B with {@code faults} both ways, from a
     * fresh net seeded {@code seed}, until the bytes are delivered or {@code limit} nanoseconds
     * of virtual time have passed. Ten MiB through a 1 % loss, 10 ms RTT path with seed 42:
     * <pre>{@code
     * Throughput r = VirtualNet.transfer(tcp, 10 << 20, Faults.of(0.01, 10 * Faults.MS), 42, 600 * SECOND);
     * System.out.println(Throughput.header() + "\n" + r.row());
     * }</pre>
     */
    public static Throughput transfer(Transfer transfer, long bytes, Faults faults, long seed, long limit) {
        VirtualNet net = new VirtualNet(faults, seed);
        net.start();
        transfer.start(net, bytes);
        net.afterEachEvent(transfer::afterEvent);
        boolean finished = net.runUntil(() -> transfer.delivered() >= bytes, limit);
        return new Throughput(faults, seed, bytes, transfer.delivered(), net.now(), finished,
                net.aToB().sent + net.bToA().sent,
                net.aToB().dropped + net.aToB().queueDrops + net.bToA().dropped + net.bToA().queueDrops);
    }

    /**
     * What {@link #transfer} measured, in virtual time.
     *
     * @param frames frames put on the wire both ways
     * @param lost   of them lost (drops and queue drops)
     */
    public record Throughput(Faults faults, long seed, long bytes, long delivered, long nanos, boolean finished,
                             long frames, long lost) {
        public double bitsPerSecond() {
            return nanos == 0 ? 0 : delivered * 8.0 * SECOND / nanos;
        }

        public static String header() {
            return String.format("%-8s %-8s %-12s %-6s %10s %10s %8s %6s", "loss", "rtt ms", "rate Mbit/s", "seed",
                    "MiB", "seconds", "Mbit/s", "lost");
        }

        public String row() {
            Faults f = faults;
            return String.format("%-8s %-8.1f %-12s %-6d %10.2f %10.3f %8.2f %6d%s", f.drop() * 100 + "%",
                    2.0 * f.delayNanos() / Faults.MS, f.bitsPerSecond() == 0 ? "-" : f.bitsPerSecond() / 1e6 + "",
                    seed, delivered / 1048576.0, nanos / (double) SECOND, bitsPerSecond() / 1e6, lost,
                    finished ? "" : "  (time limit)");
        }
    }
}
