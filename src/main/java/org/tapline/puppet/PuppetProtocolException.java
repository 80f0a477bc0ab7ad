package org.tapline.puppet;

import java.io.IOException;

/** The peer broke the protocol (garbage, an oversized length, a version we do not speak, a failed proof). */
public final class PuppetProtocolException extends IOException {
    public PuppetProtocolException(String message) {
        super(message);
    }
}
