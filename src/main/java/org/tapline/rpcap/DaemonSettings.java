package org.tapline.rpcap;

import java.util.ArrayList;
import java.util.List;

/**
 * What rpcapd's config file (rpcapd-config(5)) and its {@code -l}, {@code -a}, {@code -n}
 * flags control: the passive host allow-list, the active-mode targets and whether null
 * authentication is permitted. Immutable; a SIGHUP reload makes a new one.
 */
public record DaemonSettings(List<String> passiveClients, List<ActiveClient> activeClients, boolean nullAuthPermit) {
    /** rpcapd's MAX_ACTIVE_LIST: active targets beyond this are ignored (with a warning). */
    public static final int MAX_ACTIVE = 10;
    /** The active-mode port a client listens on by default (RPCAP_DEFAULT_NETPORT_ACTIVE). */
    public static final int DEFAULT_ACTIVE_PORT = 2003;
    /** Separators of host lists and active entries (RPCAP_HOSTLIST_SEP). */
    static final String SEPARATORS = " ,;\r\n";

    /** One {@code -a host,port} / {@code ActiveClient} entry. */
    public record ActiveClient(String host, int port) {}

    public DaemonSettings {
        passiveClients = List.copyOf(passiveClients);
        activeClients = List.copyOf(activeClients);
    }

    public static DaemonSettings defaults() {
        return new DaemonSettings(List.of(), List.of(), false);
    }

    /** Splits an {@code -l} value into host names, as rpcapd does with RPCAP_HOSTLIST_SEP. */
    public static List<String> parseHostList(String list) {
        List<String> out = new ArrayList<>();
        for (String h : list.split("[" + SEPARATORS + "]+")) {
            if (!h.isEmpty()) {
                out.add(h);
            }
        }
        return out;
    }

    /**
     * Parses an {@code -a host,port[,host,port...]} value; {@code DEFAULT} or a missing last
     * port means 2003.
     */
    public static List<ActiveClient> parseActiveList(String list) {
        List<String> parts = parseHostList(list);
        List<ActiveClient> out = new ArrayList<>();
        for (int i = 0; i < parts.size(); i += 2) {
            String port = i + 1 < parts.size() ? parts.get(i + 1) : "DEFAULT";
            out.add(new ActiveClient(parts.get(i), parsePort(port)));
        }
        return out;
    }

    static int parsePort(String port) {
        if (port.equals("DEFAULT")) {
            return DEFAULT_ACTIVE_PORT;
        }
        try {
            int p = Integer.parseInt(port);
            if (p > 0 && p < 65536) {
                return p;
            }
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw new IllegalArgumentException("'" + port + "' is not a port number (1-65535) or DEFAULT");
    }
}
