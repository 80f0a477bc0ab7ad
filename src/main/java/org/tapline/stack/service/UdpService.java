package org.tapline.stack.service;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.InetAddress;
import java.nio.ByteBuffer;

import org.tapline.stack.NetStack;
import org.tapline.stack.UdpSocket;

/**
 * A UDP service of the stack: a socket bound to a port of every address and a virtual thread
 * that answers each datagram as its {@link Answer} says. {@link #close} ends it.
 */
public final class UdpService implements AutoCloseable {
    /** The largest datagram the services read (the rest of a larger one is dropped). */
    private static final int MAX_DATAGRAM = 65535;

    /** What a service does with one datagram. */
    @FunctionalInterface
    public interface Answer {
        /**
         * Given the datagram in {@code request} (flipped), writes the answer into {@code reply}
         * (cleared) and returns true, or returns false to send nothing.
         */
        boolean answer(ByteBuffer request, ByteBuffer reply);
    }

    private final UdpSocket socket;
    private final Thread thread;
    private volatile long answered;

    private UdpService(UdpSocket socket, String name, Answer answer) {
        this.socket = socket;
        this.thread = Thread.ofVirtual().name(name).start(() -> serve(answer));
    }

    /** Binds {@code port} on all the stack's addresses (both families) and starts answering. */
    public static UdpService start(NetStack stack, String name, int port, Answer answer) throws IOException {
        UdpSocket s = new UdpSocket(stack);
        try {
            s.bind(new InetSocketAddress(InetAddress.ofLiteral("::"), port));
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        return new UdpService(s, "udp-" + name + "-" + port, answer);
    }

    private void serve(Answer answer) {
        ByteBuffer request = ByteBuffer.allocate(MAX_DATAGRAM);
        ByteBuffer reply = ByteBuffer.allocate(MAX_DATAGRAM);
        while (true) {
            InetSocketAddress from;
            try {
                request.clear();
                from = socket.receive(request);
            } catch (IOException e) {
                return; // closed: with the service or the stack
            }
            request.flip();
            reply.clear();
            if (answer.answer(request, reply)) {
                reply.flip();
                try {
                    socket.send(reply, from);
                    answered++;
                } catch (IOException e) {
                    // No route back, or too big: that datagram goes unanswered and the service
                    // goes on; a closed socket ends it at the next receive.
                }
            }
        }
    }

    /** Datagrams answered so far. */
    public long answered() {
        return answered;
    }

    /** The port it serves. */
    public int port() {
        InetSocketAddress a = socket.localAddress();
        return a == null ? 0 : a.getPort();
    }

    /** Closes the socket and waits for the thread to end (an interrupt stops the wait, and stays set). */
    @Override
    public void close() {
        socket.close();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
