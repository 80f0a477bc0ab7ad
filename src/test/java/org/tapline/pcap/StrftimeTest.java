package org.tapline.pcap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** Our strftime against the C library's, through date(1), in several zones and at awkward dates. */
class StrftimeTest {
    private static final String[] FORMATS = {
            "trace-%Y%m%d-%H%M%S.pcap", "%a %A %b %B %h", "%c", "%C %y %G %g", "%d %e %j", "%D %F %T %R %r",
            "%H %I %k %l %p %P", "%M %S %s", "%u %w %U %W %V", "%x %X", "%z %Z", "100%% %Ey %OH", "%n%t|",
    };
    private static final long[] TIMES = {
            0L, 951_782_400L /* 2000-02-29 */, 1_704_067_199L /* 2023-12-31 23:59:59 UTC */, 1_735_603_200L /* 2024-12-31 */,
            1_711_846_800L /* 2024-03-31 01:00 UTC, a DST change in Berlin */, 1_798_761_600L /* 2027-01-01 */,
    };

    @Test
    void formatsAsTheCLibraryDoes() throws Exception {
        for (String zone : List.of("UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata")) {
            for (long t : TIMES) {
                for (String f : FORMATS) {
                    String ours = Strftime.format(f, ZonedDateTime.ofInstant(Instant.ofEpochSecond(t), ZoneId.of(zone)));
                    assertEquals(date(zone, t, f), ours, zone + " @" + t + " " + f);
                }
            }
        }
    }

    @Test
    void leavesAnUnknownConversionAsItStands() {
        // glibc copies what it does not know; date(1) has extensions of its own (%q, %N), so no comparison here.
        assertEquals("a%qb%", Strftime.format("a%qb%", ZonedDateTime.ofInstant(Instant.EPOCH, ZoneId.of("UTC"))));
    }

    private static String date(String zone, long t, String format) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("date", "-d", "@" + t, "+" + format));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("TZ", zone);
        pb.environment().put("LC_ALL", "C");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(10, TimeUnit.SECONDS);
        assertEquals(0, p.exitValue(), String.join(" ", cmd));
        return out.substring(0, out.length() - 1);
    }
}
