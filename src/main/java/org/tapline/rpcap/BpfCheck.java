package org.tapline.rpcap;

import java.util.List;

import org.tapline.os.BpfProgram;

/**
 * Checks a classic BPF program from the wire the way the kernel's {@code bpf_check_classic}
 * does before it reaches libpcap (whose own interpreter had CVE-2026-0799, -31911, -31912,
 * -6244 and -6554): known opcodes only, scratch memory index below 16, no division or modulo
 * by the constant 0, no shift by a constant of 32 or more, every jump forward and inside the program, a RET at the end.
 */
public final class BpfCheck {
    // net/bpf.h instruction classes and fields.
    private static final int CLASS_MASK = 0x07;
    private static final int LD = 0x00;
    private static final int LDX = 0x01;
    private static final int ST = 0x02;
    private static final int STX = 0x03;
    private static final int ALU = 0x04;
    private static final int JMP = 0x05;
    private static final int RET = 0x06;
    private static final int MISC = 0x07;
    private static final int OP_MASK = 0xf0;
    private static final int ALU_DIV = 0x30;
    private static final int ALU_MOD = 0x90;
    private static final int ALU_LSH = 0x60;
    private static final int ALU_RSH = 0x70;
    private static final int SHIFT_LIMIT = 32;
    private static final int SRC_X = 0x08;
    private static final int JA = 0x00;
    private static final int MEM_WORDS = 16;
    private static final int MODE_MEM = 0x60;

    /** Every opcode the kernel accepts in a classic program (net/core/filter.c codes[]). */
    private static final boolean[] VALID = new boolean[256];

    static {
        int[] codes = {
            0x20, 0x28, 0x30, 0x40, 0x48, 0x50, 0x80, 0x00, 0x60, // LD W|H|B ABS, W|H|B IND, W LEN, IMM, MEM
            0x01, 0x61, 0x81, 0xb1,                               // LDX IMM, MEM, LEN, B MSH
            0x02, 0x03,                                           // ST, STX
            0x06, 0x16,                                           // RET K, RET A
            0x07, 0x87,                                           // TAX, TXA
            0x05, 0x15, 0x1d, 0x25, 0x2d, 0x35, 0x3d, 0x45, 0x4d, // JA, JEQ/JGT/JGE/JSET K|X
            0x84,                                                 // NEG
        };
        for (int c : codes) {
            VALID[c] = true;
        }
        for (int op : new int[] {0x00, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x90, 0xa0}) {
            VALID[ALU | op] = true;
            VALID[ALU | op | SRC_X] = true;
        }
    }

    private BpfCheck() {}

    /** Null when the program is acceptable, else what is wrong with it. */
    public static String problem(BpfProgram p) {
        List<BpfProgram.Instruction> in = p.instructions();
        int n = in.size();
        if (n == 0 || n > Rpcap.MAX_INSNS) {
            return "a program has 1 to " + Rpcap.MAX_INSNS + " instructions, not " + n;
        }
        for (int pc = 0; pc < n; pc++) {
            BpfProgram.Instruction i = in.get(pc);
            int code = i.code();
            if (code > 0xff || !VALID[code]) {
                return String.format("instruction %d: unknown opcode 0x%x", pc, code);
            }
            long k = Integer.toUnsignedLong(i.k());
            switch (code & CLASS_MASK) {
                case LD, LDX -> {
                    if ((code & 0xe0) == MODE_MEM && k >= MEM_WORDS) {
                        return "instruction " + pc + ": scratch memory M[" + k + "] is out of range";
                    }
                }
                case ST, STX -> {
                    if (k >= MEM_WORDS) {
                        return "instruction " + pc + ": scratch memory M[" + k + "] is out of range";
                    }
                }
                case ALU -> {
                    int op = code & OP_MASK;
                    if ((op == ALU_DIV || op == ALU_MOD) && (code & SRC_X) == 0 && k == 0) {
                        return "instruction " + pc + ": division by the constant 0";
                    }
                    // net/core/filter.c bpf_check_classic: BPF_LSH/BPF_RSH by a constant of 32 or more is -EINVAL.
                    if ((op == ALU_LSH || op == ALU_RSH) && (code & SRC_X) == 0 && k >= SHIFT_LIMIT) {
                        return "instruction " + pc + ": shift by the constant " + k + " (at most 31)";
                    }
                }
                case JMP -> {
                    if ((code & OP_MASK) == JA) {
                        if (k >= n - pc - 1) {
                            return "instruction " + pc + ": jump of " + k + " leaves the program";
                        }
                    } else if (i.jt() >= n - pc - 1 || i.jf() >= n - pc - 1) {
                        return "instruction " + pc + ": conditional jump leaves the program";
                    }
                }
                case RET, MISC -> { }
                default -> { }
            }
        }
        if ((in.get(n - 1).code() & CLASS_MASK) != RET) {
            return "the last instruction is not a return";
        }
        return null;
    }

}
