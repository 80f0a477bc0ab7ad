package org.tapline.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * {@code struct ifreq} from linux/if.h, 40 bytes on x86-64:
 * <pre>
 *  0                16                                      40
 * +-----------------+---------------------------------------+
 * | ifr_name[16]    | union: sockaddr | short flags | int   |
 * +-----------------+---------------------------------------+
 * </pre>
 */
final class Ifreq {
    static final int NAME_SIZE = 16;
    static final int UNION = 16;
    static final int SIZE = 40;

    private Ifreq() {}

    static MemorySegment allocate(Arena arena, String name) {
        MemorySegment ifr = arena.allocate(SIZE, 8);
        byte[] b = name.getBytes(StandardCharsets.US_ASCII);
        if (b.length >= NAME_SIZE) {
            throw new IllegalArgumentException("interface name '" + name + "' is longer than 15 bytes");
        }
        MemorySegment.copy(b, 0, ifr, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, b.length);
        return ifr;
    }

    static String name(MemorySegment ifr) {
        return ifr.asSlice(0, NAME_SIZE).getString(0);
    }
}
