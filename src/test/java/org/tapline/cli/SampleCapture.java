package org.tapline.cli;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.HexFormat;

import org.tapline.pcap.CaptureWriter;
import org.tapline.pcap.InterfaceDescription;

/** Capture files for the capture tests, written by our writer (tcpdump reads them in the interop tests). */
final class SampleCapture {
    /** 10.0.0.1 > 10.0.0.2: ICMP echo request, as text2pcap made it for the older tests. */
    private static final byte[] ECHO_REQUEST = HexFormat.ofDelimiter(" ").parseHex(
            "02 00 00 00 00 02 02 00 00 00 00 01 08 00 45 00 00 1c 00 01 00 00 40 01 66 dc 0a 00 00 01 0a 00 00 02 08 00 f7 fe 00 01 00 00");
    private static final long START_NANOS = 1_700_000_000_000_000_000L;

    private SampleCapture() {}

    /** {@code packets} echo requests of {@code frameBytes} bytes each (zero padding after the IP packet), 1 ms apart. */
    static Path echoRequests(Path file, int packets, int frameBytes) throws IOException {
        byte[] frame = new byte[Math.max(frameBytes, ECHO_REQUEST.length)];
        System.arraycopy(ECHO_REQUEST, 0, frame, 0, ECHO_REQUEST.length);
        MemorySegment data = MemorySegment.ofArray(frame);
        try (CaptureWriter w = CaptureWriter.open(file, CaptureWriter.Format.PCAP)) {
            int id = w.addInterface(new InterfaceDescription(1, 262144, null, null));
            for (int i = 0; i < packets; i++) {
                w.write(id, START_NANOS + i * 1_000_000L, frame.length, data);
            }
        }
        return file;
    }
}
