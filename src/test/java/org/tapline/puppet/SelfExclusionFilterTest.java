package org.tapline.puppet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

import org.junit.jupiter.api.Test;

/** The exclusion filters as text, over real loopback connections. */
class SelfExclusionFilterTest {
    @Test
    void ownConnectionOverIpv6IsWrittenAsTcpdumpWritesIt() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("::1"));
             Socket c = new Socket()) {
            c.connect(new InetSocketAddress(InetAddress.getByName("::1"), server.getLocalPort()));
            assertEquals("not (tcp and host ::1 and host ::1 and port " + c.getLocalPort() + " and port " + server.getLocalPort() + ")",
                    SelfExclusion.ownConnection().filter(c));
        }
    }

    @Test
    void sshManualAndNone() {
        assertEquals("not (tcp and host 192.0.2.1 and host 192.0.2.9 and port 50000 and port 22)",
                SelfExclusion.ssh("192.0.2.1 50000 192.0.2.9 22").filter(null));
        assertEquals("not (tcp and host 2001:db8::1 and host 2001:db8::2 and port 1 and port 2)",
                SelfExclusion.manual("[2001:db8::1]:1,[2001:db8::2]:2").filter(null));
        assertNull(SelfExclusion.none().filter(null));
        assertThrows(IllegalArgumentException.class, () -> SelfExclusion.ssh(null));
        assertThrows(IllegalArgumentException.class, () -> SelfExclusion.manual("10.0.0.1:99999,10.0.0.2:1"));
        assertThrows(IllegalArgumentException.class, () -> SelfExclusion.manual("host;rm:1,10.0.0.2:1"));
    }
}
