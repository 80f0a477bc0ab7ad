package org.tapline.rpcap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.tapline.pcap.FileErrors;

/**
 * The {@code -f} config file: read once at start (a file that cannot be read stops the daemon,
 * so a typo in the path cannot silently drop an allow-list) and again on SIGHUP (then a file
 * that cannot be read leaves the running settings as they are, and the log says why). Reloads
 * run one at a time, each reading the file as it is when it runs, so the last SIGHUP wins.
 *
 * <p>Every read starts from the command line's settings (the base given to the first
 * {@link #read}), never from the running ones: a reload means exactly the file plus the command
 * line, so a line removed from the file is gone (absent = the command line's, off unless
 * {@code -n}/{@code -l}/{@code -a} said otherwise). The log names each setting that changed.
 */
public final class ConfigReload {
    private final Path file;
    private final DaemonLog log;
    /** The command line's settings; set by the first read. Guarded by this. */
    private DaemonSettings commandLine;

    public ConfigReload(Path file, DaemonLog log) {
        this.file = file;
        this.log = log;
    }

    /**
     * The file's settings on top of {@code commandLine} (remembered as the base of every later
     * reload); an unreadable file is an IOException naming it and why.
     */
    public synchronized DaemonSettings read(DaemonSettings commandLine) throws IOException {
        if (this.commandLine == null) {
            this.commandLine = commandLine;
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IOException("config file " + FileErrors.text(file, e), e);
        }
        ConfigFile.Result r = ConfigFile.parse(text, this.commandLine);
        for (String w : r.warnings()) {
            log.warn(file + ": " + w);
        }
        return r.settings();
    }

    /** SIGHUP: new sessions get the file's settings; sessions that run keep theirs. */
    public synchronized void reload(RpcapServer server) {
        DaemonConfig now = server.config();
        DaemonSettings s;
        try {
            s = read(commandLine == null ? now.settings() : commandLine);
        } catch (IOException e) {
            log.error("cannot reload " + e.getMessage() + "; the settings stay as they were");
            return;
        }
        server.reconfigure(now.withSettings(s));
        log.info("reloaded " + file + ": passive clients " + hosts(s.passiveClients()) + ", null authentication "
                + permitted(s.nullAuthPermit()));
        List<String> changes = changes(now.settings(), s);
        if (changes.isEmpty()) {
            log.info(file + ": no setting changed");
        }
        for (String c : changes) {
            log.info(file + ": " + c);
        }
    }

    /** One line per setting that differs, "what: before -> after". */
    static List<String> changes(DaemonSettings before, DaemonSettings after) {
        List<String> out = new ArrayList<>();
        if (!before.passiveClients().equals(after.passiveClients())) {
            out.add("passive clients: " + hosts(before.passiveClients()) + " -> " + hosts(after.passiveClients()));
        }
        if (!before.activeClients().equals(after.activeClients())) {
            out.add("active clients: " + active(before) + " -> " + active(after));
        }
        if (before.nullAuthPermit() != after.nullAuthPermit()) {
            out.add("null authentication: " + permitted(before.nullAuthPermit()) + " -> " + permitted(after.nullAuthPermit()));
        }
        return out;
    }

    private static String hosts(List<String> h) {
        return h.isEmpty() ? "any" : String.join(" ", h);
    }

    private static String active(DaemonSettings s) {
        return s.activeClients().isEmpty() ? "none"
                : String.join(" ", s.activeClients().stream().map(a -> a.host() + "," + a.port()).toList());
    }

    private static String permitted(boolean p) {
        return p ? "permitted" : "not permitted";
    }
}
