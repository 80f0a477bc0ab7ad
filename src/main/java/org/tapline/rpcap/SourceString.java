package org.tapline.rpcap;

/**
 * Capture source strings as libpcap's pcap_parsesrcstr and WinPcap accept them (docs/RPCAP.md §5):
 * <pre>
 *   eth0, rpcap://eth0                  a local device
 *   file://path                         a capture file
 *   rpcap://host[:port]/device          a remote device (port default 2002)
 *   rpcaps://...                        the same over TLS
 *   rpcap://[2001:db8::1]:2002/eth0     IPv6 literals in brackets
 *   rpcap://host/                       (for listing) a remote host's devices
 * </pre>
 * Remote schemes are lowercase only, as in libpcap; an IPv6 literal without brackets, text
 * after a bracketed literal, and user information in the URL (which libpcap disabled) are refused.
 */
public record SourceString(Kind kind, String host, int port, String device, boolean tls) {
    public enum Kind { LOCAL, FILE, REMOTE }

    public static final int MAX_LENGTH = 1024;

    public static SourceString parse(String s) {
        if (s.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("source string longer than " + MAX_LENGTH + " characters");
        }
        int colon = s.indexOf(':');
        if (colon < 0 || !s.startsWith("//", colon + 1)) {
            return new SourceString(Kind.LOCAL, null, 0, s, false);
        }
        String scheme = s.substring(0, colon);
        String rest = s.substring(colon + 3);
        if (scheme.equalsIgnoreCase("file")) {
            if (rest.isEmpty()) {
                throw new IllegalArgumentException("file:// needs a path");
            }
            return new SourceString(Kind.FILE, null, 0, rest, false);
        }
        boolean tls;
        if (scheme.equals("rpcap")) {
            tls = false;
        } else if (scheme.equals("rpcaps")) {
            tls = true;
        } else {
            throw new IllegalArgumentException("The source string URL scheme is not supported: '" + scheme
                    + "' (use rpcap://, rpcaps:// or file://, in lowercase)");
        }
        int slash = rest.indexOf('/');
        if (slash < 0) {
            // WinPcap compatibility: rpcap://eth0 is the local device eth0.
            if (rest.isEmpty()) {
                throw new IllegalArgumentException("To open a remote capture device, the source string must include the device name.");
            }
            return new SourceString(Kind.LOCAL, null, 0, rest, tls);
        }
        String authority = rest.substring(0, slash);
        String device = rest.substring(slash + 1);
        if (authority.contains("@")) {
            throw new IllegalArgumentException("user names and passwords in the URL are not supported (libpcap disabled them); "
                    + "use --auth USER");
        }
        String host;
        String portText = null;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("IP-literal in URL doesn't end with ]");
            }
            host = authority.substring(1, close);
            String after = authority.substring(close + 1);
            if (after.startsWith(":")) {
                portText = after.substring(1);
            } else if (!after.isEmpty()) {
                throw new IllegalArgumentException("Extra text after IP-literal in URL");
            }
        } else {
            int c = authority.indexOf(':');
            if (c >= 0 && authority.indexOf(':', c + 1) >= 0) {
                throw new IllegalArgumentException("an IPv6 address in a URL must be in brackets: rpcap://[" + authority + "]/...");
            }
            host = c < 0 ? authority : authority.substring(0, c);
            portText = c < 0 ? null : authority.substring(c + 1);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("the source string has no host name: " + s);
        }
        int port = Rpcap.DEFAULT_PORT;
        if (portText != null) {
            try {
                port = Integer.parseInt(portText);
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port <= 0 || port > 65535) {
                throw new IllegalArgumentException("'" + portText + "' is not a port number (1-65535)");
            }
        }
        return new SourceString(Kind.REMOTE, host, port, device, tls);
    }

    /** The name libpcap gives a remote device: rpcap[s]://host[:port]/device, IPv6 hosts in brackets. */
    public String remoteName(String dev, boolean portGiven) {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return (tls ? "rpcaps://" : "rpcap://") + h + (portGiven ? ":" + port : "") + "/" + dev;
    }
}
