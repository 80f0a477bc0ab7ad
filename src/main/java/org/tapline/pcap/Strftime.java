package org.tapline.pcap;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.IsoFields;
import java.util.Locale;

/**
 * strftime(3) in the C locale, for tcpdump's {@code -G} file names ({@code -w 'trace-%Y%m%d-%H%M%S.pcap'}).
 * The conversions are POSIX's (with the E and O modifiers read as plain conversions) and glibc's
 * {@code %k %l %s %P}; an unknown conversion is copied as it stands, as glibc does.
 */
public final class Strftime {
    private static final DateTimeFormatter ZONE_NAME = DateTimeFormatter.ofPattern("zzz", Locale.ENGLISH);

    private Strftime() {}

    public static String format(String pattern, ZonedDateTime t) {
        StringBuilder b = new StringBuilder(pattern.length() + 16);
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c != '%' || i + 1 == pattern.length()) {
                b.append(c);
                continue;
            }
            int start = i;
            char k = pattern.charAt(++i);
            if ((k == 'E' || k == 'O') && i + 1 < pattern.length()) {
                k = pattern.charAt(++i);
            }
            if (!conversion(b, k, t)) {
                b.append(pattern, start, i + 1);
            }
        }
        return b.toString();
    }

    private static boolean conversion(StringBuilder b, char k, ZonedDateTime t) {
        switch (k) {
            case 'a' -> b.append(t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
            case 'A' -> b.append(t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
            case 'b', 'h' -> b.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
            case 'B' -> b.append(t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
            case 'c' -> b.append(format("%a %b %e %H:%M:%S %Y", t));
            case 'C' -> pad(b, Math.floorDiv(t.getYear(), 100), 2, '0');
            case 'd' -> pad(b, t.getDayOfMonth(), 2, '0');
            case 'D', 'x' -> b.append(format("%m/%d/%y", t));
            case 'e' -> pad(b, t.getDayOfMonth(), 2, ' ');
            case 'F' -> b.append(format("%Y-%m-%d", t));
            case 'g' -> pad(b, Math.floorMod(t.get(IsoFields.WEEK_BASED_YEAR), 100), 2, '0');
            case 'G' -> b.append(t.get(IsoFields.WEEK_BASED_YEAR));
            case 'H' -> pad(b, t.getHour(), 2, '0');
            case 'I' -> pad(b, hour12(t), 2, '0');
            case 'j' -> pad(b, t.getDayOfYear(), 3, '0');
            case 'k' -> pad(b, t.getHour(), 2, ' ');
            case 'l' -> pad(b, hour12(t), 2, ' ');
            case 'm' -> pad(b, t.getMonthValue(), 2, '0');
            case 'M' -> pad(b, t.getMinute(), 2, '0');
            case 'n' -> b.append('\n');
            case 'p' -> b.append(t.getHour() < 12 ? "AM" : "PM");
            case 'P' -> b.append(t.getHour() < 12 ? "am" : "pm");
            case 'r' -> b.append(format("%I:%M:%S %p", t));
            case 'R' -> b.append(format("%H:%M", t));
            case 's' -> b.append(t.toEpochSecond());
            case 'S' -> pad(b, t.getSecond(), 2, '0');
            case 't' -> b.append('\t');
            case 'T', 'X' -> b.append(format("%H:%M:%S", t));
            case 'u' -> b.append(t.getDayOfWeek().getValue());
            case 'U' -> pad(b, (t.getDayOfYear() + 6 - t.getDayOfWeek().getValue() % 7) / 7, 2, '0');
            case 'V' -> pad(b, t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR), 2, '0');
            case 'w' -> b.append(t.getDayOfWeek().getValue() % 7);
            case 'W' -> pad(b, (t.getDayOfYear() + 6 - (t.getDayOfWeek().getValue() + 6) % 7) / 7, 2, '0');
            case 'y' -> pad(b, Math.floorMod(t.getYear(), 100), 2, '0');
            case 'Y' -> b.append(t.getYear());
            case 'z' -> {
                int s = t.getOffset().getTotalSeconds();
                b.append(s < 0 ? '-' : '+');
                pad(b, Math.abs(s) / 3600, 2, '0');
                pad(b, Math.abs(s) / 60 % 60, 2, '0');
            }
            case 'Z' -> b.append(ZONE_NAME.format(t));
            case '%' -> b.append('%');
            default -> {
                return false;
            }
        }
        return true;
    }

    private static int hour12(ZonedDateTime t) {
        return t.get(ChronoField.CLOCK_HOUR_OF_AMPM);
    }

    private static void pad(StringBuilder b, long v, int width, char fill) {
        String s = Long.toString(v);
        for (int i = s.length(); i < width; i++) {
            b.append(fill);
        }
        b.append(s);
    }
}
