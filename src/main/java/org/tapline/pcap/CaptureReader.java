package org.tapline.pcap;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** Reads packets from a pcap or pcapng file, whichever it is (told by its first four bytes). */
public interface CaptureReader extends AutoCloseable {
    /** The next packet, valid until the next call; null at the end of the file. */
    Packet next() throws IOException;

    /** The interfaces seen so far (pcap: exactly one). */
    List<InterfaceDescription> interfaces();

    @Override
    void close() throws IOException;

    static CaptureReader open(Path file) throws IOException {
        ReadableByteChannel ch;
        try {
            ch = Files.newByteChannel(file);
        } catch (NoSuchFileException e) {
            throw new CaptureFileException(file.toString(), "no such file");
        } catch (IOException e) {
            throw new CaptureFileException(file.toString(), "cannot open: " + e.getMessage());
        }
        try {
            return open(ch, file.toString());
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    static CaptureReader open(java.io.InputStream in, String name) throws IOException {
        return open(Channels.newChannel(in), name);
    }

    static CaptureReader open(ReadableByteChannel in, String name) throws IOException {
        ByteSource src = new ByteSource(in, name);
        if (!src.need(4)) {
            throw new CaptureFileException(name, "empty or too short to be a capture file");
        }
        src.order(ByteOrder.LITTLE_ENDIAN);
        int magic = src.i32(0);
        if (PcapReader.isMagic(magic) || PcapReader.isMagic(Integer.reverseBytes(magic))) {
            return new PcapReader(src);
        }
        if (magic == PcapngReader.SHB_TYPE) {
            return new PcapngReader(src);
        }
        throw new CaptureFileException(name, String.format("not a pcap or pcapng file (magic 0x%08x)", Integer.reverseBytes(magic)));
    }
}
