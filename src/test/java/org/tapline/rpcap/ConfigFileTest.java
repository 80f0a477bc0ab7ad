package org.tapline.rpcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class ConfigFileTest {
    /** The -s output the reference wrote for -n -l "127.0.0.2;127.0.0.3 localhost" -a "127.0.0.1,2999,127.0.0.5". */
    private static final String REFERENCE_SAVE = """
            # Configuration file help.

            # Hosts which are allowed to connect to this server (passive mode)
            # Format: PassiveClient = <name or address>

            PassiveClient = 127.0.0.2
            PassiveClient = 127.0.0.3
            PassiveClient = localhost


            # Hosts to which this server is trying to connect to (active mode)
            # Format: ActiveClient = <name or address>, <port | DEFAULT>

            ActiveClient = 127.0.0.1, 2999
            ActiveClient = 127.0.0.5, 2003


            # Permit NULL authentication: YES or NO

            NullAuthPermit = YES
            """;

    @Test
    void saveWritesWhatTheReferenceWrites() {
        DaemonSettings s = new DaemonSettings(DaemonSettings.parseHostList("127.0.0.2;127.0.0.3 localhost"),
                DaemonSettings.parseActiveList("127.0.0.1,2999,127.0.0.5"), true);
        assertEquals(REFERENCE_SAVE, ConfigFile.format(s));
    }

    @Test
    void readingTheSavedFileGivesTheSameSettings() {
        ConfigFile.Result r = ConfigFile.parse(REFERENCE_SAVE, DaemonSettings.defaults());
        assertEquals(List.of(), r.warnings());
        assertEquals(List.of("127.0.0.2", "127.0.0.3", "localhost"), r.settings().passiveClients());
        assertEquals(List.of(new DaemonSettings.ActiveClient("127.0.0.1", 2999), new DaemonSettings.ActiveClient("127.0.0.5", 2003)),
                r.settings().activeClients());
        assertTrue(r.settings().nullAuthPermit());
    }

    @Test
    void badLinesAreSkippedWithAWarningNamingTheLine() {
        String text = "PassiveClient = a # comment\n9bad = x\nNoEquals x\nEmpty =\nColour = red\n"
                + "NullAuthPermit = yes\nActiveClient = h;DEFAULT\nActiveClient = h2, 99999";
        ConfigFile.Result r = ConfigFile.parse(text, new DaemonSettings(List.of("old"), List.of(), true));
        assertEquals(List.of("line 2 doesn't have a valid parameter name", "line 3 has a parameter but no =",
                "line 4 has a parameter but no value", "line 5 has an unknown parameter Colour",
                "line 8: '99999' is not a port number (1-65535) or DEFAULT"), r.warnings());
        assertEquals(List.of("a"), r.settings().passiveClients(), "the file's list replaces -l");
        assertFalse(r.settings().nullAuthPermit(), "only YES permits null authentication");
        assertEquals(List.of(new DaemonSettings.ActiveClient("h", 2003)), r.settings().activeClients());
    }

    @Test
    void nullAuthUnchangedWhenTheFileDoesNotSayAndActiveListIsBounded() {
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            many.append("ActiveClient = host").append(i).append(",2003\n");
        }
        ConfigFile.Result r = ConfigFile.parse(many.toString(), new DaemonSettings(List.of(), List.of(), true));
        assertTrue(r.settings().nullAuthPermit());
        assertEquals(DaemonSettings.MAX_ACTIVE, r.settings().activeClients().size());
        assertEquals(2, r.warnings().size());
        assertThrows(IllegalArgumentException.class, () -> DaemonSettings.parseActiveList("h,notaport"));
    }
}
