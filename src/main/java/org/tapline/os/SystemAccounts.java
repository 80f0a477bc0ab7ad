package org.tapline.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.security.MessageDigest;

import static java.lang.foreign.ValueLayout.ADDRESS;

/**
 * Password checks against the system's accounts the way rpcapd does on Linux without PAM:
 * getpwnam(3), then the shadow entry from getspnam(3) (root only; the passwd field when there is
 * no shadow entry), then crypt(3) from libcrypt and a constant-time comparison. A NULL from
 * crypt (locked or unsupported hash, CVE-2019-15163) is a plain failure.
 *
 * <p>getpwnam, getspnam and crypt use static buffers: every call holds the class lock.
 */
public final class SystemAccounts {
    /** struct passwd: pw_name, pw_passwd, ...; struct spwd: sp_namp, sp_pwdp, ... */
    private static final long PW_PASSWD = 8;
    private static final long SP_PWDP = 8;
    private static final long POINTERS = 16;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle GETPWNAM = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("getpwnam"),
            FunctionDescriptor.of(ADDRESS, ADDRESS));
    private static final MethodHandle GETSPNAM = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("getspnam"),
            FunctionDescriptor.of(ADDRESS, ADDRESS));
    private static final MethodHandle CRYPT = loadCrypt();

    private SystemAccounts() {}

    private static MethodHandle loadCrypt() {
        try {
            SymbolLookup lib = SymbolLookup.libraryLookup("libcrypt.so.1", Arena.global());
            return LINKER.downcallHandle(lib.findOrThrow("crypt"), FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** True when {@code user} exists and {@code password} matches its stored hash. */
    public static synchronized boolean check(String user, byte[] password) {
        if (CRYPT == null || user.isEmpty() || user.indexOf('\0') >= 0) {
            return false;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment name = a.allocateFrom(user);
            MemorySegment pw = (MemorySegment) GETPWNAM.invokeExact(name);
            if (pw.equals(MemorySegment.NULL)) {
                return false;
            }
            String stored = string(pw.reinterpret(POINTERS).get(ADDRESS, PW_PASSWD));
            MemorySegment sp = (MemorySegment) GETSPNAM.invokeExact(name);
            if (!sp.equals(MemorySegment.NULL)) {
                stored = string(sp.reinterpret(POINTERS).get(ADDRESS, SP_PWDP));
            }
            if (stored == null || stored.isEmpty()) {
                return false;
            }
            MemorySegment key = a.allocate(password.length + 1L);
            MemorySegment.copy(password, 0, key, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, password.length);
            MemorySegment out = (MemorySegment) CRYPT.invokeExact(key, a.allocateFrom(stored));
            key.fill((byte) 0);
            String hashed = string(out);
            // libxcrypt returns a "*0"/"*1" failure token rather than NULL for bad settings.
            if (hashed == null || hashed.startsWith("*")) {
                return false;
            }
            return MessageDigest.isEqual(hashed.getBytes(), stored.getBytes());
        } catch (Throwable t) {
            return false;
        }
    }

    private static String string(MemorySegment p) {
        return p.equals(MemorySegment.NULL) ? null : p.reinterpret(4096).getString(0);
    }
}
