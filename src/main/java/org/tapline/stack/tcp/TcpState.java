package org.tapline.stack.tcp;

/**
 * The connection states of RFC 9293 §3.3.2. Legal transitions (figure 5):
 * CLOSED -> SYN_SENT (active open); LISTEN -> SYN_RECEIVED (SYN; a listener's child here);
 * SYN_SENT -> SYN_RECEIVED (SYN, simultaneous open) | ESTABLISHED (SYN-ACK);
 * SYN_RECEIVED -> ESTABLISHED (ACK of our SYN) | FIN_WAIT_1 (close) | CLOSED (RST);
 * ESTABLISHED -> FIN_WAIT_1 (close) | CLOSE_WAIT (FIN);
 * FIN_WAIT_1 -> FIN_WAIT_2 (ACK of FIN) | CLOSING (FIN, simultaneous close) | TIME_WAIT (FIN+ACK);
 * FIN_WAIT_2 -> TIME_WAIT (FIN); CLOSING -> TIME_WAIT (ACK of FIN);
 * CLOSE_WAIT -> LAST_ACK (close); LAST_ACK -> CLOSED (ACK of FIN); TIME_WAIT -> CLOSED (2 MSL).
 * Any state -> CLOSED on a RST or an abort.
 */
public enum TcpState {
    CLOSED, LISTEN, SYN_SENT, SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING,
    LAST_ACK, TIME_WAIT;

    /** RFC 9293's synchronized states: a SYN was exchanged both ways. */
    boolean synchronized_() {
        return ordinal() >= ESTABLISHED.ordinal();
    }

    /** Whether our FIN has been queued (the application closed or shut down its side). */
    boolean sendClosed() {
        return this == FIN_WAIT_1 || this == FIN_WAIT_2 || this == CLOSING || this == LAST_ACK || this == TIME_WAIT;
    }

    /** Whether we may still receive data. */
    boolean receivesData() {
        return this == ESTABLISHED || this == FIN_WAIT_1 || this == FIN_WAIT_2;
    }

    /** The name {@code ss} prints (ESTAB, SYN-SENT, ...). */
    public String ssName() {
        return this == ESTABLISHED ? "ESTAB" : name().replace('_', '-');
    }
}
