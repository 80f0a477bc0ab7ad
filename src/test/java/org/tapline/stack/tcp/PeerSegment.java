package org.tapline.stack.tcp;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

import org.tapline.packet.Checksum;
import org.tapline.packet.IpPacket;
import org.tapline.packet.Tcp;
import org.tapline.stack.ip.IpAddress;

/** A segment the test peer sends, built field by field here (not by the code under test). */
final class PeerSegment {
    int sport = 40000;
    int dport = 80;
    long seq;
    long ack;
    int flags;
    int window = 65535;
    byte[] payload = new byte[0];
    private final ByteArrayOutputStream opts = new ByteArrayOutputStream();

    static PeerSegment of(int flags, long seq, long ack) {
        PeerSegment s = new PeerSegment();
        s.flags = flags;
        s.seq = seq;
        s.ack = ack;
        return s;
    }

    static PeerSegment syn(long seq) {
        return of(Tcp.SYN, seq, 0);
    }

    static PeerSegment ack(long seq, long ack) {
        return of(Tcp.ACK_FLAG, seq, ack);
    }

    PeerSegment ports(int s, int d) {
        sport = s;
        dport = d;
        return this;
    }

    PeerSegment window(int w) {
        window = w;
        return this;
    }

    PeerSegment data(byte[] d) {
        payload = d;
        return this;
    }

    PeerSegment data(int n) {
        payload = new byte[n];
        for (int i = 0; i < n; i++) {
            payload[i] = (byte) (seq + i);
        }
        return this;
    }

    PeerSegment mss(int mss) {
        opts.write(2);
        opts.write(4);
        opts.write(mss >> 8);
        opts.write(mss);
        return this;
    }

    PeerSegment ws(int shift) {
        opts.write(1);
        opts.write(3);
        opts.write(3);
        opts.write(shift);
        return this;
    }

    PeerSegment sackOk() {
        opts.write(1);
        opts.write(1);
        opts.write(4);
        opts.write(2);
        return this;
    }

    PeerSegment ts(long val, long ecr) {
        opts.write(1);
        opts.write(1);
        opts.write(8);
        opts.write(10);
        opts.writeBytes(ByteBuffer.allocate(8).putInt((int) val).putInt((int) ecr).array());
        return this;
    }

    byte[] bytes(IpAddress src, IpAddress dst) {
        byte[] o = opts.toByteArray();
        int h = 20 + o.length;
        ByteBuffer b = ByteBuffer.allocate(h + payload.length);
        b.putShort((short) sport).putShort((short) dport).putInt((int) seq).putInt((int) ack);
        b.put((byte) ((h / 4) << 4)).put((byte) flags).putShort((short) window).putShort((short) 0).putShort((short) 0);
        b.put(o).put(payload);
        byte[] out = b.array();
        MemorySegment m = MemorySegment.ofArray(out);
        long sum = IpAddress.pseudoHeaderSum(src, dst, IpPacket.PROTO_TCP, out.length) + Checksum.sum(m, 0, out.length);
        int ck = Checksum.finish(sum);
        out[16] = (byte) (ck >> 8);
        out[17] = (byte) ck;
        return out;
    }
}
