package org.tapline.stack;

import java.util.ArrayList;
import java.util.List;

import org.tapline.stack.ip.Datagram;
import org.tapline.stack.ip.IcmpProblem;
import org.tapline.stack.ip.Transport;

/** A transport for tests: takes the ports in {@link #open}, says NO_PORT to others, records errors. */
public final class TestTransport implements Transport {
    private final int protocol;
    /** Destination ports (the second 16-bit word of the message) that have a socket. */
    public final List<Integer> open = new ArrayList<>();
    /** Each datagram taken: "source>destination len N". */
    public final List<String> received = new ArrayList<>();
    /** Each error: "PROBLEM mtu source>destination len N". */
    public final List<String> errors = new ArrayList<>();

    public TestTransport(int protocol) {
        this.protocol = protocol;
    }

    @Override
    public int protocol() {
        return protocol;
    }

    @Override
    public Delivery receive(Datagram d, long now) {
        if (d.length < 4) {
            return Delivery.MALFORMED;
        }
        int port = d.payload().get(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), 2)
                & 0xffff;
        if (!open.contains(port)) {
            return Delivery.NO_PORT;
        }
        received.add(d.source + ">" + d.destination + " len " + d.length);
        return Delivery.ACCEPTED;
    }

    @Override
    public void error(IcmpProblem problem, int mtu, Datagram quoted, long now) {
        errors.add(problem + " " + mtu + " " + quoted.source + ">" + quoted.destination + " len " + quoted.length);
    }

    @Override
    public void poll(long now) {
    }

    @Override
    public long nextDeadline() {
        return Long.MAX_VALUE;
    }

    @Override
    public void report(StringBuilder out) {
    }
}
