package org.tapline.rpcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class HostAllowListTest {
    private static final Map<String, String[]> DNS = Map.of(
            "good", new String[] {"10.0.0.5", "fd00::5"},
            "v6only", new String[] {"fd00::7"});

    private static InetAddress[] resolve(String h) throws UnknownHostException {
        String[] r = DNS.get(h);
        if (r == null) {
            if (Character.isDigit(h.charAt(0))) {
                return new InetAddress[] {InetAddress.getByName(h)};
            }
            throw new UnknownHostException(h);
        }
        InetAddress[] out = new InetAddress[r.length];
        for (int i = 0; i < r.length; i++) {
            out[i] = InetAddress.getByName(r[i]);
        }
        return out;
    }

    @Test
    void emptyListAllowsEveryone() throws Exception {
        assertNull(new HostAllowList(List.of(), HostAllowListTest::resolve).refusal(InetAddress.getByName("192.0.2.1")));
    }

    @Test
    void matchesSameFamilyAndBytesOnly() throws Exception {
        HostAllowList l = new HostAllowList(DaemonSettings.parseHostList("v6only;good"), HostAllowListTest::resolve);
        assertNull(l.refusal(InetAddress.getByName("10.0.0.5")));
        assertNull(l.refusal(InetAddress.getByName("fd00::7")));
        assertEquals("The host is not in the allowed host list. Connection refused.", l.refusal(InetAddress.getByName("10.0.0.6")));
        assertEquals("The host is not in the allowed host list. Connection refused.",
                new HostAllowList(List.of("v6only"), HostAllowListTest::resolve).refusal(InetAddress.getByName("10.0.0.7")));
    }

    @Test
    void unresolvableEntryIsNamedUnlessALaterOneMatches() throws Exception {
        HostAllowList l = new HostAllowList(List.of("nosuchhost", "good"), HostAllowListTest::resolve);
        assertNull(l.refusal(InetAddress.getByName("10.0.0.5")));
        assertEquals("Allowed host list error: host nosuchhost could not be resolved at this time",
                l.refusal(InetAddress.getByName("10.9.9.9")));
    }
}
