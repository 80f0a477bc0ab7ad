package org.tapline.os;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Compiles tcpdump filter expressions to classic BPF with libpcap's own compiler for a given
 * link type (pcap_open_dead + pcap_compile, as libpcap's rpcap client does for a remote
 * adapter), and converts programs to libpcap's {@code struct bpf_program}.
 */
public final class BpfCodes {
    private BpfCodes() {}

    public static BpfProgram compile(int linkType, int snaplen, String expression) throws IOException {
        LibPcap.require();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment dead = (MemorySegment) LibPcap.OPEN_DEAD.invokeExact(linkType, snaplen);
            if (dead.equals(MemorySegment.NULL)) {
                throw new NativeException("pcap_open_dead", "link type " + linkType, 0, "out of memory");
            }
            try {
                MemorySegment prog = a.allocate(LibPcap.BPF_PROGRAM_SIZE, 8);
                int rc = (int) LibPcap.COMPILE.invokeExact(dead, prog, a.allocateFrom(expression), 1,
                        LibPcap.PCAP_NETMASK_UNKNOWN);
                if (rc < 0) {
                    throw new NativeException("filter '" + expression + "'", null, 0, LibPcap.geterr(dead));
                }
                try {
                    return fromNative(prog);
                } finally {
                    LibPcap.FREECODE.invokeExact(prog);
                }
            } finally {
                LibPcap.CLOSE.invokeExact(dead);
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    static BpfProgram fromNative(MemorySegment prog) {
        int n = prog.get(JAVA_INT, 0);
        MemorySegment insns = prog.get(ADDRESS, 8).reinterpret(n * LibPcap.BPF_INSN_SIZE);
        List<BpfProgram.Instruction> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long o = i * LibPcap.BPF_INSN_SIZE;
            out.add(new BpfProgram.Instruction(Short.toUnsignedInt(insns.get(JAVA_SHORT, o)),
                    Byte.toUnsignedInt(insns.get(JAVA_BYTE, o + 2)), Byte.toUnsignedInt(insns.get(JAVA_BYTE, o + 3)),
                    insns.get(JAVA_INT, o + 4)));
        }
        return new BpfProgram(out);
    }

    /** A {@code struct bpf_program} and its instructions, both allocated in {@code arena}. */
    static MemorySegment toNative(Arena arena, BpfProgram p) {
        MemorySegment insns = arena.allocate(Math.max(1, p.length()) * LibPcap.BPF_INSN_SIZE, 8);
        for (int i = 0; i < p.length(); i++) {
            BpfProgram.Instruction in = p.instructions().get(i);
            long o = i * LibPcap.BPF_INSN_SIZE;
            insns.set(JAVA_SHORT, o, (short) in.code());
            insns.set(JAVA_BYTE, o + 2, (byte) in.jt());
            insns.set(JAVA_BYTE, o + 3, (byte) in.jf());
            insns.set(JAVA_INT, o + 4, in.k());
        }
        MemorySegment prog = arena.allocate(LibPcap.BPF_PROGRAM_SIZE, 8);
        prog.set(JAVA_INT, 0, p.length());
        prog.set(ADDRESS, 8, insns);
        return prog;
    }
}
