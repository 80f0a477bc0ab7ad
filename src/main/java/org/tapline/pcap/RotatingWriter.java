package org.tapline.pcap;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.InstantSource;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * A capture written to a series of files, as tcpdump's {@code -C}, {@code -W} and {@code -G} make
 * them (tcpdump.c, MakeFilename and dump_packet_and_trunc):
 * <ul>
 * <li>{@code -C}: before a packet is written, a file already larger than the limit is closed and
 *     the next opened: FILE, FILE1, FILE2 ...; with {@code -W N} the numbers run 0 to N-1, padded
 *     with zeros to the width of N-1, and start again at 0 (a ring of N files).</li>
 * <li>{@code -G}: when a packet comes and the file is that many seconds old, the next file is
 *     opened, named by strftime(3) of the name in local time; with {@code -W N} and without
 *     {@code -C} the capture ends after N files ({@link LimitReachedException}).</li>
 * </ul>
 * Every new file gets the header and the interfaces declared so far. Not thread-safe.
 */
public final class RotatingWriter implements CaptureWriter {
    /**
     * When to move on to the next file.
     *
     * @param maxBytes      {@code -C} in bytes (0: no size limit)
     * @param maxFiles      {@code -W} (0: no limit)
     * @param rotateSeconds {@code -G} (0: no time limit)
     */
    public record Rotation(long maxBytes, int maxFiles, long rotateSeconds) {}

    /** {@code -G} with {@code -W}: the last file is full and closed; the capture ends. */
    public static final class LimitReachedException extends IOException {
        LimitReachedException(int files) {
            super("Maximum file limit reached: " + files);
        }
    }

    private final String pattern;
    private final Format format;
    private final boolean flushEachPacket;
    private final Rotation rotation;
    private final int digits;
    private final InstantSource clock;
    private final ZoneId zone;
    private final List<InterfaceDescription> interfaces = new ArrayList<>();
    private CaptureWriter current;
    private Path currentPath;
    private long fileStartSeconds;
    /** tcpdump's Cflag_count: the number after the name. */
    private int sizeCount;
    /** tcpdump's Gflag_count: files closed for their age. */
    private int timeCount;

    /** Opens the first file now. */
    public RotatingWriter(String pattern, Format format, boolean flushEachPacket, Rotation rotation,
                          InstantSource clock, ZoneId zone) throws IOException {
        if (pattern.isEmpty()) {
            throw new IllegalArgumentException("an empty string is not a valid file name");
        }
        this.pattern = pattern;
        this.format = format;
        this.flushEachPacket = flushEachPacket;
        this.rotation = rotation;
        this.digits = digits(rotation.maxFiles());
        this.clock = clock;
        this.zone = zone;
        this.fileStartSeconds = clock.instant().getEpochSecond();
        openNext();
    }

    /** tcpdump's getWflagChars: the number of decimal digits of {@code files - 1}. */
    static int digits(int files) {
        int c = 0;
        for (int x = files - 1; x > 0; x /= 10) {
            c++;
        }
        return c;
    }

    /**
     * tcpdump's MakeFilename: the name (through strftime with {@code -G}), and the count after it
     * unless both count and width are 0.
     */
    static String fileName(String pattern, boolean strftime, ZonedDateTime time, int count, int width) {
        String base = strftime ? Strftime.format(pattern, time) : pattern;
        if (count == 0 && width == 0) {
            return base;
        }
        String n = Integer.toString(count);
        return base + "0".repeat(Math.max(0, width - n.length())) + n;
    }

    /** The file being written. */
    public Path currentFile() {
        return currentPath;
    }

    private void openNext() throws IOException {
        ZonedDateTime t = ZonedDateTime.ofInstant(java.time.Instant.ofEpochSecond(fileStartSeconds), zone);
        Path p = Path.of(fileName(pattern, rotation.rotateSeconds() > 0, t, sizeCount,
                rotation.maxBytes() > 0 ? digits : 0));
        CaptureWriter w = CaptureWriter.open(FileErrors.openForWriting(p), format, flushEachPacket);
        try {
            for (InterfaceDescription d : interfaces) {
                w.addInterface(d);
            }
        } catch (IOException | RuntimeException e) {
            w.close();
            throw e;
        }
        current = w;
        currentPath = p;
    }

    @Override
    public int addInterface(InterfaceDescription description) throws IOException {
        int id = open().addInterface(description);
        interfaces.add(description);
        return id;
    }

    @Override
    public void write(int interfaceId, long timestampNanos, int originalLength, MemorySegment data) throws IOException {
        open();
        if (rotation.rotateSeconds() > 0) {
            long now = clock.instant().getEpochSecond();
            if (now - fileStartSeconds >= rotation.rotateSeconds()) {
                fileStartSeconds = now;
                timeCount++;
                closeCurrent();
                if (rotation.maxBytes() == 0 && rotation.maxFiles() > 0 && timeCount >= rotation.maxFiles()) {
                    throw new LimitReachedException(rotation.maxFiles());
                }
                sizeCount = 0;
                openNext();
            }
        }
        if (rotation.maxBytes() > 0 && current.size() > rotation.maxBytes()) {
            closeCurrent();
            sizeCount++;
            if (rotation.maxFiles() > 0 && sizeCount >= rotation.maxFiles()) {
                sizeCount = 0;
            }
            openNext();
        }
        current.write(interfaceId, timestampNanos, originalLength, data);
    }

    private CaptureWriter open() {
        if (current == null) {
            throw new IllegalStateException("the rotating writer is closed");
        }
        return current;
    }

    private void closeCurrent() throws IOException {
        CaptureWriter w = current;
        current = null;
        w.close();
    }

    @Override
    public long size() {
        return current == null ? 0 : current.size();
    }

    @Override
    public void flush() throws IOException {
        if (current != null) {
            current.flush();
        }
    }

    @Override
    public void close() throws IOException {
        if (current != null) {
            closeCurrent();
        }
    }
}
