package org.tapline.os;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The kernel's socket tables of this network namespace as proc(5) shows them in
 * {@code /proc/thread-self/net/{tcp,tcp6,udp,udp6}} (the calling thread's namespace): one line per socket with its local and remote
 * address, state, owning uid and inode. Addresses are written as the kernel's 32-bit words in
 * host byte order, ports as big-endian hex (net/ipv4/tcp_ipv4.c get_tcp4_sock).
 *
 * <pre>
 *   sl  local_address rem_address   st tx_queue:rx_queue tr:tm->when retrnsmt   uid  timeout inode
 *    0: 0100007F:07D2 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 81234 ...
 * </pre>
 */
public final class SocketTable {
    /** One socket: TCP or UDP, its ends, its state (TCP_LISTEN is 0x0A), owning uid and inode. */
    public record Entry(boolean tcp, InetSocketAddress local, InetSocketAddress remote, int state, int uid, long inode) {
        public boolean listening() {
            return tcp && state == TCP_LISTEN;
        }
    }

    public static final int TCP_ESTABLISHED = 0x01;
    public static final int TCP_SYN_SENT = 0x02;
    public static final int TCP_LISTEN = 0x0A;

    private static final int COL_LOCAL = 1;
    private static final int COL_REMOTE = 2;
    private static final int COL_STATE = 3;
    private static final int COL_UID = 7;
    private static final int COL_INODE = 9;
    private static final Path NET = Path.of("/proc/thread-self/net");
    private static final Path FDS = Path.of("/proc/self/fd");

    private SocketTable() {}

    /** Every TCP and UDP socket of this namespace, IPv4 and IPv6. */
    public static List<Entry> all() throws IOException {
        List<Entry> out = new ArrayList<>();
        for (String name : new String[] {"tcp", "tcp6", "udp", "udp6"}) {
            Path p = NET.resolve(name);
            if (Files.exists(p)) {
                out.addAll(parse(read(p), name.startsWith("tcp")));
            }
        }
        return out;
    }

    /** The sockets this process holds open (those whose inode is behind one of its file descriptors). */
    public static List<Entry> ours() throws IOException {
        Set<Long> inodes = socketInodes();
        return all().stream().filter(e -> inodes.contains(e.inode())).toList();
    }

    /**
     * The uid owning the TCP socket whose local end is {@code local} and remote end {@code remote}
     * (for a connection between two sockets of this host: the other side's view), if there is one.
     */
    public static OptionalInt tcpOwner(InetSocketAddress local, InetSocketAddress remote) throws IOException {
        for (Entry e : all()) {
            if (e.tcp() && same(e.local(), local) && same(e.remote(), remote)) {
                return OptionalInt.of(e.uid());
            }
        }
        return OptionalInt.empty();
    }

    private static boolean same(InetSocketAddress a, InetSocketAddress b) {
        return a.getPort() == b.getPort() && java.util.Arrays.equals(a.getAddress().getAddress(), plain(b.getAddress()).getAddress());
    }

    /** The address without scope, and an IPv4-mapped IPv6 address as IPv4. */
    private static InetAddress plain(InetAddress a) {
        try {
            return InetAddress.getByAddress(a.getAddress());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String read(Path p) throws IOException {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new IOException(p + ": " + e.getMessage(), e);
        }
    }

    private static Set<Long> socketInodes() throws IOException {
        Set<Long> out = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(FDS)) {
            for (Path fd : fds) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException closedMeanwhile) {
                    continue;
                }
                if (target.startsWith("socket:[") && target.endsWith("]")) {
                    out.add(Long.parseLong(target, 8, target.length() - 1, 10));
                }
            }
        }
        return out;
    }

    /** Parses one table's text (header line first); malformed lines are an IOException naming them. */
    public static List<Entry> parse(String text, boolean tcp) throws IOException {
        List<Entry> out = new ArrayList<>();
        String[] lines = text.split("\n");
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\\s+");
            try {
                out.add(new Entry(tcp, endpoint(f[COL_LOCAL]), endpoint(f[COL_REMOTE]), Integer.parseInt(f[COL_STATE], 16),
                        Integer.parseUnsignedInt(f[COL_UID]), Long.parseLong(f[COL_INODE])));
            } catch (RuntimeException e) {
                throw new IOException("cannot read socket table line '" + line + "': " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** "0100007F:07D2" or the 32-hex-digit IPv6 form: words in host order, then the port. */
    static InetSocketAddress endpoint(String s) throws UnknownHostException {
        int colon = s.indexOf(':');
        String hex = s.substring(0, colon);
        if (hex.length() != 8 && hex.length() != 32) {
            throw new IllegalArgumentException("address '" + hex + "' is neither 8 nor 32 hex digits");
        }
        ByteBuffer b = ByteBuffer.allocate(hex.length() / 2);
        for (int w = 0; w < hex.length(); w += 8) {
            int word = Integer.parseUnsignedInt(hex, w, w + 8, 16);
            b.putInt(toNetwork(word));
        }
        int port = Integer.parseInt(s, colon + 1, s.length(), 16);
        return new InetSocketAddress(InetAddress.getByAddress(b.array()), port);
    }

    /** The kernel printed the word as a host-order integer: its bytes in memory are the address's. */
    private static int toNetwork(int hostOrderWord) {
        return ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? Integer.reverseBytes(hostOrderWord) : hostOrderWord;
    }
}
