import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

/**
 * Benchmark client: captures from an rpcapd (ours or the reference) as libpcap's client would,
 * with null authentication and an accept-all filter, and counts the PACKET messages until the
 * data connection has been idle for IDLE_MS. Prints "received N". Not a product: the tapline
 * client is `tapline capture -i rpcap://...`.
 *
 * usage: java bench/RpcapSink.java HOST PORT DEVICE
 */
public class RpcapSink {
    static final int IDLE_MS = 3000;

    public static void main(String[] a) throws Exception {
        try (Socket s = new Socket(a[0], Integer.parseInt(a[1]))) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            request(out, in, 8, new byte[8]);
            request(out, in, 3, a[2].getBytes());
            ByteBuffer b = ByteBuffer.allocate(12 + 8 + 8);
            b.putInt(262144).putInt(500).putShort((short) 1).putShort((short) 0);
            b.putShort((short) 1).putShort((short) 0).putInt(1).putShort((short) 6).put((byte) 0).put((byte) 0).putInt(262144);
            byte[] reply = request(out, in, 4, b.array());
            int port = ByteBuffer.wrap(reply).getShort(4) & 0xffff;
            System.err.println("capturing");
            try (Socket d = new Socket(a[0], port)) {
                d.setSoTimeout(IDLE_MS);
                d.setReceiveBufferSize(4 << 20);
                DataInputStream data = new DataInputStream(new java.io.BufferedInputStream(d.getInputStream(), 1 << 20));
                byte[] hdr = new byte[8];
                byte[] buf = new byte[300000];
                long n = 0;
                try {
                    while (true) {
                        data.readFully(hdr);
                        int plen = ByteBuffer.wrap(hdr).getInt(4);
                        data.readFully(buf, 0, plen);
                        n++;
                    }
                } catch (SocketTimeoutException idle) {
                    System.out.println("received " + n);
                }
            }
        }
    }

    static byte[] request(OutputStream out, DataInputStream in, int type, byte[] payload) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(8 + payload.length);
        b.put((byte) 0).put((byte) type).putShort((short) 0).putInt(payload.length).put(payload);
        out.write(b.array());
        byte[] h = new byte[8];
        in.readFully(h);
        byte[] p = new byte[ByteBuffer.wrap(h).getInt(4)];
        in.readFully(p);
        if (h[1] == 1) {
            throw new IllegalStateException("error " + new String(p));
        }
        return p;
    }
}
