package org.tapline.os;

import java.util.List;

/**
 * A classic BPF program (net/bpf.h): what libpcap's compiler produces and what RPCAP carries
 * on the wire. Instructions are {@code code}, {@code jt}, {@code jf}, {@code k}.
 */
public record BpfProgram(List<Instruction> instructions) {
    public record Instruction(int code, int jt, int jf, int k) {}

    public BpfProgram {
        instructions = List.copyOf(instructions);
    }

    public int length() {
        return instructions.size();
    }
}
