package org.tapline.stack.service;

import java.io.IOException;

import org.tapline.stack.NetStack;

/** The UDP echo service (RFC 862): each datagram is sent back as it came. */
public final class UdpEcho {
    public static final int PORT = 7;

    private UdpEcho() {}

    public static UdpService start(NetStack stack, int port) throws IOException {
        return UdpService.start(stack, "echo", port, (request, reply) -> {
            reply.put(request);
            return true;
        });
    }
}
