package org.tapline.rpcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SourceStringTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "eth0                          | LOCAL  |          |    0 | eth0      | false",
        "a:b                           | LOCAL  |          |    0 | a:b       | false",
        "rpcap://eth0                  | LOCAL  |          |    0 | eth0      | false",
        "file:///tmp/x.pcap            | FILE   |          |    0 | /tmp/x.pcap | false",
        "FILE://rel/x.pcap             | FILE   |          |    0 | rel/x.pcap | false",
        "rpcap://host/eth0             | REMOTE | host     | 2002 | eth0      | false",
        "rpcap://10.0.0.1:2003/eth0    | REMOTE | 10.0.0.1 | 2003 | eth0      | false",
        "rpcaps://host/eth0            | REMOTE | host     | 2002 | eth0      | true",
        "rpcap://[::1]:2002/lo         | REMOTE | ::1      | 2002 | lo        | false",
        "rpcap://[10.1.2.3]/eth0       | REMOTE | 10.1.2.3 | 2002 | eth0      | false",
        "rpcap://host/                 | REMOTE | host     | 2002 | ''        | false",
        "rpcap://host/dev/with/slash   | REMOTE | host     | 2002 | dev/with/slash | false",
    })
    void acceptedForms(String s, SourceString.Kind kind, String host, int port, String device, boolean tls) {
        SourceString p = SourceString.parse(s);
        assertEquals(kind, p.kind());
        assertEquals(host, p.host());
        assertEquals(port, p.port());
        assertEquals(device, p.device());
        assertEquals(tls, p.tls());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "RPCAP://host/eth0      | URL scheme is not supported",
        "http://host/eth0       | URL scheme is not supported",
        "rpcap://[::1/lo        | doesn't end with ]",
        "rpcap://[::1]x/lo      | Extra text after IP-literal",
        "rpcap://::1/lo         | must be in brackets",
        "rpcap://user:pw@h/eth0 | not supported",
        "rpcap://h:0/eth0       | not a port number",
        "rpcap://h:70000/eth0   | not a port number",
        "rpcap://h:ssh/eth0     | not a port number",
        "rpcap://               | must include the device name",
        "rpcap:///eth0          | no host name",
        "file://                | needs a path",
    })
    void refusedForms(String s, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SourceString.parse(s));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
