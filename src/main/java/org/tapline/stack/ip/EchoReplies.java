package org.tapline.stack.ip;

import java.lang.foreign.MemorySegment;

/**
 * Where the ICMP and ICMPv6 layers hand the echo replies they receive (for the stack's ping
 * call). {@code data} is the echo's data, valid only during the call.
 */
@FunctionalInterface
public interface EchoReplies {
    void reply(IpAddress from, int identifier, int sequence, MemorySegment data, long now);
}
