package org.tapline.os;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tapline.lab.Lab;
import org.tapline.lab.LabExtension;

@ExtendWith(LabExtension.class)
class InterfacesTest {

    @Test
    void configurationRoundTripsAsIpSeesIt(Lab lab) throws Exception {
        String a = lab.netns("cfg");
        String b = lab.netns("cfgpeer");
        lab.veth(a, "tl-cfg0", b, "tl-cfg1");
        lab.inNetns(a, () -> {
            String dev = "tl-cfg0";
            Interfaces.setUp(dev, false);
            Interfaces.setMtu(dev, 1400);
            byte[] mac = HexFormat.of().parseHex("02123456789a");
            Interfaces.setMac(dev, mac);
            Interfaces.setIpv4Address(dev, v4("10.80.1.5"));
            Interfaces.setIpv4Netmask(dev, v4("255.255.255.0"));
            Interfaces.setIpv4Broadcast(dev, v4("10.80.1.255"));
            Interfaces.addIpv6Address(dev, (Inet6Address) InetAddress.getByName("fd00:80::5"), 64);
            Interfaces.setUp(dev, true);

            String link = lab.run(a, "ip", "-o", "link", "show", dev);
            assertTrue(link.contains("mtu 1400"), link);
            assertTrue(link.contains("link/ether 02:12:34:56:78:9a"), link);
            assertTrue(link.contains(",UP"), link);
            String addr = lab.run(a, "ip", "-o", "addr", "show", dev);
            assertTrue(addr.contains("inet 10.80.1.5/24 brd 10.80.1.255"), addr);
            assertTrue(addr.contains("inet6 fd00:80::5/64"), addr);

            assertEquals(1400, Interfaces.mtu(dev));
            assertArrayEquals(mac, Interfaces.mac(dev));
            assertEquals(v4("10.80.1.5"), Interfaces.ipv4Address(dev));
            assertEquals(v4("255.255.255.0"), Interfaces.ipv4Netmask(dev));
            assertEquals(v4("10.80.1.255"), Interfaces.ipv4Broadcast(dev));
            assertTrue((Interfaces.flags(dev) & Interfaces.IFF_UP) != 0);
            assertTrue(Interfaces.addresses(dev).contains(
                    new Interfaces.Address(InetAddress.getByName("fd00:80::5"), 64, null)), Interfaces.addresses(dev).toString());
            assertTrue(Interfaces.addresses(dev).contains(
                    new Interfaces.Address(v4("10.80.1.5"), 24, v4("10.80.1.255"))), Interfaces.addresses(dev).toString());

            Interfaces.removeIpv6Address(dev, (Inet6Address) InetAddress.getByName("fd00:80::5"), 64);
            assertFalse(lab.run(a, "ip", "-o", "addr", "show", dev).contains("fd00:80::5"));
            return null;
        });
    }

    @Test
    void pointToPointPeerAddressOnATun(Lab lab) throws Exception {
        String a = lab.netns("ptp");
        lab.inNetns(a, () -> {
            try (TunDevice tun = TunDevice.open("tl-tun0", TunDevice.Mode.TUN)) {
                Interfaces.setIpv4Address("tl-tun0", v4("10.81.0.1"));
                Interfaces.setIpv4PeerAddress("tl-tun0", v4("10.81.0.2"));
                assertEquals(v4("10.81.0.2"), Interfaces.ipv4PeerAddress("tl-tun0"));
                String addr = lab.run(a, "ip", "-o", "addr", "show", "tl-tun0");
                assertTrue(addr.contains("inet 10.81.0.1 peer 10.81.0.2"), addr);
            }
            return null;
        });
    }

    @Test
    void errorsNameTheCallTheInterfaceAndTheReason(Lab lab) throws Exception {
        String a = lab.netns("err");
        NativeException e = lab.inNetns(a, () -> assertThrows(NativeException.class, () -> Interfaces.mtu("tl-nosuch0")));
        assertEquals("ioctl(SIOCGIFMTU) on tl-nosuch0: No such device", e.getMessage());
        assertEquals(Errno.ENODEV, e.errno());
    }

    private static Inet4Address v4(String s) throws Exception {
        return (Inet4Address) InetAddress.getByName(s);
    }
}
