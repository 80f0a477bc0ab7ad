package org.tapline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tapline.lab.Lab;
import org.tapline.lab.LabExtension;

@ExtendWith(LabExtension.class)
class ListCommandTest {
    /** The address lines listed under {@code iface}. */
    private static List<String> addresses(String listing, String iface) {
        List<String> out = new ArrayList<>();
        boolean in = false;
        for (String l : listing.lines().toList()) {
            if (!l.startsWith(" ")) {
                in = l.matches("\\d+\\." + iface + "( .*)?");
            } else if (in) {
                out.add(l.strip());
            }
        }
        return out;
    }

    @Test
    void brdAndPeerAreShownOnlyWhereTheKernelHasThem(Lab lab) throws Exception {
        String ns = lab.netns("list");
        String other = lab.netns("other");
        lab.veth(ns, "veth-l", other, "veth-o");
        lab.address(ns, "veth-l", "10.71.0.1/24");                          // no broadcast (ip addr add without brd)
        lab.run(ns, "ip", "addr", "add", "10.72.0.1/24", "brd", "+", "dev", "veth-l");
        lab.address(ns, "veth-l", "10.73.0.1/32");
        lab.run(ns, "ip", "tuntap", "add", "mode", "tun", "name", "tun-l");
        lab.run(ns, "ip", "link", "set", "tun-l", "up");
        lab.run(ns, "ip", "addr", "add", "10.74.0.1", "peer", "10.74.0.2", "dev", "tun-l");
        lab.address(ns, "tun-l", "10.75.0.1/32");                             // point-to-point without a peer
        Cli r = lab.inNetns(ns, () -> Cli.run("list"));
        assertEquals(0, r.exit(), r.err());
        assertEquals(List.of("inet 10.71.0.1/24", "inet 10.72.0.1/24 brd 10.72.0.255", "inet 10.73.0.1/32"),
                addresses(r.out(), "veth-l").stream().filter(l -> l.startsWith("inet ")).toList(), r.out());
        assertEquals(List.of("inet 10.74.0.1/32 peer 10.74.0.2", "inet 10.75.0.1/32"),
                addresses(r.out(), "tun-l").stream().filter(l -> l.startsWith("inet ")).toList(), r.out());
    }
}
