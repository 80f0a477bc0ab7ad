package org.tapline.pcap;

/**
 * Converts a pcapng interface's 64-bit timestamp ticks to nanoseconds since the epoch,
 * following its {@code if_tsresol} and {@code if_tsoffset} options
 * (draft-ietf-opsawg-pcapng §4.2). Pure arithmetic, no allocation.
 */
final class TimestampScale {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final int NANO_DIGITS = 9;
    private static final int MAX_DECIMAL_EXPONENT = 18;
    private static final int MAX_BINARY_EXPONENT = 63;
    private static final long[] POWERS_OF_TEN = new long[MAX_DECIMAL_EXPONENT + 1];

    static {
        POWERS_OF_TEN[0] = 1;
        for (int i = 1; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
        }
    }

    /** The default when an IDB has no if_tsresol: 10^-6 s. */
    static final TimestampScale MICROS = new TimestampScale(1_000, 1, 0, 0);

    private final long multiplier;
    private final long divisor;
    private final int binaryExponent;
    private final long offsetNanos;

    private TimestampScale(long multiplier, long divisor, int binaryExponent, long offsetNanos) {
        this.multiplier = multiplier;
        this.divisor = divisor;
        this.binaryExponent = binaryExponent;
        this.offsetNanos = offsetNanos;
    }

    /**
     * @param tsresol       the if_tsresol byte: 10^-n, or 2^-n when the high bit is set
     * @param offsetSeconds if_tsoffset, seconds added to every timestamp
     * @return the scale, or null if the resolution is finer than we can represent
     *         (10^-18 or 2^-63)
     */
    static TimestampScale of(int tsresol, long offsetSeconds) {
        int exponent = tsresol & ~PcapngFormat.TSRESOL_POWER_OF_TWO;
        long offsetNanos = offsetSeconds * NANOS_PER_SECOND;
        if ((tsresol & PcapngFormat.TSRESOL_POWER_OF_TWO) != 0) {
            if (exponent > MAX_BINARY_EXPONENT) {
                return null;
            }
            return exponent == 0 ? new TimestampScale(NANOS_PER_SECOND, 1, 0, offsetNanos)
                    : new TimestampScale(0, 0, exponent, offsetNanos);
        }
        if (exponent > MAX_DECIMAL_EXPONENT) {
            return null;
        }
        return exponent <= NANO_DIGITS
                ? new TimestampScale(POWERS_OF_TEN[NANO_DIGITS - exponent], 1, 0, offsetNanos)
                : new TimestampScale(1, POWERS_OF_TEN[exponent - NANO_DIGITS], 0, offsetNanos);
    }

    /** Nanoseconds since the epoch for an unsigned tick count; sub-nanosecond parts are truncated. */
    long toNanos(long ticks) {
        if (binaryExponent == 0) {
            return Long.divideUnsigned(ticks, divisor) * multiplier + offsetNanos;
        }
        long seconds = ticks >>> binaryExponent;
        long fraction = ticks & ((1L << binaryExponent) - 1);
        // fraction * 10^9 needs up to 93 bits: shift the 128-bit product right by the exponent.
        long low = fraction * NANOS_PER_SECOND;
        long high = Math.unsignedMultiplyHigh(fraction, NANOS_PER_SECOND);
        long fractionNanos = (low >>> binaryExponent) | (high << (Long.SIZE - binaryExponent));
        return seconds * NANOS_PER_SECOND + fractionNanos + offsetNanos;
    }
}
