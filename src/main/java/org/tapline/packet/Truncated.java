package org.tapline.packet;

/**
 * Thrown by a printer that needs bytes the snapshot length cut off. {@link PacketPrinter} ends
 * the line with {@code " [|proto]"}, as tcpdump's printers do when a fetch runs past the
 * captured bytes (netdissect.h's GET_ macros), and then dumps the whole packet.
 */
final class Truncated extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Truncated() {
        super(null, null, false, false);
    }
}
