package org.tapline.stack.service;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.tapline.stack.NetStack;

/**
 * The stack's built-in services by name, as {@code --serve NAME[:PORT]} names them: each with
 * its well-known port and how to start it over UDP and over TCP.
 */
public final class Services {
    /** Starts one service on {@code port} of every address of {@code stack}; close the result to stop it. */
    @FunctionalInterface
    public interface Starter {
        AutoCloseable start(NetStack stack, int port) throws IOException;
    }

    /**
     * One service.
     *
     * @param udp how to start it over UDP, or null
     * @param tcp how to start it over TCP, or null
     */
    public record Service(String name, int port, Starter udp, Starter tcp) {}

    /** Every service, over UDP and TCP as inetd runs them. */
    private static final List<Service> ALL = List.of(
            new Service("echo", UdpEcho.PORT, UdpEcho::start, TcpEcho::start),
            new Service("discard", UdpDiscard.PORT, UdpDiscard::start, TcpDiscard::start),
            new Service("chargen", UdpChargen.PORT, UdpChargen::start, TcpChargen::start));

    private Services() {}

    public static List<Service> all() {
        return ALL;
    }

    /**
     * The service and port {@code spec} ("echo", "echo:7007") names.
     *
     * @throws IllegalArgumentException with a one-line reason
     */
    public static Request parse(String spec) {
        int colon = spec.indexOf(':');
        String name = (colon < 0 ? spec : spec.substring(0, colon)).toLowerCase(Locale.ROOT);
        Service service = null;
        for (Service s : ALL) {
            if (s.name().equals(name)) {
                service = s;
            }
        }
        if (service == null) {
            throw new IllegalArgumentException("unknown service '" + name + "' (known: " + names() + ")");
        }
        int port = service.port();
        if (colon >= 0) {
            try {
                port = Integer.parseInt(spec.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 0xffff) {
                throw new IllegalArgumentException("port '" + spec.substring(colon + 1) + "' is not 1 to 65535");
            }
        }
        return new Request(service, port);
    }

    /** A service on a port, as asked for. */
    public record Request(Service service, int port) {
        /** Starts it over every transport it has; returns what to close. */
        public List<AutoCloseable> start(NetStack stack) throws IOException {
            List<AutoCloseable> started = new ArrayList<>();
            try {
                for (Starter s : new Starter[] {service.udp(), service.tcp()}) {
                    if (s != null) {
                        started.add(s.start(stack, port));
                    }
                }
            } catch (IOException | RuntimeException e) {
                for (AutoCloseable c : started) {
                    try {
                        c.close();
                    } catch (Exception suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
                throw e;
            }
            return started;
        }

        @Override
        public String toString() {
            return service.name() + ":" + port;
        }
    }

    private static String names() {
        List<String> n = new ArrayList<>();
        for (Service s : ALL) {
            n.add(s.name());
        }
        return String.join(", ", n);
    }
}
