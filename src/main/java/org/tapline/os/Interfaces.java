package org.tapline.os;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Interface configuration through ioctls on a datagram socket (netdevice(7)), IPv6 addresses
 * through {@code struct in6_ifreq} (SIOCSIFADDR/SIOCDIFADDR on an AF_INET6 socket), and address
 * listing through getifaddrs(3). Acts in the network namespace of the calling thread.
 */
public final class Interfaces {
    // linux/sockios.h
    static final long SIOCGIFFLAGS = 0x8913;
    static final long SIOCSIFFLAGS = 0x8914;
    static final long SIOCGIFADDR = 0x8915;
    static final long SIOCSIFADDR = 0x8916;
    static final long SIOCGIFDSTADDR = 0x8917;
    static final long SIOCSIFDSTADDR = 0x8918;
    static final long SIOCGIFBRDADDR = 0x8919;
    static final long SIOCSIFBRDADDR = 0x891a;
    static final long SIOCGIFNETMASK = 0x891b;
    static final long SIOCSIFNETMASK = 0x891c;
    static final long SIOCGIFMTU = 0x8921;
    static final long SIOCSIFMTU = 0x8922;
    static final long SIOCSIFHWADDR = 0x8924;
    static final long SIOCGIFHWADDR = 0x8927;
    static final long SIOCDIFADDR = 0x8936;

    /** linux/if.h interface flags. */
    public static final int IFF_UP = 0x1;
    public static final int IFF_BROADCAST = 0x2;
    public static final int IFF_LOOPBACK = 0x8;
    public static final int IFF_POINTOPOINT = 0x10;
    public static final int IFF_RUNNING = 0x40;
    public static final int IFF_PROMISC = 0x100;

    private static final short ARPHRD_ETHER = 1;
    /** struct sockaddr_in: family(2) port(2) addr(4) zero(8). */
    private static final int SIN_ADDR = 4;
    /** struct in6_ifreq: in6_addr(16) prefixlen(4) ifindex(4). */
    static final int IN6_IFREQ_SIZE = 24;
    /** struct ifaddrs: next, name, flags(+pad), addr, netmask, broad/dst, data. */
    static final long IFA_NEXT = 0;
    static final long IFA_NAME = 8;
    static final long IFA_FLAGS = 16;
    static final long IFA_ADDR = 24;
    static final long IFA_NETMASK = 32;
    static final long IFA_BROADDST = 40;

    /** An address on an interface, with its prefix and (IPv4) broadcast or point-to-point peer, if it has one. */
    public record Address(InetAddress address, int prefixLength, InetAddress broadcastOrPeer) {}

    private Interfaces() {}

    public static int index(String name) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Libc.newCallState(a);
            int idx = (int) Libc.IF_NAMETOINDEX.invokeExact(st, Libc.cString(a, name));
            if (idx == 0) {
                throw Libc.failure("if_nametoindex", name, st);
            }
            return idx;
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** True while an interface of that name exists (in this namespace). */
    public static boolean exists(String name) {
        try {
            index(name);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** linux/if.h: names are at most IFNAMSIZ - 1 bytes. */
    public static final int MAX_NAME = 15;

    /**
     * Why the kernel would refuse {@code name} for a new interface (net/core/dev.c dev_valid_name,
     * and dev_alloc_name for a pattern: one {@code %d} at most, no other {@code %}), or null when it
     * would take it.
     */
    public static String nameProblem(String name) {
        int bytes = name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (bytes == 0) {
            return "an interface name cannot be empty";
        }
        if (bytes > MAX_NAME) {
            return "'" + name + "' is " + bytes + " bytes long; an interface name has at most " + MAX_NAME;
        }
        if (name.equals(".") || name.equals("..")) {
            return "'" + name + "' cannot name an interface";
        }
        for (char c : name.toCharArray()) {
            if (c == '/' || c == ':' || Character.isWhitespace(c)) {
                return "'" + name + "': an interface name cannot hold '/', ':' or white space";
            }
        }
        int percent = name.indexOf('%');
        if (percent >= 0 && (!name.startsWith("%d", percent) || name.indexOf('%', percent + 2) >= 0)) {
            return "'" + name + "': the only pattern an interface name may hold is one %d (a number the kernel picks)";
        }
        return null;
    }

    public static int mtu(String name) throws IOException {
        return ioctl(name, SIOCGIFMTU, "SIOCGIFMTU", null).get(JAVA_INT, Ifreq.UNION);
    }

    public static void setMtu(String name, int mtu) throws IOException {
        ioctl(name, SIOCSIFMTU, "SIOCSIFMTU", ifr -> ifr.set(JAVA_INT, Ifreq.UNION, mtu));
    }

    public static int flags(String name) throws IOException {
        return Short.toUnsignedInt(ioctl(name, SIOCGIFFLAGS, "SIOCGIFFLAGS", null).get(JAVA_SHORT, Ifreq.UNION));
    }

    /** Sets or clears IFF_UP, leaving the other flags as they are. */
    public static void setUp(String name, boolean up) throws IOException {
        int f = flags(name);
        int nf = up ? f | IFF_UP : f & ~IFF_UP;
        ioctl(name, SIOCSIFFLAGS, "SIOCSIFFLAGS", ifr -> ifr.set(JAVA_SHORT, Ifreq.UNION, (short) nf));
    }

    public static byte[] mac(String name) throws IOException {
        MemorySegment ifr = ioctl(name, SIOCGIFHWADDR, "SIOCGIFHWADDR", null);
        return ifr.asSlice(Ifreq.UNION + 2, 6).toArray(JAVA_BYTE);
    }

    public static void setMac(String name, byte[] mac) throws IOException {
        if (mac.length != 6) {
            throw new IllegalArgumentException("a MAC address has 6 bytes, not " + mac.length);
        }
        ioctl(name, SIOCSIFHWADDR, "SIOCSIFHWADDR", ifr -> {
            ifr.set(JAVA_SHORT, Ifreq.UNION, ARPHRD_ETHER);
            MemorySegment.copy(mac, 0, ifr, JAVA_BYTE, Ifreq.UNION + 2, 6);
        });
    }

    public static Inet4Address ipv4Address(String name) throws IOException {
        return sockaddrIn(ioctl(name, SIOCGIFADDR, "SIOCGIFADDR", null));
    }

    public static Inet4Address ipv4Netmask(String name) throws IOException {
        return sockaddrIn(ioctl(name, SIOCGIFNETMASK, "SIOCGIFNETMASK", null));
    }

    public static Inet4Address ipv4Broadcast(String name) throws IOException {
        return sockaddrIn(ioctl(name, SIOCGIFBRDADDR, "SIOCGIFBRDADDR", null));
    }

    public static Inet4Address ipv4PeerAddress(String name) throws IOException {
        return sockaddrIn(ioctl(name, SIOCGIFDSTADDR, "SIOCGIFDSTADDR", null));
    }

    public static void setIpv4Address(String name, Inet4Address a) throws IOException {
        ioctl(name, SIOCSIFADDR, "SIOCSIFADDR", ifr -> putSockaddrIn(ifr, a));
    }

    public static void setIpv4Netmask(String name, Inet4Address a) throws IOException {
        ioctl(name, SIOCSIFNETMASK, "SIOCSIFNETMASK", ifr -> putSockaddrIn(ifr, a));
    }

    public static void setIpv4Broadcast(String name, Inet4Address a) throws IOException {
        ioctl(name, SIOCSIFBRDADDR, "SIOCSIFBRDADDR", ifr -> putSockaddrIn(ifr, a));
    }

    public static void setIpv4PeerAddress(String name, Inet4Address a) throws IOException {
        ioctl(name, SIOCSIFDSTADDR, "SIOCSIFDSTADDR", ifr -> putSockaddrIn(ifr, a));
    }

    public static void addIpv6Address(String name, Inet6Address a, int prefixLength) throws IOException {
        in6Ioctl(name, a, prefixLength, SIOCSIFADDR, "SIOCSIFADDR");
    }

    public static void removeIpv6Address(String name, Inet6Address a, int prefixLength) throws IOException {
        in6Ioctl(name, a, prefixLength, SIOCDIFADDR, "SIOCDIFADDR");
    }

    /** The IPv4 and IPv6 addresses of one interface, as getifaddrs(3) reports them. */
    public static List<Address> addresses(String name) throws IOException {
        List<Address> out = new ArrayList<>();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Libc.newCallState(a);
            MemorySegment head = a.allocate(ADDRESS);
            Libc.check((int) Libc.GETIFADDRS.invokeExact(st, head), "getifaddrs", name, st);
            MemorySegment first = head.get(ADDRESS, 0);
            try {
                for (MemorySegment p = first; !p.equals(MemorySegment.NULL); p = p.get(ADDRESS, IFA_NEXT)) {
                    p = p.reinterpret(56);
                    if (!name.equals(p.get(ADDRESS, IFA_NAME).reinterpret(64).getString(0))) {
                        continue;
                    }
                    InetAddress addr = Sockaddrs.toInet(p.get(ADDRESS, IFA_ADDR));
                    if (addr == null) {
                        continue;
                    }
                    int prefix = Sockaddrs.prefixLength(p.get(ADDRESS, IFA_NETMASK));
                    int flags = p.get(JAVA_INT, IFA_FLAGS);
                    InetAddress other = (flags & (IFF_BROADCAST | IFF_POINTOPOINT)) != 0 && addr instanceof Inet4Address
                            ? Sockaddrs.toInet(p.get(ADDRESS, IFA_BROADDST)) : null;
                    if (addr.equals(other)) {
                        other = null; // glibc puts the address itself there when the kernel gave no broadcast or peer
                    }
                    out.add(new Address(addr, prefix, other));
                }
            } finally {
                Libc.FREEIFADDRS.invokeExact(first);
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        return out;
    }

    private interface Filler {
        void fill(MemorySegment ifr);
    }

    /** Runs one ifreq ioctl on a fresh AF_INET datagram socket; returns a heap copy of the ifreq. */
    private static MemorySegment ioctl(String name, long request, String requestName, Filler filler) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Libc.newCallState(a);
            MemorySegment ifr = Ifreq.allocate(a, name);
            if (filler != null) {
                filler.fill(ifr);
            }
            int s = Libc.check((int) Libc.SOCKET.invokeExact(st, Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0),
                    "socket(AF_INET)", name, st);
            try {
                Libc.check((int) Libc.IOCTL_PTR.invokeExact(st, s, request, ifr), "ioctl(" + requestName + ")", name, st);
            } finally {
                Libc.uncheckedClose(s);
            }
            MemorySegment copy = MemorySegment.ofArray(new long[Ifreq.SIZE / Long.BYTES]);
            copy.copyFrom(ifr);
            return copy;
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    private static void in6Ioctl(String name, Inet6Address addr, int prefix, long request, String requestName) throws IOException {
        if (prefix < 0 || prefix > 128) {
            throw new IllegalArgumentException("IPv6 prefix length " + prefix + " is not in 0..128");
        }
        int index = index(name);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Libc.newCallState(a);
            MemorySegment req = a.allocate(IN6_IFREQ_SIZE, 4);
            MemorySegment.copy(addr.getAddress(), 0, req, JAVA_BYTE, 0, 16);
            req.set(JAVA_INT, 16, prefix);
            req.set(JAVA_INT, 20, index);
            int s = Libc.check((int) Libc.SOCKET.invokeExact(st, Libc.AF_INET6, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0),
                    "socket(AF_INET6)", name, st);
            try {
                Libc.check((int) Libc.IOCTL_PTR.invokeExact(st, s, request, req),
                        "ioctl(" + requestName + ", " + addr.getHostAddress() + "/" + prefix + ")", name, st);
            } finally {
                Libc.uncheckedClose(s);
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    private static Inet4Address sockaddrIn(MemorySegment ifr) throws UnknownHostException {
        return (Inet4Address) InetAddress.getByAddress(ifr.asSlice(Ifreq.UNION + SIN_ADDR, 4).toArray(JAVA_BYTE));
    }

    private static void putSockaddrIn(MemorySegment ifr, Inet4Address a) {
        ifr.set(JAVA_SHORT, Ifreq.UNION, (short) Libc.AF_INET);
        MemorySegment.copy(a.getAddress(), 0, ifr, JAVA_BYTE, Ifreq.UNION + SIN_ADDR, 4);
    }

}
