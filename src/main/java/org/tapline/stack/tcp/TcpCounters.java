package org.tapline.stack.tcp;

/**
 * The TCP MIB counters of RFC 4022 (tcpActiveOpens ...) under their object names less the
 * "tcp" prefix, and the few Linux adds that tell what the rules of this stack did (challenge
 * ACKs, SYN cookies, listen overflows, PAWS drops). Written under the stack's lock; read by anyone.
 */
public final class TcpCounters {
    public volatile long activeOpens;
    public volatile long passiveOpens;
    public volatile long attemptFails;
    public volatile long estabResets;
    public volatile long currEstab;
    public volatile long inSegs;
    public volatile long outSegs;
    public volatile long retransSegs;
    public volatile long inErrs;
    public volatile long outRsts;
    public volatile long challengeAcks;
    public volatile long synCookiesSent;
    public volatile long synCookiesRecv;
    public volatile long listenOverflows;
    public volatile long listenDrops;
    public volatile long pawsDropped;

    /** One line as the stack prints it on SIGUSR1. */
    public String line() {
        return "Tcp: ActiveOpens " + activeOpens + " PassiveOpens " + passiveOpens + " AttemptFails " + attemptFails
                + " EstabResets " + estabResets + " CurrEstab " + currEstab + " InSegs " + inSegs
                + " OutSegs " + outSegs + " RetransSegs " + retransSegs + " InErrs " + inErrs + " OutRsts " + outRsts
                + " ChallengeAcks " + challengeAcks + " SynCookiesSent " + synCookiesSent
                + " SynCookiesRecv " + synCookiesRecv + " ListenOverflows " + listenOverflows
                + " ListenDrops " + listenDrops + " PawsDropped " + pawsDropped;
    }
}
