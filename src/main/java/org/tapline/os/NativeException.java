package org.tapline.os;

import java.io.IOException;

/**
 * A failed native call: names the call, the object it acted on (interface, file, device) and the
 * {@code strerror} text, e.g. {@code ioctl(SIOCSIFMTU) on tl-veth0: Operation not permitted}.
 */
public final class NativeException extends IOException {
    private final int errno;

    public NativeException(String call, String object, int errno, String reason) {
        super(call + (object == null || object.isEmpty() ? "" : " on " + object) + ": " + reason);
        this.errno = errno;
    }

    /** The C {@code errno} value, or 0 when the failure did not come from errno (libpcap status). */
    public int errno() {
        return errno;
    }
}
