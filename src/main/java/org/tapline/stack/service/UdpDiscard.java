package org.tapline.stack.service;

import java.io.IOException;

import org.tapline.stack.NetStack;

/** The UDP discard service (RFC 863): every datagram is read and dropped, nothing answered. */
public final class UdpDiscard {
    public static final int PORT = 9;

    private UdpDiscard() {}

    public static UdpService start(NetStack stack, int port) throws IOException {
        return UdpService.start(stack, "discard", port, (request, reply) -> false);
    }
}
