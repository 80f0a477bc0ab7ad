package org.tapline.pcap;

import java.io.IOException;

/** A capture file that cannot be read: names the file, the byte offset and what is wrong. */
public final class CaptureFileException extends IOException {
    public CaptureFileException(String file, long offset, String problem) {
        super(file + ": " + problem + " at offset " + offset);
    }

    public CaptureFileException(String file, String problem) {
        super(file + ": " + problem);
    }
}
