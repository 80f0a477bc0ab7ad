package org.tapline.stack.udp;

import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketException;

import org.tapline.stack.ip.IcmpProblem;

/** The socket errors ICMP problems become for a connected UDP socket (Linux's icmp_err_convert). */
public final class UdpErrors {
    private UdpErrors() {}

    /**
     * Whether Linux reports {@code p} to a connected socket without IP_RECVERR: the "fatal" ones
     * (port and protocol unreachable, administratively prohibited), parameter problems, and
     * fragmentation needed while path MTU discovery is on (its default for UDP).
     */
    static boolean reported(IcmpProblem p) {
        return p.isHard() || p == IcmpProblem.PARAMETER_PROBLEM || p == IcmpProblem.PACKET_TOO_BIG;
    }

    /** The exception Java's own sockets throw for {@code p}'s errno. */
    public static SocketException exception(IcmpProblem p) {
        return switch (p) {
            case PORT_UNREACHABLE -> new PortUnreachableException("Connection refused (ICMP port unreachable)");
            case PROTOCOL_UNREACHABLE -> new SocketException("Protocol not available (ICMP protocol unreachable)");
            case PACKET_TOO_BIG -> new SocketException("Message too long (ICMP fragmentation needed)");
            case PARAMETER_PROBLEM -> new SocketException("Protocol error (ICMP parameter problem)");
            default -> new NoRouteToHostException("No route to host (ICMP " + p.name().toLowerCase(java.util.Locale.ROOT) + ")");
        };
    }

    /** Throws the error waiting on {@code e}, clearing it. */
    static void throwPending(UdpEndpoint e) throws SocketException {
        IcmpProblem p = e.takeError();
        if (p != null) {
            throw exception(p);
        }
    }
}
