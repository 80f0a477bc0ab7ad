package org.tapline.stack.udp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;

import org.tapline.stack.ip.IpAddress;

/**
 * The datagrams a UDP socket has received and not yet read, bounded by its receive buffer
 * (SO_RCVBUF) in bytes. The data lives in one byte ring that grows by doubling up to the limit,
 * and each datagram's sender in parallel arrays: nothing is allocated per datagram once the ring
 * has grown. Each datagram is charged its length plus {@link #OVERHEAD}, standing for the
 * kernel's per-packet bookkeeping (its skb "truesize"), so a flood of empty datagrams is bounded
 * too. Guarded by the stack's lock.
 */
final class DatagramQueue {
    /** Bytes charged per datagram on top of its data. */
    static final int OVERHEAD = 64;
    private static final int FIRST_RING = 4096;

    private int limit;
    private byte[] ring = new byte[0];
    /** Where the oldest datagram's data starts, and bytes of data held. */
    private int head;
    private int dataBytes;
    private long[] fromHi = new long[0];
    private long[] fromLo = new long[0];
    private int[] fromPort = new int[0];
    private int[] length = new int[0];
    private int first;
    private int count;

    DatagramQueue(int limit) {
        this.limit = limit;
    }

    /** Sets the limit (SO_RCVBUF); datagrams already queued stay. */
    void limit(int bytes) {
        limit = bytes;
    }

    int limit() {
        return limit;
    }

    /** Bytes charged for what is queued (ss's Recv-Q). */
    int charged() {
        return dataBytes + count * OVERHEAD;
    }

    boolean isEmpty() {
        return count == 0;
    }

    /** Queues {@code data[off, off + len)} from {@code from}; false (and nothing queued) when full. */
    boolean offer(IpAddress from, int port, MemorySegment data, long off, int len) {
        if (charged() + len + OVERHEAD > limit) {
            return false;
        }
        ensure(len);
        int tail = (head + dataBytes) % Math.max(1, ring.length);
        int firstPart = Math.min(len, ring.length - tail);
        MemorySegment.copy(data, ValueLayout.JAVA_BYTE, off, ring, tail, firstPart);
        MemorySegment.copy(data, ValueLayout.JAVA_BYTE, off + firstPart, ring, 0, len - firstPart);
        dataBytes += len;
        int slot = (first + count) % fromHi.length;
        fromHi[slot] = from.hi();
        fromLo[slot] = from.lo();
        fromPort[slot] = port;
        length[slot] = len;
        count++;
        return true;
    }

    /** The oldest datagram's sender port; only when not empty. */
    int peekPort() {
        return fromPort[first];
    }

    /** The oldest datagram's sender address; only when not empty. */
    IpAddress peekAddress() {
        return new IpAddress(fromHi[first], fromLo[first]);
    }

    /** Whether the oldest datagram came from {@code a}, without making an address; only when not empty. */
    boolean peekIs(IpAddress a) {
        return a != null && fromHi[first] == a.hi() && fromLo[first] == a.lo();
    }

    /**
     * Moves the oldest datagram into {@code dst} and removes it; what does not fit is discarded,
     * as recvfrom(2) truncates a datagram. Returns the datagram's full length.
     */
    int poll(ByteBuffer dst) {
        int len = length[first];
        int copy = Math.min(len, dst.remaining());
        int firstPart = Math.min(copy, ring.length - head);
        dst.put(ring, head, firstPart);
        dst.put(ring, 0, copy - firstPart);
        head = (head + len) % Math.max(1, ring.length);
        dataBytes -= len;
        first = (first + 1) % fromHi.length;
        count--;
        if (count == 0) {
            head = 0;
            first = 0;
        }
        return len;
    }

    /** Grows the ring and the sender arrays so one more datagram of {@code len} bytes fits. */
    private void ensure(int len) {
        if (dataBytes + len > ring.length) {
            int size = Math.max(FIRST_RING, ring.length);
            while (size < dataBytes + len) {
                size *= 2;
            }
            byte[] grown = new byte[size];
            int firstPart = Math.min(dataBytes, ring.length - head);
            System.arraycopy(ring, head, grown, 0, firstPart);
            System.arraycopy(ring, 0, grown, firstPart, dataBytes - firstPart);
            ring = grown;
            head = 0;
        }
        if (count == fromHi.length) {
            int size = Math.max(16, count * 2);
            fromHi = unroll(fromHi, size);
            fromLo = unroll(fromLo, size);
            fromPort = unroll(fromPort, size);
            length = unroll(length, size);
            first = 0;
        }
    }

    private long[] unroll(long[] a, int size) {
        long[] b = new long[size];
        for (int i = 0; i < count; i++) {
            b[i] = a[(first + i) % a.length];
        }
        return b;
    }

    private int[] unroll(int[] a, int size) {
        int[] b = new int[size];
        for (int i = 0; i < count; i++) {
            b[i] = a[(first + i) % a.length];
        }
        return b;
    }
}
