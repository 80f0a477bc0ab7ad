package org.tapline.os;

/** The errno values tapline reacts to (Linux, asm-generic/errno-base.h and errno.h). */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int EACCES = 13;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int EMSGSIZE = 90;
    public static final int EADDRNOTAVAIL = 99;
    public static final int ENOBUFS = 105;

    private Errno() {}
}
