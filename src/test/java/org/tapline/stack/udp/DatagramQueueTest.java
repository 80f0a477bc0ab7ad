package org.tapline.stack.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.tapline.stack.ip.IpAddress;

/** The receive queue against a plain list model: order, senders, wrap-around, truncation, limit. */
class DatagramQueueTest {
    @Test
    void behavesAsAListBoundedByItsLimit() {
        SplittableRandom r = new SplittableRandom(3);
        DatagramQueue q = new DatagramQueue(20_000);
        Deque<byte[]> model = new ArrayDeque<>();
        int charged = 0;
        for (int step = 0; step < 20_000; step++) {
            if (r.nextInt(3) > 0) {
                byte[] d = new byte[r.nextInt(1500)];
                r.nextBytes(d);
                boolean fits = charged + d.length + DatagramQueue.OVERHEAD <= 20_000;
                assertEquals(fits, q.offer(IpAddress.v4(d.length), d.length, MemorySegment.ofArray(d), 0, d.length));
                if (fits) {
                    model.addLast(d);
                    charged += d.length + DatagramQueue.OVERHEAD;
                }
            } else if (!model.isEmpty()) {
                byte[] want = model.removeFirst();
                charged -= want.length + DatagramQueue.OVERHEAD;
                assertEquals(IpAddress.v4(want.length), q.peekAddress());
                assertEquals(want.length, q.peekPort());
                ByteBuffer b = ByteBuffer.allocate(r.nextInt(1500));
                assertEquals(want.length, q.poll(b));
                assertArrayEquals(Arrays.copyOf(want, b.position()), Arrays.copyOf(b.array(), b.position()));
                assertEquals(Math.min(want.length, b.capacity()), b.position(), "truncated to fit, as recvfrom(2)");
            }
            assertEquals(charged, q.charged());
            assertEquals(model.isEmpty(), q.isEmpty());
        }
    }

    @Test
    void emptyDatagramsAreCountedToo() {
        DatagramQueue q = new DatagramQueue(DatagramQueue.OVERHEAD * 2);
        MemorySegment none = MemorySegment.ofArray(new byte[0]);
        assertTrue(q.offer(IpAddress.ANY_V4, 1, none, 0, 0));
        assertTrue(q.offer(IpAddress.ANY_V4, 2, none, 0, 0));
        assertFalse(q.offer(IpAddress.ANY_V4, 3, none, 0, 0));
        assertEquals(0, q.poll(ByteBuffer.allocate(0)));
        assertEquals(2, q.peekPort());
    }
}
