package org.tapline.rpcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tapline.os.BpfCodes;
import org.tapline.os.BpfProgram;
import org.tapline.os.PcapDevice;

/** The pure codec against every recorded message of the reference (test resources vectors/rpcap). */
class CodecTest {

    static List<Vectors.Line> all() throws Exception {
        List<Vectors.Line> out = new ArrayList<>();
        try (var s = Files.list(Vectors.DIR)) {
            for (var f : s.filter(p -> p.getFileName().toString().matches("s.*\\.txt")).sorted().toList()) {
                out.addAll(Vectors.read(f.getFileName().toString()));
            }
        }
        return out;
    }

    @Test
    void everyRecordedReplyIsWhatOurEmittersWrite() throws Exception {
        int checked = 0;
        for (Vectors.Line l : all()) {
            if (l.fin() || l.malformed() || !l.dir().equals("s2c") || l.bytes().length < 8 || l.bytes()[0] > 1) {
                continue;
            }
            byte[] b = l.bytes();
            ByteBuffer m = ByteBuffer.wrap(b);
            RpcapHeader h = RpcapHeader.parse(m.duplicate());
            assertEquals(b.length - 8, h.plen(), "plen of " + HexFormat.of().formatHex(b));
            byte[] ours = switch (h.type()) {
                case Rpcap.MSG_ERROR -> Replies.error(h.version(), h.value(), new String(b, 8, b.length - 8, StandardCharsets.UTF_8));
                case Rpcap.MSG_AUTH_REQ | Rpcap.REPLY -> Replies.auth();
                case Rpcap.MSG_OPEN_REQ | Rpcap.REPLY -> Replies.open(h.version(), m.getInt(8));
                case Rpcap.MSG_STARTCAP_REQ | Rpcap.REPLY -> Replies.startCapture(h.version(), m.getInt(8), m.getShort(12) & 0xffff);
                case Rpcap.MSG_STATS_REQ | Rpcap.REPLY -> Replies.stats(h.version(), m.getInt(8), m.getInt(12), m.getInt(16), m.getInt(20));
                case Rpcap.MSG_UPDATEFILTER_REQ | Rpcap.REPLY, Rpcap.MSG_ENDCAP_REQ | Rpcap.REPLY,
                     Rpcap.MSG_SETSAMPLING_REQ | Rpcap.REPLY -> Replies.empty(h.version(), h.type() & ~Rpcap.REPLY);
                case Rpcap.MSG_FINDALLIF_REQ | Rpcap.REPLY -> Replies.findAllInterfaces(h.version(), ClientCodec.devices(h.value(), java.util.Arrays.copyOfRange(b, 8, b.length)));
                case Rpcap.MSG_PACKET -> packet(b);
                default -> null;
            };
            if (ours == null) {
                continue;
            }
            assertArrayEquals(b, ours, "type 0x" + Integer.toHexString(h.type()) + ": " + HexFormat.of().formatHex(b));
            checked++;
        }
        assertTrue(checked > 100, "only " + checked + " replies checked");
    }

    /** Re-frames a recorded PACKET with our framer. */
    private static byte[] packet(byte[] b) {
        ByteBuffer m = ByteBuffer.wrap(b);
        int caplen = m.getInt(16);
        if (caplen != b.length - PacketFramer.OVERHEAD) {
            return null; // s09: the reference's 16-bit plen (Q1); what we send instead is in RpcapdLabTest
        }
        PacketFramer f = new PacketFramer(ByteBuffer.allocate(b.length));
        long ts = (m.getInt(8) & 0xffffffffL) * 1_000_000_000L + (m.getInt(12) & 0xffffffffL) * 1000L;
        f.add(ts, m.getInt(20), m.getInt(24) & 0xffffffffL, java.lang.foreign.MemorySegment.ofArray(b).asSlice(28, caplen));
        return f.buffer().array();
    }

    @Test
    void everyRecordedRequestParses() throws Exception {
        int parsed = 0;
        for (Vectors.Line l : all()) {
            if (l.fin() || l.malformed() || !l.dir().equals("c2s") || !l.conn().equals("ctrl") || l.bytes().length < 8) {
                continue;
            }
            RpcapHeader h = RpcapHeader.parse(l.bytes());
            byte[] p = java.util.Arrays.copyOfRange(l.bytes(), 8, l.bytes().length);
            if (h.version() != 0 || p.length != h.plen()) {
                continue;
            }
            try {
                switch (h.type()) {
                    case Rpcap.MSG_AUTH_REQ -> assertNotNull(Requests.auth(p));
                    case Rpcap.MSG_STARTCAP_REQ -> assertNotNull(Requests.startCapture(p));
                    case Rpcap.MSG_UPDATEFILTER_REQ -> assertNotNull(Requests.filter(ByteBuffer.wrap(p), Rpcap.ERR_UPDATEFILTER));
                    case Rpcap.MSG_SETSAMPLING_REQ -> assertNotNull(Requests.sampling(p));
                    case Rpcap.MSG_OPEN_REQ -> assertNotNull(Requests.open(p, p.length));
                    default -> { }
                }
                parsed++;
            } catch (RpcapProtocolException e) {
                // the bad-input vectors: each refusal names a reference error code
                assertTrue(e.code() >= Rpcap.ERR_AUTH && e.code() <= Rpcap.ERR_AUTH_TYPE_NOTSUP, e.getMessage());
            }
        }
        assertTrue(parsed > 50, "parsed " + parsed);
    }

    @Test
    void tcpdumpsUdpPort9999ProgramFromTheFactSheetIsAccepted() throws Exception {
        BpfProgram p = BpfCodes.compile(1, 262144, "udp port 9999");
        assertNull(BpfCheck.problem(p));
        assertEquals(20, p.length());
    }

    @Test
    void programsTheKernelRefusesAreRefused() {
        BpfProgram.Instruction ret = new BpfProgram.Instruction(0x06, 0, 0, 0);
        assertNull(BpfCheck.problem(new BpfProgram(List.of(ret))));
        assertNotNull(BpfCheck.problem(new BpfProgram(List.of())), "empty");
        assertNotNull(BpfCheck.problem(new BpfProgram(List.of(new BpfProgram.Instruction(0x00, 0, 0, 1)))), "no final RET");
        assertNotNull(BpfCheck.problem(new BpfProgram(List.of(new BpfProgram.Instruction(0x60, 0, 0, 16), ret))), "M[16]");
        assertNotNull(BpfCheck.problem(new BpfProgram(List.of(new BpfProgram.Instruction(0x02, 0, 0, 99), ret))), "ST M[99]");
        assertNotNull(BpfCheck.problem(new BpfProgram(List.of(new BpfProgram.Instruction(0x34, 0, 0, 0), ret))), "div #0");
        assertNotNull(BpfCheck.problem(new BpfProgram(List.of(new BpfProgram.Instruction(0x94, 0, 0, 0), ret))), "mod #0");
        assertNull(BpfCheck.problem(new BpfProgram(List.of(new BpfProgram.Instruction(0x3c, 0, 0, 0), ret))), "div x is checked at run time");
        assertNotNull(BpfCheck.problem(new BpfProgram(List.of(new BpfProgram.Instruction(0x05, 0, 0, -1), ret))), "backward ja");
        assertNotNull(BpfCheck.problem(new BpfProgram(List.of(new BpfProgram.Instruction(0x05, 0, 0, 1), ret))), "ja past the end");
        assertNotNull(BpfCheck.problem(new BpfProgram(List.of(new BpfProgram.Instruction(0x15, 1, 0, 0), ret))), "jt past the end");
        assertNotNull(BpfCheck.problem(new BpfProgram(List.of(new BpfProgram.Instruction(0xffff, 0, 0, 0), ret))), "unknown opcode");
        assertNotNull(BpfCheck.problem(new BpfProgram(java.util.Collections.nCopies(8193, ret))), "too long");
    }

    @Test
    void filterBlocksAreBoundedBeforeAllocation() {
        ByteBuffer huge = ByteBuffer.allocate(8).putShort((short) 1).putShort((short) 0).putInt(0x7fffffff).flip();
        RpcapProtocolException e = assertThrows(RpcapProtocolException.class, () -> Requests.filter(huge, Rpcap.ERR_STARTCAPTURE));
        assertEquals(Rpcap.ERR_STARTCAPTURE, e.code());
        ByteBuffer shortOne = ByteBuffer.allocate(16).putShort((short) 1).putShort((short) 0).putInt(2).flip();
        assertEquals("Message payload is too short", assertThrows(RpcapProtocolException.class,
                () -> Requests.filter(shortOne, Rpcap.ERR_UPDATEFILTER)).getMessage());
        byte[] auth = HexFormat.of().parseHex("00010000ffffffff");
        assertEquals(Rpcap.ERR_AUTH, assertThrows(RpcapProtocolException.class, () -> Requests.auth(auth)).code());
    }

    @Test
    void randomRequestsOnlyEverGiveProtocolErrors() throws Exception {
        Random rnd = new Random(2002);
        LoginGuard guard = new LoginGuard(java.time.Clock.systemUTC());
        Authenticator auth = new Authenticator(true, Passwords.none(), guard);
        for (int i = 0; i < 20000; i++) {
            byte[] p = new byte[rnd.nextInt(64)];
            rnd.nextBytes(p);
            int type = rnd.nextInt(256);
            ServerSession s = new ServerSession(auth, InetAddress.getLoopbackAddress(), new NoHost(), false);
            s.handle(new RpcapHeader(0, Rpcap.MSG_AUTH_REQ, 0, 8), new byte[8]);
            RpcapHeader h = new RpcapHeader(rnd.nextInt(4) == 0 ? rnd.nextInt(256) : 0, type, rnd.nextInt(65536), p.length);
            ServerSession.Reply r = s.handle(h, p);
            assertNotNull(r);
            for (byte[] m : r.messages()) {
                assertEquals(m.length - 8, ByteBuffer.wrap(m).getInt(4), "every reply's plen is its length");
            }
        }
        guard.close();
    }

    /** A host with no devices that refuses every open: the fuzz test must not reach the machine's interfaces. */
    static final class NoHost implements ServerSession.Host {
        @Override
        public List<PcapDevice> devices() {
            return List.of();
        }

        @Override
        public int linkType(String device) throws java.io.IOException {
            throw new java.io.IOException(device + ": No such device exists");
        }

        @Override
        public ServerSession.Capture start(String device, Requests.StartCapture request) throws java.io.IOException {
            throw new java.io.IOException("no capture in this test");
        }
    }
}
