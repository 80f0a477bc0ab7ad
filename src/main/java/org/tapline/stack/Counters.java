package org.tapline.stack;

/** What the stack's loop has seen and done; written by the loop only, read by anyone. */
public final class Counters {
    public volatile long framesIn;
    public volatile long framesOut;
    public volatile long arpAnswered;
    public volatile long echoesAnswered;
    public volatile long malformed;
    /** Datagrams for a transport port no socket has. */
    public volatile long noPort;
    /** Frames the link refused to send. */
    public volatile long sendErrors;
    /** Well-formed frames this slice does not handle (IPv6, UDP, TCP, other hosts' traffic). */
    public volatile long ignored;

    /** The line printed when the stack ends. */
    public String line() {
        return framesIn + " frames in, " + framesOut + " frames out, " + arpAnswered + " ARP answered, "
                + echoesAnswered + " echoes answered, " + malformed + " malformed dropped, "
                + noPort + " to closed ports, " + ignored + " ignored, " + sendErrors + " send errors";
    }
}
