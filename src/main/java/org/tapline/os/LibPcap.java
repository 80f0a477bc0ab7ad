package org.tapline.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Hand-written libpcap bindings (pcap/pcap.h of libpcap 1.10). Loaded on first use from
 * Debian's {@code libpcap.so.0.8}; when it is missing every entry point throws
 * {@link PcapMissingException} with the command that installs it.
 */
final class LibPcap {
    static final int ERRBUF_SIZE = 256;
    /** struct pcap_pkthdr on LP64: timeval(16) caplen(4) len(4). */
    static final long PKTHDR_SIZE = 24;
    static final long PKTHDR_TS_SEC = 0;
    static final long PKTHDR_TS_FRAC = 8;
    static final long PKTHDR_CAPLEN = 16;
    static final long PKTHDR_LEN = 20;
    /** struct bpf_program: u_int bf_len (+4 pad), struct bpf_insn *bf_insns. */
    static final long BPF_PROGRAM_SIZE = 16;
    /** struct bpf_insn: u_short code, u_char jt, u_char jf, bpf_u_int32 k. */
    static final long BPF_INSN_SIZE = 8;
    /** struct pcap_stat: u_int ps_recv, ps_drop, ps_ifdrop. */
    static final long STAT_SIZE = 12;
    /** struct pcap_if: next, name, description, addresses, flags. */
    static final long IF_NEXT = 0;
    static final long IF_NAME = 8;
    static final long IF_DESCRIPTION = 16;
    static final long IF_ADDRESSES = 24;
    static final long IF_FLAGS = 32;
    static final long IF_SIZE = 40;
    /** struct pcap_addr: next, addr, netmask, broadaddr, dstaddr. */
    static final long ADDR_NEXT = 0;
    static final long ADDR_ADDR = 8;
    static final long ADDR_NETMASK = 16;
    static final long ADDR_BROADADDR = 24;
    static final long ADDR_DSTADDR = 32;
    static final long ADDR_SIZE = 40;

    static final int PCAP_ERROR = -1;
    static final int PCAP_ERROR_BREAK = -2;
    static final int PCAP_TSTAMP_PRECISION_NANO = 1;
    static final int PCAP_NETMASK_UNKNOWN = 0xffffffff;

    /** Debian's soname; the system property {@code tapline.libpcap} names another file. */
    private static final String SONAME = "libpcap.so.0.8";
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIB = load();

    static final MethodHandle FINDALLDEVS = h("pcap_findalldevs", JAVA_INT, ADDRESS, ADDRESS);
    static final MethodHandle FREEALLDEVS = v("pcap_freealldevs", ADDRESS);
    static final MethodHandle CREATE = h("pcap_create", ADDRESS, ADDRESS, ADDRESS);
    static final MethodHandle SET_SNAPLEN = h("pcap_set_snaplen", JAVA_INT, ADDRESS, JAVA_INT);
    static final MethodHandle SET_PROMISC = h("pcap_set_promisc", JAVA_INT, ADDRESS, JAVA_INT);
    static final MethodHandle SET_IMMEDIATE = h("pcap_set_immediate_mode", JAVA_INT, ADDRESS, JAVA_INT);
    static final MethodHandle SET_BUFFER_SIZE = h("pcap_set_buffer_size", JAVA_INT, ADDRESS, JAVA_INT);
    static final MethodHandle SET_TIMEOUT = h("pcap_set_timeout", JAVA_INT, ADDRESS, JAVA_INT);
    static final MethodHandle SET_TSTAMP_PRECISION = h("pcap_set_tstamp_precision", JAVA_INT, ADDRESS, JAVA_INT);
    static final MethodHandle ACTIVATE = h("pcap_activate", JAVA_INT, ADDRESS);
    static final MethodHandle SETDIRECTION = h("pcap_setdirection", JAVA_INT, ADDRESS, JAVA_INT);
    static final MethodHandle NEXT_EX = h("pcap_next_ex", JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
    static final MethodHandle INJECT = h("pcap_inject", JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG);
    static final MethodHandle COMPILE = h("pcap_compile", JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT);
    static final MethodHandle SETFILTER = h("pcap_setfilter", JAVA_INT, ADDRESS, ADDRESS);
    static final MethodHandle FREECODE = v("pcap_freecode", ADDRESS);
    static final MethodHandle STATS = h("pcap_stats", JAVA_INT, ADDRESS, ADDRESS);
    static final MethodHandle DATALINK = h("pcap_datalink", JAVA_INT, ADDRESS);
    static final MethodHandle SNAPSHOT = h("pcap_snapshot", JAVA_INT, ADDRESS);
    static final MethodHandle BREAKLOOP = v("pcap_breakloop", ADDRESS);
    static final MethodHandle GETERR = h("pcap_geterr", ADDRESS, ADDRESS);
    static final MethodHandle STATUSTOSTR = h("pcap_statustostr", ADDRESS, JAVA_INT);
    static final MethodHandle CLOSE = v("pcap_close", ADDRESS);
    static final MethodHandle OPEN_DEAD = h("pcap_open_dead", ADDRESS, JAVA_INT, JAVA_INT);
    static final MethodHandle LIB_VERSION = h("pcap_lib_version", ADDRESS);
    static final MethodHandle SETNONBLOCK = h("pcap_setnonblock", JAVA_INT, ADDRESS, JAVA_INT, ADDRESS);
    static final MethodHandle GET_SELECTABLE_FD = h("pcap_get_selectable_fd", JAVA_INT, ADDRESS);
    static final MethodHandle OFFLINE_FILTER = h("pcap_offline_filter", JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
    static final MethodHandle DATALINK_VAL_TO_NAME = h("pcap_datalink_val_to_name", ADDRESS, JAVA_INT);
    static final MethodHandle DATALINK_VAL_TO_DESCRIPTION_OR_DLT = h("pcap_datalink_val_to_description_or_dlt", ADDRESS, JAVA_INT);
    static final MethodHandle DATALINK_NAME_TO_VAL = h("pcap_datalink_name_to_val", JAVA_INT, ADDRESS);
    static final MethodHandle LIST_DATALINKS = h("pcap_list_datalinks", JAVA_INT, ADDRESS, ADDRESS);
    static final MethodHandle FREE_DATALINKS = v("pcap_free_datalinks", ADDRESS);
    static final MethodHandle SET_DATALINK = h("pcap_set_datalink", JAVA_INT, ADDRESS, JAVA_INT);

    private LibPcap() {}

    private static SymbolLookup load() {
        try {
            return SymbolLookup.libraryLookup(System.getProperty("tapline.libpcap", SONAME), Arena.global());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static boolean available() {
        return LIB != null;
    }

    static void require() throws PcapMissingException {
        if (LIB == null) {
            throw new PcapMissingException(System.getProperty("tapline.libpcap", SONAME));
        }
    }

    private static MethodHandle h(String name, java.lang.foreign.MemoryLayout ret, java.lang.foreign.MemoryLayout... args) {
        return LIB == null ? null : LINKER.downcallHandle(LIB.findOrThrow(name), FunctionDescriptor.of(ret, args));
    }

    private static MethodHandle v(String name, java.lang.foreign.MemoryLayout... args) {
        return LIB == null ? null : LINKER.downcallHandle(LIB.findOrThrow(name), FunctionDescriptor.ofVoid(args));
    }

    static String string(MemorySegment p) {
        return p.equals(MemorySegment.NULL) ? null : p.reinterpret(4096).getString(0);
    }

    static String statusText(int status) {
        try {
            return string((MemorySegment) STATUSTOSTR.invokeExact(status));
        } catch (Throwable t) {
            return "status " + status;
        }
    }

    static String geterr(MemorySegment pcap) {
        try {
            return string((MemorySegment) GETERR.invokeExact(pcap));
        } catch (Throwable t) {
            return "unknown libpcap error";
        }
    }
}
