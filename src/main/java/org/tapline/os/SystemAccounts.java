package org.tapline.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.security.MessageDigest;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The system's accounts, for password checks the way rpcapd does on Linux without PAM:
 * getpwnam(3), then the shadow entry from getspnam(3) (root only; the passwd field when there is
 * no shadow entry), then a hash from libcrypt compared in constant time. A NULL or a "*" token
 * from crypt (locked or unsupported hash, CVE-2019-15163) is a plain failure.
 *
 * <p>getpwnam, getspnam and getgrnam use static buffers: those lookups hold the class lock. The
 * hash itself is crypt_rn(3), reentrant with its own {@code struct crypt_data}, so that hashes
 * run in parallel and a slow one never queues the lookups of other logins.
 */
public final class SystemAccounts {
    /** struct passwd: pw_name, pw_passwd, pw_uid, pw_gid, ...; struct spwd: sp_namp, sp_pwdp, ... (pwd.h, shadow.h). */
    private static final long PW_PASSWD = 8;
    private static final long PW_GID = 20;
    private static final long SP_PWDP = 8;
    /** struct group: gr_name, gr_passwd, gr_gid, gr_mem (grp.h). */
    private static final long GR_GID = 16;
    private static final long GR_MEM = 24;
    private static final long STRUCT_BYTES = 48;
    /** sizeof(struct crypt_data) in libxcrypt's crypt.h: output, setting, input, reserved, initialized, internal. */
    private static final int CRYPT_DATA_SIZE = 384 + 384 + 512 + 767 + 1 + 30720;
    /** CRYPT_GENSALT_OUTPUT_SIZE. */
    private static final int GENSALT_SIZE = 192;
    /** Members of one group read at most (a longer gr_mem list is cut here). */
    private static final int MAX_MEMBERS = 65536;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle GETPWNAM = libc("getpwnam", FunctionDescriptor.of(ADDRESS, ADDRESS));
    private static final MethodHandle GETSPNAM = libc("getspnam", FunctionDescriptor.of(ADDRESS, ADDRESS));
    private static final MethodHandle GETGRNAM = libc("getgrnam", FunctionDescriptor.of(ADDRESS, ADDRESS));
    private static final SymbolLookup LIBCRYPT = loadCrypt();
    private static final MethodHandle CRYPT_RN = crypt("crypt_rn", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle GENSALT_RN = crypt("crypt_gensalt_rn",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT));

    private SystemAccounts() {}

    private static MethodHandle libc(String name, FunctionDescriptor d) {
        return LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow(name), d);
    }

    private static SymbolLookup loadCrypt() {
        try {
            return SymbolLookup.libraryLookup("libcrypt.so.1", Arena.global());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static MethodHandle crypt(String name, FunctionDescriptor d) {
        return LIBCRYPT == null ? null : LIBCRYPT.find(name).map(s -> LINKER.downcallHandle(s, d)).orElse(null);
    }

    /** True when {@code user} exists and {@code password} matches its stored hash (one lookup, one hash). */
    public static boolean check(String user, byte[] password) {
        String stored = storedHash(user);
        return stored != null && matches(password, stored);
    }

    /**
     * The stored hash of {@code user}: the shadow entry's, else the passwd field; null when there
     * is no such user or no hash that can ever match (empty, or a locked "!"/"*" entry).
     */
    public static synchronized String storedHash(String user) {
        if (!validName(user)) {
            return null;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment name = a.allocateFrom(user);
            MemorySegment pw = (MemorySegment) GETPWNAM.invokeExact(name);
            if (pw.equals(MemorySegment.NULL)) {
                return null;
            }
            String stored = string(pw.reinterpret(STRUCT_BYTES).get(ADDRESS, PW_PASSWD));
            MemorySegment sp = (MemorySegment) GETSPNAM.invokeExact(name);
            if (!sp.equals(MemorySegment.NULL)) {
                stored = string(sp.reinterpret(STRUCT_BYTES).get(ADDRESS, SP_PWDP));
            }
            return stored == null || stored.isEmpty() || stored.startsWith("!") || stored.startsWith("*") ? null : stored;
        } catch (Throwable t) {
            return null;
        }
    }

    /** True when {@code user} exists and {@code group} is its primary group or lists it as a member (getgrnam(3)). */
    public static synchronized boolean inGroup(String user, String group) {
        if (!validName(user) || !validName(group)) {
            return false;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment gr = (MemorySegment) GETGRNAM.invokeExact(a.allocateFrom(group));
            if (gr.equals(MemorySegment.NULL)) {
                return false;
            }
            gr = gr.reinterpret(STRUCT_BYTES);
            int gid = gr.get(JAVA_INT, GR_GID);
            MemorySegment members = gr.get(ADDRESS, GR_MEM);
            for (int i = 0; !members.equals(MemorySegment.NULL) && i < MAX_MEMBERS; i++) {
                String m = string(members.reinterpret((i + 1L) * ADDRESS.byteSize()).getAtIndex(ADDRESS, i));
                if (m == null) {
                    break;
                }
                if (m.equals(user)) {
                    return true;
                }
            }
            MemorySegment pw = (MemorySegment) GETPWNAM.invokeExact(a.allocateFrom(user));
            return !pw.equals(MemorySegment.NULL) && pw.reinterpret(STRUCT_BYTES).get(JAVA_INT, PW_GID) == gid;
        } catch (Throwable t) {
            return false;
        }
    }

    /**
     * Hashes {@code password} (its bytes as they are) with the method, cost and salt of
     * {@code setting} through crypt_rn(3), and compares the result with {@code setting} in
     * constant time. A password with a NUL byte is hashed too (the hash stops there, as C's
     * strings do) but never matches.
     */
    public static boolean matches(byte[] password, String setting) {
        if (CRYPT_RN == null) {
            return false;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment key = a.allocate(password.length + 1L);
            MemorySegment.copy(password, 0, key, JAVA_BYTE, 0, password.length);
            MemorySegment data = a.allocate(CRYPT_DATA_SIZE);
            MemorySegment out = (MemorySegment) CRYPT_RN.invokeExact(key, a.allocateFrom(setting), data, CRYPT_DATA_SIZE);
            key.fill((byte) 0);
            String hashed = string(out);
            data.fill((byte) 0);
            // libxcrypt returns a "*0"/"*1" failure token for bad settings where crypt_rn does not return NULL.
            if (hashed == null || hashed.startsWith("*")) {
                return false;
            }
            boolean nul = false;
            for (byte b : password) {
                nul |= b == 0;
            }
            return MessageDigest.isEqual(hashed.getBytes(), setting.getBytes()) && !nul;
        } catch (Throwable t) {
            return false;
        }
    }

    /**
     * A fresh setting (method, cost, random salt) of libcrypt's default method, as passwd(1)
     * would make for a new password: what unknown users are hashed against, so that they take as
     * long as known ones. Null when libcrypt is missing.
     */
    public static String defaultSetting() {
        if (GENSALT_RN == null) {
            return null;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(GENSALT_SIZE);
            MemorySegment r = (MemorySegment) GENSALT_RN.invokeExact(MemorySegment.NULL, 0L, MemorySegment.NULL, 0, out, GENSALT_SIZE);
            String s = string(r);
            return s == null || s.startsWith("*") ? null : s;
        } catch (Throwable t) {
            return null;
        }
    }

    private static boolean validName(String s) {
        return s != null && !s.isEmpty() && s.indexOf('\0') < 0;
    }

    private static String string(MemorySegment p) {
        return p.equals(MemorySegment.NULL) ? null : p.reinterpret(4096).getString(0);
    }
}
