package org.tapline.rpcap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code -f} config file: read once at start (a file that cannot be read stops the daemon,
 * so a typo in the path cannot silently drop an allow-list) and again on SIGHUP (then a file
 * that cannot be read leaves the running settings as they are, and the log says why). Reloads
 * run one at a time, each reading the file as it is when it runs, so the last SIGHUP wins.
 */
public final class ConfigReload {
    private final Path file;
    private final DaemonLog log;

    public ConfigReload(Path file, DaemonLog log) {
        this.file = file;
        this.log = log;
    }

    /** The file's settings on top of {@code base}; an unreadable file is an IOException naming it and why. */
    public DaemonSettings read(DaemonSettings base) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IOException("config file " + FileReason.of(file, e), e);
        }
        ConfigFile.Result r = ConfigFile.parse(text, base);
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
            s = read(now.settings());
        } catch (IOException e) {
            log.error("cannot reload " + e.getMessage() + "; the settings stay as they were");
            return;
        }
        server.reconfigure(now.withSettings(s));
        log.info("reloaded " + file + ": passive clients " + (s.passiveClients().isEmpty() ? "any" : String.join(" ", s.passiveClients()))
                + ", null authentication " + (s.nullAuthPermit() ? "permitted" : "not permitted"));
    }
}
