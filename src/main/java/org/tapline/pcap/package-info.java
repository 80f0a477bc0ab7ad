/**
 * Pure-Java pcap and pcapng readers and writers over {@code java.nio} channels.
 *
 * <ul>
 *   <li>{@link org.tapline.pcap.CaptureReader#open(java.nio.file.Path)} detects classic pcap
 *       (draft-ietf-opsawg-pcap; magics A1B2C3D4 and A1B23C4D in both byte orders) or pcapng
 *       (draft-ietf-opsawg-pcapng; several sections and interfaces) and fills one reused
 *       {@link org.tapline.pcap.Packet} per call, valid until the next call.</li>
 *   <li>{@link org.tapline.pcap.CaptureWriter#open(java.nio.file.Path, CaptureWriter.Format)}
 *       writes pcap or pcapng with microsecond or nanosecond timestamps through one reused
 *       direct buffer, optionally flushing every packet for live pipes.</li>
 *   <li>Malformed input raises {@link org.tapline.pcap.CaptureFileException} with a one-line
 *       message naming the file, the offset and the problem; every length is bounded before
 *       use (256 KiB per packet, 16 MiB per block).</li>
 * </ul>
 *
 * <p>The byte layouts, with diagrams, are in {@code PcapFormat} and {@code PcapngFormat}.
 */
package org.tapline.pcap;
