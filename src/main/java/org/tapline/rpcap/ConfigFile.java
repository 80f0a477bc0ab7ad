package org.tapline.rpcap;

import java.util.ArrayList;
import java.util.List;

/**
 * rpcapd-config(5): {@code Name = value} lines with {@code PassiveClient},
 * {@code ActiveClient} and {@code NullAuthPermit}. Parsing is pure; problems are collected as
 * warnings naming the line, and the line is skipped, as rpcapd does. Unlike rpcapd, a last line
 * without a newline is read, and lines have no 2047-byte limit.
 */
public final class ConfigFile {
    /** The outcome of reading a file: the new settings and one warning per skipped line. */
    public record Result(DaemonSettings settings, List<String> warnings) {}

    private ConfigFile() {}

    /**
     * Applies {@code text} on top of {@code base} (the command line's {@code -l}, {@code -a},
     * {@code -n}): each setting the file states replaces the base's (its PassiveClient lines
     * replace {@code -l}, as in rpcapd), and each it does not state is the base's. Unlike rpcapd,
     * a file without PassiveClient lines leaves {@code -l} in force rather than allowing anyone.
     */
    public static Result parse(String text, DaemonSettings base) {
        List<String> passive = new ArrayList<>();
        List<DaemonSettings.ActiveClient> active = new ArrayList<>();
        Boolean nullAuth = null;
        List<String> warnings = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int n = 1; n <= lines.length; n++) {
            String line = stripComment(lines[n - 1]).strip();
            if (line.isEmpty()) {
                continue;
            }
            int i = 0;
            if (!Character.isLetter(line.charAt(0))) {
                warnings.add("line " + n + " doesn't have a valid parameter name");
                continue;
            }
            while (i < line.length() && (Character.isLetterOrDigit(line.charAt(i)) || line.charAt(i) == '-' || line.charAt(i) == '_')) {
                i++;
            }
            String name = line.substring(0, i);
            String rest = line.substring(i).strip();
            if (!rest.startsWith("=")) {
                warnings.add("line " + n + " has a parameter but no =");
                continue;
            }
            String value = rest.substring(1).strip();
            if (value.isEmpty()) {
                warnings.add("line " + n + " has a parameter but no value");
                continue;
            }
            switch (name) {
                case "PassiveClient" -> passive.add(value.split("\\s+")[0]);
                case "ActiveClient" -> {
                    if (active.size() >= DaemonSettings.MAX_ACTIVE) {
                        warnings.add("line " + n + ": only " + DaemonSettings.MAX_ACTIVE + " active clients are allowed; ignored");
                    } else {
                        try {
                            List<DaemonSettings.ActiveClient> a = DaemonSettings.parseActiveList(value);
                            active.add(a.getFirst());
                        } catch (IllegalArgumentException e) {
                            warnings.add("line " + n + ": " + e.getMessage());
                        }
                    }
                }
                case "NullAuthPermit" -> nullAuth = value.equals("YES");
                default -> warnings.add("line " + n + " has an unknown parameter " + name);
            }
        }
        DaemonSettings s = new DaemonSettings(passive.isEmpty() ? base.passiveClients() : passive,
                active.isEmpty() ? base.activeClients() : active, nullAuth == null ? base.nullAuthPermit() : nullAuth);
        return new Result(s, warnings);
    }

    private static String stripComment(String line) {
        int hash = line.indexOf('#');
        return hash < 0 ? line : line.substring(0, hash);
    }

    /** The {@code -s} output: the settings in config file form, as rpcapd writes them. */
    public static String format(DaemonSettings s) {
        StringBuilder b = new StringBuilder("# Configuration file help.\n\n");
        b.append("# Hosts which are allowed to connect to this server (passive mode)\n");
        b.append("# Format: PassiveClient = <name or address>\n\n");
        for (String h : s.passiveClients()) {
            b.append("PassiveClient = ").append(h).append('\n');
        }
        b.append("\n\n# Hosts to which this server is trying to connect to (active mode)\n");
        b.append("# Format: ActiveClient = <name or address>, <port | DEFAULT>\n\n");
        for (DaemonSettings.ActiveClient a : s.activeClients()) {
            b.append("ActiveClient = ").append(a.host()).append(", ").append(a.port()).append('\n');
        }
        b.append("\n\n# Permit NULL authentication: YES or NO\n\n");
        b.append("NullAuthPermit = ").append(s.nullAuthPermit() ? "YES" : "NO").append('\n');
        return b.toString();
    }
}
