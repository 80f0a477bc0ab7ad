package org.tapline.pcap;

import java.io.IOException;

/**
 * A capture file is malformed: bad magic, an impossible length, a truncated record.
 *
 * <p>The message is one line naming the file, the byte offset and what is wrong, for example
 * {@code capture.pcap: truncated packet data at offset 1234 (header says 1514 bytes, 200 present)}.
 */
public final class CaptureFileException extends IOException {
    private final String fileName;
    private final long offset;

    /**
     * @param fileName the name used in messages (usually the path given by the user)
     * @param offset   the byte offset of the offending header or record, or -1 if none applies
     * @param problem  what is wrong, e.g. {@code "truncated packet data"}
     * @param detail   the numbers behind it, e.g. {@code "header says 1514 bytes, 200 present"}; may be null
     */
    public CaptureFileException(String fileName, long offset, String problem, String detail) {
        super(format(fileName, offset, problem, detail));
        this.fileName = fileName;
        this.offset = offset;
    }

    private static String format(String fileName, long offset, String problem, String detail) {
        StringBuilder sb = new StringBuilder().append(fileName).append(": ").append(problem);
        if (offset >= 0) {
            sb.append(" at offset ").append(offset);
        }
        if (detail != null) {
            sb.append(" (").append(detail).append(')');
        }
        return sb.toString();
    }

    /** The name of the file as given in messages. */
    public String fileName() {
        return fileName;
    }

    /** The byte offset of the offending header or record, or -1 if none applies. */
    public long offset() {
        return offset;
    }
}
