package org.tapline.rpcap;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.tapline.os.BpfProgram;

/** net/core/filter.c bpf_check_classic refuses BPF_LSH/BPF_RSH by a constant K >= 32; so does BpfCheck. */
class BpfShiftTest {
    private static final BpfProgram.Instruction RET_A = new BpfProgram.Instruction(0x16, 0, 0, 0);

    private static String check(int code, int k) {
        return BpfCheck.problem(new BpfProgram(List.of(new BpfProgram.Instruction(code, 0, 0, k), RET_A)));
    }

    @Test
    void shiftsByAConstantOf32OrMoreAreRefused() {
        for (int code : new int[] {0x64, 0x74}) { // ALU|LSH|K, ALU|RSH|K
            assertNull(check(code, 0));
            assertNull(check(code, 31));
            assertNotNull(check(code, 32), String.format("0x%x by 32", code));
            assertNotNull(check(code, 1000), String.format("0x%x by 1000", code));
            assertNotNull(check(code, -1), String.format("0x%x by 0xffffffff", code));
        }
    }

    @Test
    void shiftsByXAreLeftToRunTime() {
        assertNull(check(0x6c, 40)); // ALU|LSH|X: k is unused
        assertNull(check(0x7c, 40));
    }
}
