package org.tapline.rpcap;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

import org.tapline.link.FrameBatch;
import org.tapline.link.FrameSink;
import org.tapline.link.Link;
import org.tapline.os.BpfCodes;
import org.tapline.os.BpfProgram;

/**
 * A remote interface over RPCAP, capture only: a {@link Link} whose frames arrive as PACKET
 * messages on the data connection (TCP, TLS or UDP). Filters are compiled here by libpcap for
 * the remote link type and sent to the server. Each PACKET is checked before use (version,
 * type, {@code plen} against the snaplen, caplen against {@code plen}; CVE-2026-18238).
 */
public final class RpcapLink implements Link {
    /** What to ask the server for. {@code sampleMethod}/{@code sampleValue}: SETSAMPLING, 0 for none. */
    public record Options(int snaplen, boolean promiscuous, String filter, boolean udp, int sampleMethod, long sampleValue,
                          int readTimeoutMillis) {
        public static Options defaults() {
            return new Options(Rpcap.MAX_SNAPLEN, true, null, false, Rpcap.SAMP_NOSAMP, 0, 1000);
        }

        public Options withSnaplen(int s) {
            return new Options(s <= 0 || s > Rpcap.MAX_SNAPLEN ? Rpcap.MAX_SNAPLEN : s, promiscuous, filter, udp, sampleMethod, sampleValue,
                    readTimeoutMillis);
        }

        public Options withPromiscuous(boolean p) {
            return new Options(snaplen, p, filter, udp, sampleMethod, sampleValue, readTimeoutMillis);
        }

        public Options withFilter(String f) {
            return new Options(snaplen, promiscuous, f, udp, sampleMethod, sampleValue, readTimeoutMillis);
        }

        public Options withUdp(boolean u) {
            return new Options(snaplen, promiscuous, filter, u, sampleMethod, sampleValue, readTimeoutMillis);
        }

        public Options withSampling(int method, long value) {
            return new Options(snaplen, promiscuous, filter, udp, method, value, readTimeoutMillis);
        }
    }

    /** Remote statistics (STATS_REPLY) and what this side counted. */
    public record Stats(long received, long interfaceDropped, long kernelDropped, long serverSent, long delivered, long lostInTransit) {}

    private static final int MAX_DATAGRAM = 65535;

    private final RpcapClient client;
    private final String device;
    private final int linkType;
    private final int snaplen;
    private final Socket data;
    private final DataInputStream dataIn;
    private final DatagramSocket udp;
    private final byte[] buf;
    private final MemorySegment seg;
    private volatile boolean closed;
    private long delivered;
    private long lastNpkt;
    private long lost;

    private RpcapLink(RpcapClient client, String device, int linkType, int snaplen, Socket data, DatagramSocket udp) throws IOException {
        this.client = client;
        this.device = device;
        this.linkType = linkType;
        this.snaplen = snaplen;
        this.data = data;
        this.udp = udp;
        this.dataIn = data == null ? null : new DataInputStream(new BufferedInputStream(data.getInputStream(), 1 << 20));
        this.buf = new byte[Math.max(PacketFramer.PKTHDR + snaplen, MAX_DATAGRAM) + Rpcap.HEADER];
        this.seg = MemorySegment.ofArray(buf);
    }

    static RpcapLink start(RpcapClient c, String device, int linkType, Options o) throws IOException {
        BpfProgram filter = BpfCodes.compile(linkType, o.snaplen(), o.filter() == null ? "" : o.filter());
        if (o.sampleMethod() != Rpcap.SAMP_NOSAMP) {
            c.exchange(ClientCodec.sampling(Rpcap.VERSION, o.sampleMethod(), o.sampleValue()), Rpcap.MSG_SETSAMPLING_REQ);
        }
        DatagramSocket udp = null;
        java.net.ServerSocket listener = null;
        int flags = o.promiscuous() ? Rpcap.FLAG_PROMISC : 0;
        int port = 0;
        if (o.udp()) {
            if (c.source().tls()) {
                throw new IOException("TLS not supported with UDP forward of remote packets");
            }
            udp = new DatagramSocket(new InetSocketAddress(c.socket().getLocalAddress(), 0));
            udp.setReceiveBufferSize(4 << 20);
            flags |= Rpcap.FLAG_DGRAM;
            port = udp.getLocalPort();
        } else if (c.serverDials()) {
            // Active mode: the server opens the data connection to a port we listen on (docs/RPCAP.md §2.3).
            listener = new java.net.ServerSocket(0, 1, c.socket().getLocalAddress());
            listener.setSoTimeout((int) RpcapClient.READ_TIMEOUT.toMillis());
            flags |= Rpcap.FLAG_SERVEROPEN;
            port = listener.getLocalPort();
        }
        try {
            RpcapClient.Reply r = c.exchange(ClientCodec.startCapture(Rpcap.VERSION, o.snaplen(), Math.max(1, o.readTimeoutMillis() / 2),
                    flags, port, filter), Rpcap.MSG_STARTCAP_REQ);
            Socket data = null;
            if (listener != null) {
                data = listener.accept();
                data.setReceiveBufferSize(4 << 20);
                if (c.source().tls()) {
                    data = RpcapClient.handshake(data, c.source().host(), c.tls());
                }
            } else if (!o.udp()) {
                if (r.payload().length < 8) {
                    throw new IOException("STARTCAP reply is too short");
                }
                int dataPort = ByteBuffer.wrap(r.payload()).getShort(4) & 0xffff;
                data = new Socket();
                data.connect(new InetSocketAddress(c.socket().getInetAddress(), dataPort), (int) RpcapClient.READ_TIMEOUT.toMillis());
                data.setReceiveBufferSize(4 << 20);
                if (c.source().tls()) {
                    data = RpcapClient.handshake(data, c.source().host(), c.tls());
                }
            }
            return new RpcapLink(c, device, linkType, o.snaplen(), data, udp);
        } catch (IOException | RuntimeException e) {
            if (udp != null) {
                udp.close();
            }
            throw e;
        } finally {
            if (listener != null) {
                listener.close();
            }
        }
    }

    @Override
    public String name() {
        return client.source().remoteName(device, true);
    }

    @Override
    public int linkType() {
        return linkType;
    }

    @Override
    public int mtu() {
        return snaplen;
    }

    @Override
    public byte[] hardwareAddress() {
        return new byte[0];
    }

    /** Compiles a new filter for the remote link type and sends it (UPDATEFILTER). */
    public void setFilter(String expression) throws IOException {
        BpfProgram p = BpfCodes.compile(linkType, snaplen, expression);
        client.exchange(ClientCodec.request(Rpcap.VERSION, Rpcap.MSG_UPDATEFILTER_REQ, ClientCodec.filter(p)), Rpcap.MSG_UPDATEFILTER_REQ);
    }

    public Stats stats() throws IOException {
        RpcapClient.Reply r = client.exchange(ClientCodec.request(Rpcap.VERSION, Rpcap.MSG_STATS_REQ, new byte[0]), Rpcap.MSG_STATS_REQ);
        if (r.payload().length < 16) {
            throw new IOException("STATS reply is too short");
        }
        ByteBuffer b = ByteBuffer.wrap(r.payload());
        return new Stats(b.getInt(0) & 0xffffffffL, b.getInt(4) & 0xffffffffL, b.getInt(8) & 0xffffffffL, b.getInt(12) & 0xffffffffL,
                delivered, lost);
    }

    @Override
    public int receive(FrameSink sink, int maxFrames, int timeoutMillis) throws IOException {
        int n = 0;
        try {
            setTimeout(timeoutMillis);
            while (n < maxFrames) {
                int len = readMessage();
                if (len < 0) {
                    continue; // not a PACKET of our version: skipped, as libpcap's client does
                }
                ByteBuffer b = ByteBuffer.wrap(buf, 0, len);
                long sec = b.getInt(Rpcap.HEADER) & 0xffffffffL;
                long usec = b.getInt(Rpcap.HEADER + 4) & 0xffffffffL;
                int caplen = b.getInt(Rpcap.HEADER + 8);
                int origLen = b.getInt(Rpcap.HEADER + 12);
                long npkt = b.getInt(Rpcap.HEADER + 16) & 0xffffffffL;
                if (udp != null && npkt > lastNpkt + 1) {
                    lost += npkt - lastNpkt - 1;
                }
                lastNpkt = Math.max(lastNpkt, npkt);
                sink.accept(linkType, sec * 1_000_000_000L + usec * 1_000L, origLen, seg.asSlice(PacketFramer.OVERHEAD, caplen));
                delivered++;
                n++;
                setTimeout(1);
                if (dataIn != null && dataIn.available() == 0) {
                    break;
                }
            }
        } catch (SocketTimeoutException e) {
            return n;
        } catch (EOFException e) {
            if (n == 0) {
                if (closed) {
                    return -1;
                }
                throw new IOException("The server terminated the connection.");
            }
        } catch (IOException e) {
            if (closed) {
                return n == 0 ? -1 : n;
            }
            throw e;
        }
        return n;
    }

    private void setTimeout(int millis) throws IOException {
        int t = millis < 0 ? 0 : Math.max(1, millis);
        if (data != null) {
            data.setSoTimeout(t);
        } else {
            udp.setSoTimeout(t);
        }
    }

    /** Reads one PACKET message into {@code buf}; returns its length, or -1 for a message to skip. */
    private int readMessage() throws IOException {
        int len;
        if (dataIn != null) {
            dataIn.readFully(buf, 0, Rpcap.HEADER);
            long plen = Integer.toUnsignedLong(ByteBuffer.wrap(buf).getInt(4));
            if (plen > PacketFramer.PKTHDR + (long) snaplen) {
                throw new IOException("Server sent us a message larger than the largest expected packet message (" + plen + " bytes)");
            }
            dataIn.readFully(buf, Rpcap.HEADER, (int) plen);
            len = Rpcap.HEADER + (int) plen;
        } else {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            udp.receive(p);
            len = p.getLength();
            if (len < Rpcap.HEADER || len < Rpcap.HEADER + (ByteBuffer.wrap(buf).getInt(4) & 0xffffffffL)) {
                throw new IOException("a UDP datagram from the server is shorter than its message");
            }
        }
        ByteBuffer b = ByteBuffer.wrap(buf, 0, len);
        if (buf[0] != Rpcap.VERSION || buf[1] != Rpcap.MSG_PACKET) {
            return -1;
        }
        int plen = b.getInt(4);
        if (plen < PacketFramer.PKTHDR || b.getInt(Rpcap.HEADER + 8) < 0 || b.getInt(Rpcap.HEADER + 8) > plen - PacketFramer.PKTHDR
                || b.getInt(Rpcap.HEADER + 8) > snaplen) {
            throw new IOException("Packet's captured data goes past the end of the received packet message.");
        }
        return len;
    }

    @Override
    public int receive(FrameBatch batch, int timeoutMillis) throws IOException {
        batch.clear();
        return receive((lt, ts, len, d) -> {
            if (!batch.add(ts, len, d)) {
                throw new IOException("a " + d.byteSize() + "-byte packet does not fit the receive batch");
            }
        }, batch.capacity(), timeoutMillis);
    }

    @Override
    public void send(MemorySegment frame) throws IOException {
        throw new IOException(name() + " is capture only: RPCAP cannot send frames");
    }

    @Override
    public void close() {
        closed = true;
        try {
            if (data != null) {
                data.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
        if (udp != null) {
            udp.close();
        }
    }

}
