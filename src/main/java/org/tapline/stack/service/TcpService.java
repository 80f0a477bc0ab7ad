package org.tapline.stack.service;

import java.io.Closeable;
import java.io.IOException;
import java.net.SocketException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.tapline.stack.NetStack;
import org.tapline.stack.TcpServerSocket;
import org.tapline.stack.TcpSocket;

/**
 * A built-in TCP service: a listener on a port whose accept loop and connections run on virtual
 * threads. {@link #close} stops listening and closes the connections still open.
 */
public final class TcpService implements Closeable {
    /** What a service does with one connection; the socket is closed after it returns. */
    @FunctionalInterface
    public interface Handler {
        void serve(TcpSocket s) throws IOException;
    }

    private final TcpServerSocket server;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final String name;

    private TcpService(String name, TcpServerSocket server) {
        this.name = name;
        this.server = server;
    }

    /** Listens on {@code port} of every address of the stack and serves each connection with {@code handler}. */
    public static TcpService start(NetStack stack, int port, String name, Handler handler) throws IOException {
        TcpService s = new TcpService(name, TcpServerSocket.listen(stack, port, TcpServerSocket.DEFAULT_BACKLOG));
        s.threads.submit(() -> s.acceptLoop(handler));
        return s;
    }

    /** The service's name (echo, discard, chargen). */
    public String name() {
        return name;
    }

    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop(Handler handler) {
        while (true) {
            TcpSocket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            threads.submit(() -> {
                try (s) {
                    handler.serve(s);
                } catch (SocketException e) {
                    // the peer reset or the service closed: the connection is over
                } catch (IOException e) {
                    // a connection failure ends that connection only
                }
            });
        }
    }

    /** Stops listening, interrupts the connections' threads and waits (up to 10 s) until they ended. */
    @Override
    public void close() {
        server.close();
        threads.shutdownNow();
        try {
            threads.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
