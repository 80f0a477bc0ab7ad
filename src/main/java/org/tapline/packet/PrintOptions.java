package org.tapline.packet;

import java.time.ZoneId;
import java.util.Objects;

/**
 * What {@link PacketPrinter} prints, as tcpdump's flags choose it (tcpdump(1)).
 *
 * @param verbose        0, or 1 to 3 for {@code -v}, {@code -vv}, {@code -vvv}
 * @param linkHeader     {@code -e}: the link-level header on each line
 * @param quiet          {@code -q}: less protocol information
 * @param dump           {@code -x}, {@code -X} or {@code -A}: the packet's bytes after the line
 * @param dumpLinkHeader {@code -xx}, {@code -XX}, {@code -AA}: the dump starts at the link header
 * @param timeStyle      0 for the time of day, 1 to 5 for {@code -t} to {@code -ttttt}
 * @param number         {@code -#}: a packet number at the start of each line
 * @param absoluteSeq    {@code -S}: absolute TCP sequence numbers instead of relative ones
 * @param zone           the time zone of {@code -tttt} and the default time of day
 */
public record PrintOptions(int verbose, boolean linkHeader, boolean quiet, Dump dump, boolean dumpLinkHeader,
                           int timeStyle, boolean number, boolean absoluteSeq, ZoneId zone) {
    /** The highest {@code -t} count tcpdump knows ({@code -ttttt}). */
    public static final int MAX_TIME_STYLE = 5;

    /** The dump after each packet's line. */
    public enum Dump {
        NONE,
        /** {@code -x}: hexadecimal. */
        HEX,
        /** {@code -X}: hexadecimal and ASCII. */
        HEX_ASCII,
        /** {@code -A}: ASCII. */
        ASCII
    }

    public PrintOptions {
        Objects.requireNonNull(dump, "dump");
        Objects.requireNonNull(zone, "zone");
        if (verbose < 0) {
            throw new IllegalArgumentException("verbose " + verbose + " < 0");
        }
        if (timeStyle < 0 || timeStyle > MAX_TIME_STYLE) {
            throw new IllegalArgumentException("time style " + timeStyle + " not in 0.." + MAX_TIME_STYLE);
        }
    }

    /** tcpdump's output without flags (and with {@code -n}), in the system's time zone. */
    public static PrintOptions defaults() {
        return new PrintOptions(0, false, false, Dump.NONE, false, 0, false, false, ZoneId.systemDefault());
    }
}
