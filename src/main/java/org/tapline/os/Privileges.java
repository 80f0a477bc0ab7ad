package org.tapline.os;

/** What the process may do: capture and TAP creation need root or CAP_NET_RAW/CAP_NET_ADMIN. */
public final class Privileges {
    private Privileges() {}

    /** True when the effective uid is 0. */
    public static boolean isRoot() {
        try {
            return (int) Libc.GETEUID.invokeExact() == 0;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }
}
