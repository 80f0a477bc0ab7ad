package org.tapline.rpcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.tapline.os.PcapDevice;

/**
 * Our client against the reference server's side of recorded conversations: a scripted peer on
 * loopback checks each request the client sends (its type, and its bytes where nothing varies)
 * and answers with the recorded reply. The data port in STARTCAP_REPLY is rewritten to the
 * scripted peer's own.
 */
class ClientReplayTest {

    /** Plays the server side of {@code file}: checks the client's control messages, answers, serves data. */
    private static FutureTask<List<String>> peer(ServerSocket control, ServerSocket data, String file) throws Exception {
        List<Vectors.Line> lines = Vectors.read(file);
        FutureTask<List<String>> t = new FutureTask<>(() -> {
            List<String> problems = new ArrayList<>();
            try (Socket c = control.accept()) {
                c.setSoTimeout(10_000);
                DataInputStream in = new DataInputStream(c.getInputStream());
                OutputStream out = c.getOutputStream();
                Socket d = null;
                for (Vectors.Line l : lines) {
                    if (l.fin()) {
                        continue;
                    }
                    if (l.conn().equals("ctrl") && l.dir().equals("c2s")) {
                        TestClient.Message m = TestClient.read(in);
                        if (m.type() != (l.bytes()[1] & 0xff)) {
                            problems.add("client sent type " + m.type() + ", reference client sent " + (l.bytes()[1] & 0xff));
                            return problems;
                        }
                        if (m.type() == Rpcap.MSG_AUTH_REQ || m.type() == Rpcap.MSG_OPEN_REQ || m.type() == Rpcap.MSG_STATS_REQ) {
                            byte[] ours = ByteBuffer.allocate(8 + m.payload().length).put((byte) 0).put((byte) m.type()).putShort((short) 0)
                                    .putInt(m.payload().length).put(m.payload()).array();
                            if (!java.util.Arrays.equals(ours, l.bytes())) {
                                problems.add("request " + m.type() + " differs from the reference client's");
                            }
                        }
                    } else if (l.conn().equals("ctrl")) {
                        byte[] reply = l.bytes().clone();
                        if ((reply[1] & 0xff) == (Rpcap.MSG_STARTCAP_REQ | Rpcap.REPLY)) {
                            ByteBuffer.wrap(reply).putShort(12, (short) data.getLocalPort());
                            out.write(reply);
                            out.flush();
                            d = data.accept();
                            continue;
                        }
                        out.write(reply);
                        out.flush();
                    } else if (l.conn().equals("data") && d != null) {
                        d.getOutputStream().write(l.bytes());
                        d.getOutputStream().flush();
                    }
                }
                if (d != null) {
                    d.close();
                }
            }
            return problems;
        });
        Thread.ofPlatform().daemon().start(t);
        return t;
    }

    @Test
    void listsTheInterfacesTheReferenceServerSent() throws Exception {
        try (ServerSocket control = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            FutureTask<List<String>> p = peer(control, null, "s01-nullauth-findalldevs.txt");
            SourceString src = SourceString.parse("rpcap://127.0.0.1:" + control.getLocalPort() + "/");
            List<PcapDevice> devices;
            try (RpcapClient c = RpcapClient.connect(src, null, RpcapClient.Tls.verifying())) {
                devices = c.devices();
            }
            assertEquals(List.of("any", "lo", "nflog", "nfqueue", "dbus-system", "dbus-session"), devices.stream().map(PcapDevice::name).toList());
            assertEquals("Pseudo-device that captures on all interfaces", devices.get(0).description());
            PcapDevice lo = devices.get(1);
            assertEquals(0x37, lo.flags());
            assertEquals(List.of(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("::1")),
                    lo.addresses().stream().map(PcapDevice.Address::address).toList());
            assertEquals(InetAddress.getByName("255.0.0.0"), lo.addresses().get(0).netmask());
            assertEquals(List.of(), p.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void capturesTheThreePacketsTheReferenceServerSent() throws Exception {
        try (ServerSocket control = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ServerSocket data = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            FutureTask<List<String>> p = peer(control, data, "s03a-tcp-capture-tcpdump.txt");
            SourceString src = SourceString.parse("rpcap://127.0.0.1:" + control.getLocalPort() + "/lo");
            List<byte[]> got = new ArrayList<>();
            List<Long> stamps = new ArrayList<>();
            try (RpcapClient c = RpcapClient.connect(src, null, RpcapClient.Tls.verifying());
                 RpcapLink link = c.open("lo", RpcapLink.Options.defaults().withFilter("icmp"))) {
                assertEquals(1, link.linkType());
                while (got.size() < 3) {
                    link.receive((lt, ts, len, d) -> {
                        got.add(d.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
                        stamps.add(ts);
                    }, 16, 5000);
                }
                RpcapLink.Stats s = link.stats();
                assertEquals(6, s.received());
                assertEquals(3, s.serverSent());
            }
            List<Vectors.Line> recorded = Vectors.read("s03a-tcp-capture-tcpdump.txt").stream()
                    .filter(l -> !l.fin() && l.conn().equals("data")).toList();
            for (int i = 0; i < 3; i++) {
                byte[] m = recorded.get(i).bytes();
                assertArrayEquals(java.util.Arrays.copyOfRange(m, PacketFramer.OVERHEAD, m.length), got.get(i));
                ByteBuffer b = ByteBuffer.wrap(m);
                assertEquals((b.getInt(8) & 0xffffffffL) * 1_000_000_000L + (b.getInt(12) & 0xffffffffL) * 1000L, stamps.get(i));
            }
            assertTrue(p.get(10, TimeUnit.SECONDS).isEmpty(), p.get().toString());
        }
    }
}
