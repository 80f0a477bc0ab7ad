package org.tapline.packet;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The time stamp at the start of a line, as tcpdump's {@code -t} count chooses it
 * (util-print.c ts_print): 0 time of day, 1 none, 2 seconds since the epoch, 3 since the
 * previous packet, 4 date and time of day, 5 since the first packet. Microseconds, as tcpdump
 * prints by default; a time before 1970 or after 2106 prints as tcpdump's conversion error.
 */
final class TimestampFormat {
    static final int DEFAULT = 0;
    static final int NONE = 1;
    static final int EPOCH = 2;
    static final int SINCE_PREVIOUS = 3;
    static final int DATE = 4;
    static final int SINCE_FIRST = 5;
    private static final long MICROS_PER_SECOND = 1_000_000L;
    /** tcpdump refuses seconds with the top bit of 32 set (util-print.c). */
    private static final long MAX_SECONDS = 0x7fff_ffffL;
    private static final String ERROR = "[Error converting time]";

    private final int style;
    private final ZoneId zone;
    private boolean haveReference;
    private long referenceMicros;

    TimestampFormat(int style, ZoneId zone) {
        this.style = style;
        this.zone = zone;
    }

    /** Appends the stamp and the space after it (nothing for {@code -t}). */
    void append(StringBuilder sb, long nanos) {
        long micros = Math.floorDiv(nanos, 1000L);
        switch (style) {
            case NONE -> { }
            case EPOCH -> {
                long sec = Math.floorDiv(micros, MICROS_PER_SECOND);
                if (sec < 0 || sec > MAX_SECONDS) {
                    sb.append(ERROR);
                } else {
                    sb.append(sec);
                    fraction(sb, micros);
                }
                sb.append(' ');
            }
            case SINCE_PREVIOUS, SINCE_FIRST -> {
                if (!haveReference) {
                    referenceMicros = micros;
                    haveReference = true;
                }
                long delta = micros - referenceMicros;
                sb.append(delta < 0 ? '-' : ' ');
                clock(sb, Math.abs(delta), ZoneOffset.UTC, false);
                sb.append(' ');
                if (style == SINCE_PREVIOUS) {
                    referenceMicros = micros;
                }
            }
            case DATE -> {
                clock(sb, micros, zone, true);
                sb.append(' ');
            }
            default -> {
                clock(sb, micros, zone, false);
                sb.append(' ');
            }
        }
    }

    private static void clock(StringBuilder sb, long micros, ZoneId zone, boolean date) {
        long sec = Math.floorDiv(micros, MICROS_PER_SECOND);
        if (sec < 0 || sec > MAX_SECONDS) {
            sb.append(ERROR);
            return;
        }
        LocalDateTime t = LocalDateTime.ofInstant(Instant.ofEpochSecond(sec), zone);
        if (date) {
            sb.append(t.getYear()).append('-');
            two(sb, t.getMonthValue());
            sb.append('-');
            two(sb, t.getDayOfMonth());
            sb.append(' ');
        }
        two(sb, t.getHour());
        sb.append(':');
        two(sb, t.getMinute());
        sb.append(':');
        two(sb, t.getSecond());
        fraction(sb, micros);
    }

    private static void fraction(StringBuilder sb, long micros) {
        String f = Long.toString(Math.floorMod(micros, MICROS_PER_SECOND));
        sb.append('.').append("000000", 0, 6 - f.length()).append(f);
    }

    private static void two(StringBuilder sb, int v) {
        if (v < 10) {
            sb.append('0');
        }
        sb.append(v);
    }
}
