package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * The lines tcpdump 4.99 prints for each packet ({@code tcpdump -n}, with the flags of
 * {@link PrintOptions}): packet number, time stamp, the protocols' line, and the dump. Ethernet,
 * Linux cooked (v1), BSD loopback and raw IP captures are printed as tcpdump does; other link
 * types get {@link Summary}'s line.
 *
 * <p>Stateful as tcpdump: {@code -ttt} needs the previous packet's time and relative TCP
 * sequence numbers the first segments of each conversation, so print a capture's packets in
 * order through one printer. Not thread-safe. Pure: no I/O, no clock.
 */
public final class PacketPrinter {
    /** tcpdump's MAXIMUM_SNAPLEN: longer packets are refused as invalid headers. */
    static final int MAXIMUM_SNAPLEN = 262144;

    private final PrintOptions options;
    private final TimestampFormat time;
    private final TcpSequences sequences = new TcpSequences();
    private long count;

    public PacketPrinter(PrintOptions options) {
        this.options = options;
        this.time = new TimestampFormat(options.timeStyle(), options.zone());
    }

    /**
     * Appends every line tcpdump prints for this packet, each ending in '\n'. Never throws on
     * bad bytes.
     *
     * @param linkType        LINKTYPE number of the capture
     * @param timestampNanos  nanoseconds since the epoch
     * @param originalLength  the packet's length on the wire (pcap {@code len})
     * @param data            the captured bytes
     */
    public void print(int linkType, long timestampNanos, int originalLength, MemorySegment data, StringBuilder out) {
        count++;
        if (options.number()) {
            String n = Long.toString(count);
            out.repeat(' ', Math.max(0, 5 - n.length())).append(n).append("  ");
        }
        long caplen = data == null ? 0 : data.byteSize();
        if (invalidHeader(out, caplen, originalLength)) {
            return;
        }
        time.append(out, timestampNanos);
        int start = out.length();
        PrintContext ctx = new PrintContext(out, options, sequences);
        int header;
        try {
            header = link(ctx, linkType, data, originalLength);
        } catch (Truncated e) {
            ctx.trunc();
            header = 0;
        } catch (RuntimeException e) {
            // Every read is bounds-checked; this keeps a printing loop alive should a bug remain.
            out.setLength(start);
            out.append("[|internal error: ").append(e.getClass().getSimpleName()).append(']');
            header = 0;
        }
        dump(out, data, header);
        out.append('\n');
    }

    private int link(PrintContext ctx, int linkType, MemorySegment data, int length) {
        switch (linkType) {
            case Summary.LINKTYPE_ETHERNET -> {
                return EtherPrinter.print(ctx, data, length);
            }
            case Summary.LINKTYPE_NULL, Summary.LINKTYPE_LOOP -> {
                return LoopbackPrinter.print(ctx, data, length);
            }
            case Summary.LINKTYPE_LINUX_SLL -> {
                return CookedPrinter.print(ctx, data, length);
            }
            case Summary.LINKTYPE_RAW, Summary.DLT_RAW_BSD, Summary.DLT_RAW_OPENBSD -> {
                ctx.protocol = "raw";
                if (ctx.linkHeader()) {
                    ctx.print("ip: ");
                }
                ctx.protocol = "ipn";
                if (length < 1) {
                    ctx.print("truncated-ip ").print(length);
                    return 0;
                }
                int version = PrintContext.u8(data, 0) >>> 4;
                switch (version) {
                    case Ipv4.VERSION -> IpPrinter.print(ctx, data, 0, length);
                    case Ipv6.VERSION -> Ip6Printer.print(ctx, data, 0, length);
                    default -> ctx.print("unknown ip ").print(version);
                }
                return 0;
            }
            default -> {
                ctx.print(Summary.of(linkType, data, length));
                return 0;
            }
        }
    }

    /** tcpdump's sanity checks of the record header (print.c pretty_print_packet). */
    private static boolean invalidHeader(StringBuilder out, long caplen, int len) {
        StringBuilder why = new StringBuilder();
        if (caplen == 0) {
            why.append(" caplen==0");
        }
        if (len == 0) {
            why.append(why.isEmpty() ? "" : ",").append(" len==0");
        } else if (Integer.toUnsignedLong(len) < caplen) {
            why.append(why.isEmpty() ? "" : ",").append(" len(").append(Integer.toUnsignedLong(len))
                    .append(") < caplen(").append(caplen).append(')');
        }
        if (caplen > MAXIMUM_SNAPLEN) {
            why.append(why.isEmpty() ? "" : ",").append(" caplen(").append(caplen).append(") > ").append(MAXIMUM_SNAPLEN);
        }
        if (Integer.toUnsignedLong(len) > MAXIMUM_SNAPLEN) {
            why.append(why.isEmpty() ? "" : ",").append(" len(").append(Integer.toUnsignedLong(len)).append(") > ")
                    .append(MAXIMUM_SNAPLEN);
        }
        if (why.isEmpty()) {
            return false;
        }
        // tcpdump writes "[Invalid header: caplen==0, len==0]": the first reason follows the colon.
        out.append("[Invalid header:").append(why).append("]\n");
        return true;
    }

    private void dump(StringBuilder out, MemorySegment data, int header) {
        long caplen = data.byteSize();
        long from = options.dumpLinkHeader() ? 0 : header;
        if (from >= caplen && !options.dumpLinkHeader()) {
            return;
        }
        switch (options.dump()) {
            case HEX -> HexDump.hex(out, "\n\t", data, from, caplen - from);
            case HEX_ASCII -> HexDump.hexAscii(out, "\n\t", data, from, caplen - from);
            case ASCII -> HexDump.ascii(out, data, from, caplen - from);
            case NONE -> { }
        }
    }
}
