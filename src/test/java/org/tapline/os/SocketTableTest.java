package org.tapline.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;

import org.junit.jupiter.api.Test;

/** proc(5) socket table lines as the kernel writes them (x86-64, little-endian words), and the live tables. */
class SocketTableTest {
    private static final String HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

    @Test
    void ipv4AndIpv6LinesGiveAddressesPortsStateUidAndInode() throws Exception {
        List<SocketTable.Entry> v4 = SocketTable.parse(HEADER
                + "   0: 0100007F:07D2 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 81234 1 0000000000000000 100 0 0 10 0\n",
                true);
        assertEquals(new SocketTable.Entry(true, new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 2002),
                new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0), SocketTable.TCP_LISTEN, 0, 81234), v4.getFirst());
        assertTrue(v4.getFirst().listening());
        List<SocketTable.Entry> v6 = SocketTable.parse(HEADER
                // fe80::1 port 2100 and ::ffff:127.0.0.1 port 54321, each 32-bit word in host (little-endian) order
                + "   1: 000080FE000000000000000001000000:0834 0000000000000000FFFF00000100007F:D431 01 00000000:00000000 00:00000000"
                + " 00000000 65534        0 99 1 0000000000000000 20 4 30 10 -1\n", true);
        SocketTable.Entry e = v6.getFirst();
        assertEquals(InetAddress.getByName("fe80::1"), e.local().getAddress());
        assertEquals(2100, e.local().getPort());
        assertEquals(InetAddress.getByName("127.0.0.1"), e.remote().getAddress(), "an IPv4-mapped address is IPv4");
        assertEquals(54321, e.remote().getPort());
        assertEquals(65534, e.uid());
        assertEquals(SocketTable.TCP_ESTABLISHED, e.state());
    }

    @Test
    void aMalformedLineIsAnErrorNamingIt() {
        IOException x = assertThrows(IOException.class, () -> SocketTable.parse(HEADER + "   0: 0100007F 00000000:0000 0A\n", true));
        assertTrue(x.getMessage().contains("0100007F"), x.getMessage());
    }

    @Test
    void theLiveTableShowsOurOwnConnectionWithOurUid() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket accepted = server.accept()) {
            int uid = Integer.parseInt(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).strip());
            assertEquals(uid, SocketTable.tcpOwner((InetSocketAddress) client.getLocalSocketAddress(),
                    (InetSocketAddress) client.getRemoteSocketAddress()).orElseThrow());
            assertTrue(SocketTable.ours().stream().anyMatch(e -> e.listening() && e.local().getPort() == server.getLocalPort()));
        }
    }
}
