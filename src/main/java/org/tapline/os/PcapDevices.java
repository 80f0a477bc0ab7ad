package org.tapline.os;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/** The capture devices libpcap knows (pcap_findalldevs(3)), and libpcap's version string. */
public final class PcapDevices {
    private PcapDevices() {}

    public static List<PcapDevice> findAll() throws IOException {
        LibPcap.require();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = a.allocate(LibPcap.ERRBUF_SIZE);
            MemorySegment head = a.allocate(ADDRESS);
            if ((int) LibPcap.FINDALLDEVS.invokeExact(head, err) < 0) {
                throw new NativeException("pcap_findalldevs", null, 0, err.getString(0));
            }
            MemorySegment first = head.get(ADDRESS, 0);
            try {
                List<PcapDevice> out = new ArrayList<>();
                for (MemorySegment d = first; !d.equals(MemorySegment.NULL); ) {
                    d = d.reinterpret(LibPcap.IF_SIZE);
                    out.add(new PcapDevice(LibPcap.string(d.get(ADDRESS, LibPcap.IF_NAME)),
                            LibPcap.string(d.get(ADDRESS, LibPcap.IF_DESCRIPTION)),
                            d.get(JAVA_INT, LibPcap.IF_FLAGS), addresses(d.get(ADDRESS, LibPcap.IF_ADDRESSES))));
                    d = d.get(ADDRESS, LibPcap.IF_NEXT);
                }
                return out;
            } finally {
                if (!first.equals(MemorySegment.NULL)) {
                    LibPcap.FREEALLDEVS.invokeExact(first);
                }
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    private static List<PcapDevice.Address> addresses(MemorySegment a) throws IOException {
        List<PcapDevice.Address> out = new ArrayList<>();
        for (MemorySegment p = a; !p.equals(MemorySegment.NULL); ) {
            p = p.reinterpret(LibPcap.ADDR_SIZE);
            MemorySegment addr = p.get(ADDRESS, LibPcap.ADDR_ADDR);
            if (Sockaddrs.toInet(addr) != null) {
                out.add(new PcapDevice.Address(Sockaddrs.toInet(addr), Sockaddrs.toInet(p.get(ADDRESS, LibPcap.ADDR_NETMASK)),
                        Sockaddrs.toInet(p.get(ADDRESS, LibPcap.ADDR_BROADADDR)),
                        Sockaddrs.toInet(p.get(ADDRESS, LibPcap.ADDR_DSTADDR))));
            }
            p = p.get(ADDRESS, LibPcap.ADDR_NEXT);
        }
        return out;
    }

    /** pcap_lib_version(3), e.g. "libpcap version 1.10.3 (with TPACKET_V3)". */
    public static String libraryVersion() throws IOException {
        LibPcap.require();
        try {
            return LibPcap.string((MemorySegment) LibPcap.LIB_VERSION.invokeExact());
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** The DLT name libpcap uses ("EN10MB"), or "DLT n" if libpcap has none. */
    public static String linkTypeName(int dlt) throws IOException {
        LibPcap.require();
        try {
            String s = LibPcap.string((MemorySegment) LibPcap.DATALINK_VAL_TO_NAME.invokeExact(dlt));
            return s == null ? "DLT " + dlt : s;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** libpcap's description of a link type ("Ethernet"), or "DLT n" if it has none. */
    public static String linkTypeDescription(int dlt) throws IOException {
        LibPcap.require();
        try {
            return LibPcap.string((MemorySegment) LibPcap.DATALINK_VAL_TO_DESCRIPTION_OR_DLT.invokeExact(dlt));
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** The link type named {@code name} ("EN10MB", case-insensitive, as tcpdump's -y takes it), or -1. */
    public static int linkTypeValue(String name) throws IOException {
        LibPcap.require();
        try (Arena a = Arena.ofConfined()) {
            return (int) LibPcap.DATALINK_NAME_TO_VAL.invokeExact(a.allocateFrom(name));
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Whether libpcap has a name for this link type. */
    public static boolean hasLinkTypeName(int dlt) throws IOException {
        LibPcap.require();
        try {
            return !((MemorySegment) LibPcap.DATALINK_VAL_TO_NAME.invokeExact(dlt)).equals(MemorySegment.NULL);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }
}
