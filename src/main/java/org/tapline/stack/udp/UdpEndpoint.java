package org.tapline.stack.udp;

import java.nio.ByteBuffer;

import org.tapline.stack.ip.IcmpProblem;
import org.tapline.stack.ip.IpAddress;

/**
 * The protocol state of one UDP socket: its addresses, options, received datagrams and the ICMP
 * error waiting to be reported. Made by {@link UdpTransport#open}; all of it is guarded by the
 * stack's lock.
 */
public final class UdpEndpoint {
    /** Linux's net.core.rmem_default and wmem_default: what a new socket gets. */
    public static final int DEFAULT_BUFFER = 212_992;
    /** Linux's net.core.rmem_max / wmem_max: the most SO_RCVBUF / SO_SNDBUF may ask for. */
    static final int MAX_BUFFER = 212_992;
    /** Linux's SOCK_MIN_RCVBUF and SOCK_MIN_SNDBUF (a little over 2 KiB with its overheads). */
    static final int MIN_RCVBUF = 2304;
    static final int MIN_SNDBUF = 4608;

    /** Unbound and unconnected sockets are dual-stack, as Java's are on Linux. */
    IpAddress local = IpAddress.ANY_V6;
    int localPort;
    IpAddress remote;
    int remotePort;
    boolean reuseAddress;
    boolean v6Only;
    int sndbuf = DEFAULT_BUFFER;
    final DatagramQueue queue = new DatagramQueue(DEFAULT_BUFFER);
    /** The error of the last ICMP message about a datagram sent while connected (Linux's sk_err). */
    IcmpProblem pendingError;
    boolean closed;
    /** The next socket bound to the same port (chains of {@link UdpTransport}'s port table). */
    UdpEndpoint nextOnPort;
    private Runnable wakeup = () -> { };

    UdpEndpoint() {
    }

    /** Called, with the lock held, whenever a datagram or an error arrives or the socket closes. */
    public void onWakeup(Runnable r) {
        this.wakeup = r;
    }

    void wake() {
        wakeup.run();
    }

    public IpAddress localAddress() {
        return local;
    }

    /** 0 while unbound. */
    public int localPort() {
        return localPort;
    }

    /** The connected peer, or null. */
    public IpAddress remoteAddress() {
        return remote;
    }

    public int remotePort() {
        return remotePort;
    }

    public boolean isConnected() {
        return remote != null;
    }

    public boolean isClosed() {
        return closed;
    }

    public boolean hasDatagram() {
        return !queue.isEmpty();
    }

    /**
     * Takes the ICMP error waiting to be reported, or null: Linux returns sk_err once, from the
     * next call that looks (recvmsg, sendmsg), and clears it.
     */
    public IcmpProblem takeError() {
        IcmpProblem p = pendingError;
        pendingError = null;
        return p;
    }

    /** The oldest datagram's sender; only when {@link #hasDatagram}. */
    public IpAddress peekSource() {
        return queue.peekAddress();
    }

    /** Whether the oldest datagram came from {@code a}; only when {@link #hasDatagram}. */
    public boolean peekSourceIs(IpAddress a) {
        return queue.peekIs(a);
    }

    public int peekSourcePort() {
        return queue.peekPort();
    }

    /** Moves the oldest datagram into {@code dst} (truncated to fit); returns its whole length. */
    public int take(ByteBuffer dst) {
        return queue.poll(dst);
    }

    /** SO_RCVBUF as Linux sets it: doubled for bookkeeping, clamped by rmem_max, at least its minimum. */
    public void receiveBuffer(int bytes) {
        queue.limit(Math.max(MIN_RCVBUF, 2 * Math.min(Math.max(bytes, 0), MAX_BUFFER)));
    }

    public int receiveBuffer() {
        return queue.limit();
    }

    /** SO_SNDBUF likewise. Sends leave at once, so it only bounds the largest datagram. */
    public void sendBuffer(int bytes) {
        sndbuf = Math.max(MIN_SNDBUF, 2 * Math.min(Math.max(bytes, 0), MAX_BUFFER));
    }

    public int sendBuffer() {
        return sndbuf;
    }

    public void reuseAddress(boolean on) {
        reuseAddress = on;
    }

    public boolean reuseAddress() {
        return reuseAddress;
    }

    /** IPV6_V6ONLY: only before bind, as Linux allows. */
    public void v6Only(boolean on) {
        v6Only = on;
    }

    public boolean v6Only() {
        return v6Only;
    }

    /** Whether a socket bound to {@code local} takes datagrams sent to {@code a}. */
    boolean accepts(IpAddress a) {
        return local.isUnspecified() ? allowsFamilyOf(a) : local.equals(a);
    }

    /** Whether this socket may talk with {@code peer}'s family: 0.0.0.0 IPv4 only, :: both unless v6-only. */
    boolean allowsFamilyOf(IpAddress peer) {
        if (!local.isUnspecified()) {
            return local.isV4() == peer.isV4();
        }
        return covers(local, v6Only, peer);
    }

    /** Whether two bindings to one port would take some of the same datagrams. */
    boolean overlaps(IpAddress otherLocal, boolean otherV6Only) {
        if (!local.isUnspecified()) {
            return otherLocal.isUnspecified() ? covers(otherLocal, otherV6Only, local) : local.equals(otherLocal);
        }
        if (!otherLocal.isUnspecified()) {
            return accepts(otherLocal);
        }
        if (local.isV4() == otherLocal.isV4()) {
            return true;
        }
        return local.isV4() ? !otherV6Only : !v6Only;
    }

    private static boolean covers(IpAddress wildcard, boolean v6Only, IpAddress a) {
        return wildcard.isV4() ? a.isV4() : !(v6Only && a.isV4());
    }
}
