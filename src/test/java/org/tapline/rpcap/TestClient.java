package org.tapline.rpcap;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.tapline.os.BpfCodes;
import org.tapline.os.BpfProgram;

/**
 * A small RPCAP client for the daemon's lab tests, speaking the protocol as libpcap's client
 * does (docs/RPCAP.md §5): auth, open, startcap with a filter compiled by libpcap for the remote
 * link type, the data connection, stats, close.
 */
final class TestClient implements AutoCloseable {
    record Message(int version, int type, int value, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /** One PACKET: header fields and the data. */
    record Pkt(long sec, long usec, int caplen, int len, long npkt, byte[] data) {}

    final Socket control;
    private final DataInputStream in;
    private final OutputStream out;
    int linkType;
    Socket data;
    DatagramSocket udp;

    TestClient(Socket control) throws IOException {
        this.control = control;
        control.setSoTimeout(10_000);
        this.in = new DataInputStream(control.getInputStream());
        this.out = control.getOutputStream();
    }

    TestClient(String host, int port) throws IOException {
        this(new Socket(host, port));
    }

    void send(int type, byte[] payload) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + payload.length);
        b.put((byte) 0).put((byte) type).putShort((short) 0).putInt(payload.length).put(payload);
        out.write(b.array());
        out.flush();
    }

    static Message read(DataInputStream in) throws IOException {
        byte[] h = new byte[8];
        in.readFully(h);
        ByteBuffer b = ByteBuffer.wrap(h);
        int plen = b.getInt(4);
        if (plen < 0 || plen > 1 << 20) {
            throw new IOException("absurd plen " + plen);
        }
        byte[] p = new byte[plen];
        in.readFully(p);
        return new Message(h[0] & 0xff, h[1] & 0xff, b.getShort(2) & 0xffff, p);
    }

    Message request(int type, byte[] payload) throws IOException {
        send(type, payload);
        return read(in);
    }

    Message authNull() throws IOException {
        return request(Rpcap.MSG_AUTH_REQ, new byte[8]);
    }

    Message authPassword(String user, String pw) throws IOException {
        byte[] u = user.getBytes(StandardCharsets.UTF_8);
        byte[] p = pw.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + u.length + p.length);
        b.putShort((short) 1).putShort((short) 0).putShort((short) u.length).putShort((short) p.length).put(u).put(p);
        return request(Rpcap.MSG_AUTH_REQ, b.array());
    }

    Message open(String device) throws IOException {
        Message m = request(Rpcap.MSG_OPEN_REQ, device.getBytes(StandardCharsets.UTF_8));
        if (m.type() == (Rpcap.MSG_OPEN_REQ | Rpcap.REPLY)) {
            linkType = ByteBuffer.wrap(m.payload()).getInt(0);
        }
        return m;
    }

    static byte[] filter(BpfProgram p) {
        ByteBuffer b = ByteBuffer.allocate(8 + 8 * p.length());
        b.putShort((short) 1).putShort((short) 0).putInt(p.length());
        for (BpfProgram.Instruction i : p.instructions()) {
            b.putShort((short) i.code()).put((byte) i.jt()).put((byte) i.jf()).putInt(i.k());
        }
        return b.array();
    }

    /** STARTCAP over TCP (passive) or UDP; connects the data channel. Returns the reply or the error. */
    Message startCapture(String expression, int snaplen, boolean useUdp) throws IOException {
        byte[] f = filter(BpfCodes.compile(linkType, snaplen, expression));
        int flags = Rpcap.FLAG_PROMISC;
        int port = 0;
        if (useUdp) {
            udp = new DatagramSocket(0, control.getLocalAddress());
            udp.setSoTimeout(10_000);
            port = udp.getLocalPort();
            flags |= Rpcap.FLAG_DGRAM;
        }
        ByteBuffer b = ByteBuffer.allocate(12 + f.length);
        b.putInt(snaplen).putInt(500).putShort((short) flags).putShort((short) port).put(f);
        Message m = request(Rpcap.MSG_STARTCAP_REQ, b.array());
        if (m.type() == (Rpcap.MSG_STARTCAP_REQ | Rpcap.REPLY) && !useUdp) {
            int dataPort = ByteBuffer.wrap(m.payload()).getShort(4) & 0xffff;
            data = new Socket(control.getInetAddress(), dataPort);
            data.setSoTimeout(10_000);
        }
        return m;
    }

    /** Reads {@code n} PACKET messages from the data channel. */
    List<Pkt> packets(int n) throws IOException {
        List<Pkt> out = new ArrayList<>();
        DataInputStream d = data == null ? null : new DataInputStream(data.getInputStream());
        for (int i = 0; i < n; i++) {
            Message m;
            if (d != null) {
                m = read(d);
            } else {
                byte[] buf = new byte[70000];
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                udp.receive(p);
                m = read(new DataInputStream(new java.io.ByteArrayInputStream(buf, 0, p.getLength())));
            }
            if (m.type() != Rpcap.MSG_PACKET) {
                throw new IOException("expected PACKET, got type " + m.type());
            }
            ByteBuffer b = ByteBuffer.wrap(m.payload());
            int caplen = b.getInt(8);
            if (caplen != m.payload().length - 20) {
                throw new IOException("caplen " + caplen + " does not match plen " + (m.payload().length + 8));
            }
            out.add(new Pkt(b.getInt(0) & 0xffffffffL, b.getInt(4) & 0xffffffffL, caplen, b.getInt(12), b.getInt(16) & 0xffffffffL,
                    java.util.Arrays.copyOfRange(m.payload(), 20, m.payload().length)));
        }
        return out;
    }

    InputStream controlInput() {
        return in;
    }

    @Override
    public void close() throws IOException {
        try {
            send(Rpcap.MSG_CLOSE, new byte[0]);
        } catch (IOException ignored) {
            // already gone
        }
        if (data != null) {
            data.close();
        }
        if (udp != null) {
            udp.close();
        }
        control.close();
    }
}
