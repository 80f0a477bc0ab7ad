package org.tapline.puppet;

/** How a puppet connection ended, and the exit status that says so. */
public record End(Outcome outcome, String why, boolean tapline) {
    public enum Outcome {
        /** Ctrl-C or SIGTERM here, or a tapline peer that said goodbye. */
        STOPPED(0),
        /** Something failed here (a TAP that cannot be made, a port in use...). */
        FAILED(1),
        /** The connection ended without a goodbye: closed, reset or timed out. */
        LOST(3),
        /** The peer broke the protocol or spoke another version. */
        PROTOCOL(4),
        /** The interface (the real one, or the TAP) went away or failed. */
        INTERFACE(5);

        public final int exitCode;

        Outcome(int exitCode) {
            this.exitCode = exitCode;
        }
    }

    /** A tapline peer may reconnect after this end; etherpuppet peers never. */
    public boolean reconnectable() {
        return tapline && outcome == Outcome.LOST;
    }
}
