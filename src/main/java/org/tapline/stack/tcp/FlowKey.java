package org.tapline.stack.tcp;

import org.tapline.stack.ip.IpAddress;

/**
 * A connection's four-tuple as the demultiplexing key. Mutable so the transport can look a
 * segment up through one reused probe without allocating; keys stored in the table are never
 * changed.
 */
final class FlowKey {
    IpAddress local;
    int localPort;
    IpAddress remote;
    int remotePort;

    FlowKey() {}

    FlowKey(IpAddress local, int localPort, IpAddress remote, int remotePort) {
        set(local, localPort, remote, remotePort);
    }

    FlowKey set(IpAddress local, int localPort, IpAddress remote, int remotePort) {
        this.local = local;
        this.localPort = localPort;
        this.remote = remote;
        this.remotePort = remotePort;
        return this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FlowKey k && localPort == k.localPort && remotePort == k.remotePort
                && local.equals(k.local) && remote.equals(k.remote);
    }

    @Override
    public int hashCode() {
        long h = local.lo() * 31 + local.hi() + remote.lo() * 961 + remote.hi() * 7;
        return (int) (h ^ (h >>> 32)) * 31 + (localPort << 16 | remotePort);
    }
}
