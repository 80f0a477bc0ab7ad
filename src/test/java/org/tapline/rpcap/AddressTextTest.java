package org.tapline.rpcap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

/** Address text; a link-local peer's zone is checked against a real daemon in RpcapdLogTest. */
class AddressTextTest {
    private static final byte[] FE80_1 = {(byte) 0xfe, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

    @Test
    void addressesAreWrittenAsPeopleWriteThem() throws Exception {
        assertEquals("10.0.0.1:2002", AddressText.of(new InetSocketAddress(InetAddress.getByName("10.0.0.1"), 2002)));
        assertEquals("0.0.0.0:2002", AddressText.of(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 2002)));
        assertEquals("[::]:2002", AddressText.of(new InetSocketAddress(InetAddress.getByName("::"), 2002)));
        assertEquals("[2001:db8::7]:2002", AddressText.of(new InetSocketAddress(InetAddress.getByName("2001:db8:0:0:0:0:0:7"), 2002)));
        assertEquals("[fe80::1%5]:2002", AddressText.of(new InetSocketAddress(Inet6Address.getByAddress(null, FE80_1, 5), 2002)));
        assertEquals("server.example:2003", AddressText.of(InetSocketAddress.createUnresolved("server.example", 2003)));
        assertEquals("[2001:db8::7]:2003", AddressText.of(InetSocketAddress.createUnresolved("2001:db8::7", 2003)));
    }
}
