package org.tapline.puppet;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.tapline.tls.TlsFiles;

/**
 * TLS 1.3 between two tapline ends (etherpuppet has none: both ends must ask for it).
 * <ul>
 * <li>Certificates: each end presents its own and accepts the peer's only if it chains to the CA
 *     file (the listener demands one from the connector). Names are not checked: puppets are
 *     addressed by IP.</li>
 * <li>Shared secret: each end uses a throwaway self-signed key (made once per run with the JDK's
 *     keytool), and after the handshake proves it knows the secret with an HMAC over the TLS
 *     session's exported keying material (RFC 5705) and its role. A man in the middle holds two
 *     sessions with two different exports, so cannot pass on a proof. The connector proves first
 *     and the listener answers only a right proof, so a stranger who dials in learns nothing to
 *     guess against; the HMAC key is the secret stretched by PBKDF2 (RFC 8018 §5.2), so a
 *     malicious listener that keeps a connector's proof pays {@value #KDF_ITERATIONS} HMACs per
 *     offline guess (still no help to a guessable secret: use {@code --gen-secret}).</li>
 * <li>{@code --tls-peer-cn}: the peer's certificate must also carry this subject CN, so a
 *     certificate of the same CA made for the other role (or another machine) is refused.</li>
 * </ul>
 * Both may be given together.
 */
public final class PuppetTls {
    private static final String LABEL = "EXPORTER-tapline-puppet";
    /** RFC 8446 §5.1: a record's content type (change_cipher_spec 20, alert 21, handshake 22, application_data 23). */
    private static final int FIRST_CONTENT_TYPE = 20;
    private static final int LAST_CONTENT_TYPE = 23;
    private static final int HANDSHAKE = 22;
    /** The major byte of every TLS legacy_record_version (3.x). */
    private static final int RECORD_VERSION_MAJOR = 3;
    /**
     * RFC 8446 §6: a fatal unexpected_message alert in a plaintext record (type 21, version 3.3,
     * length 2, level 2, description 10), the answer to a peer that does not speak TLS.
     */
    private static final byte[] UNEXPECTED_MESSAGE_ALERT = {21, 3, 3, 0, 2, 2, 10};
    private static final int HANDSHAKE_TIMEOUT_MILLIS = 10_000;
    /** What a plain end says about a TLS peer. */
    static final String PEER_SPEAKS_TLS = "the peer speaks TLS (a tapline end with --secret or --tls-cert): "
            + "give this end the same TLS flags";
    private static final int PROOF = 32;
    /** Shorter secrets are refused; shorter than {@link #STRONG_SECRET} draws a warning. */
    private static final int MIN_SECRET = 8;
    private static final int STRONG_SECRET = 16;
    /**
     * OWASP's 2023 figure for PBKDF2-HMAC-SHA256. Paid once per run (the key is kept for
     * reconnections): 0.6 s warm, 3 s in a cold JVM, on a loaded 2-core machine.
     */
    static final int KDF_ITERATIONS = 600_000;
    /** A fixed salt names the protocol; the per-session binding is the TLS exporter under the HMAC. */
    private static final byte[] KDF_SALT = "tapline puppet shared secret, v2".getBytes(StandardCharsets.US_ASCII);
    /** {@code --gen-secret}: 256 random bits. */
    private static final int GENERATED_SECRET_BYTES = 32;

    private final SSLContext context;
    /** The secret stretched by PBKDF2, the HMAC key of the proofs; null without --secret. */
    private final byte[] proofKey;
    private final String warning;

    private PuppetTls(SSLContext context, byte[] proofKey, String warning) {
        this.context = context;
        this.proofKey = proofKey;
        this.warning = warning;
    }

    /**
     * {@code secretFile}: the shared secret (its first line); {@code key}, {@code cert}, {@code ca}: PEM
     * files, all three or none.
     */
    public static PuppetTls of(Path secretFile, Path key, Path cert, Path ca) throws IOException {
        return of(secretFile, key, cert, ca, null);
    }

    /** As {@link #of(Path, Path, Path, Path)}; {@code peerCn}, when not null, is the subject CN the peer's certificate must carry. */
    public static PuppetTls of(Path secretFile, Path key, Path cert, Path ca, String peerCn) throws IOException {
        byte[] proofKey = null;
        String warning = null;
        if (secretFile != null) {
            String s = Files.readString(secretFile, StandardCharsets.UTF_8).lines().findFirst().orElse("").strip();
            if (s.length() < MIN_SECRET) {
                throw new IOException(secretFile + ": the shared secret (first line) must have at least " + MIN_SECRET + " characters");
            }
            if (s.length() < STRONG_SECRET) {
                warning = "warning: " + secretFile + ": a shared secret of " + s.length() + " characters can be guessed offline by a peer "
                        + "that saw a proof; make a strong one with --gen-secret FILE";
            }
            proofKey = stretch(s);
        }
        try {
            KeyManager[] km = cert != null ? TlsFiles.keyManagers(key, cert) : throwawayKey();
            TrustManager[] tm = ca != null ? TlsFiles.trustManagers(ca) : new TrustManager[] {new AnyPeer()};
            if (peerCn != null) {
                tm = new TrustManager[] {new PeerName(tm, peerCn)};
            }
            SSLContext ctx = SSLContext.getInstance("TLSv1.3");
            ctx.init(km, tm, null);
            return new PuppetTls(ctx, proofKey, warning);
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS setup failed: " + e.getMessage(), e);
        }
    }

    /** A line to show the user about the configuration (a weak secret), or null. */
    public String warning() {
        return warning;
    }

    /**
     * Writes a new secret for {@code --secret}: {@value #GENERATED_SECRET_BYTES} random bytes in base64
     * on one line, to a file that must not exist yet, readable by its owner only (mode 0600 from the
     * start, not chmod after).
     */
    public static void generateSecret(Path file) throws IOException {
        byte[] random = new byte[GENERATED_SECRET_BYTES];
        new java.security.SecureRandom().nextBytes(random);
        var ownerOnly = java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        try {
            Files.createFile(file, ownerOnly);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new IOException(file + ": already exists (not overwritten)", e);
        } catch (IOException e) {
            throw new IOException(file + ": cannot create: " + e.getMessage(), e);
        }
        Files.writeString(file, java.util.Base64.getEncoder().encodeToString(random) + "\n", StandardCharsets.US_ASCII);
    }

    /** RFC 8018 §5.2 PBKDF2 with HMAC-SHA256: what an offline guess has to pay for. */
    private static byte[] stretch(String secret) throws IOException {
        char[] chars = secret.toCharArray();
        try {
            var spec = new javax.crypto.spec.PBEKeySpec(chars, KDF_SALT, KDF_ITERATIONS, PROOF * Byte.SIZE);
            return javax.crypto.SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot derive a key from the shared secret: " + e.getMessage(), e);
        } finally {
            java.util.Arrays.fill(chars, '\0');
        }
    }

    /** Runs the handshake (and the secret proof) on a connected socket; the TLS socket carries the session. */
    public Socket wrap(Socket plain, boolean connector) throws IOException {
        SSLSocketFactory f = context.getSocketFactory();
        int timeout = plain.getSoTimeout();
        SSLSocket s;
        if (connector) {
            s = (SSLSocket) f.createSocket(plain, plain.getInetAddress().getHostAddress(), plain.getPort(), true);
            s.setUseClientMode(true);
        } else {
            // The connector speaks first: a plain one's version word is refused at once, not after the
            // handshake's timeout, and told so in TLS's own words (a plain tapline end recognises them).
            s = (SSLSocket) f.createSocket(plain, new ByteArrayInputStream(new byte[] {(byte) firstByteOfTls(plain)}), true);
            s.setUseClientMode(false);
            s.setNeedClientAuth(true);
        }
        s.setEnabledProtocols(new String[] {"TLSv1.3"});
        s.setSoTimeout(HANDSHAKE_TIMEOUT_MILLIS);
        try {
            try {
                s.startHandshake();
            } catch (IOException e) {
                if (!connector || !hungUp(e)) {
                    throw e;
                }
                // A plain listener (tapline or etherpuppet) hangs up on a ClientHello it takes for a version word.
                throw new PuppetProtocolException("TLS: the peer hung up during the handshake: it does not use TLS (give it the same "
                        + "--secret or --tls-* flags as here, or leave them out here)");
            }
            if (proofKey != null) {
                prove(s, connector);
            }
            confirm(s, connector);
        } catch (IOException e) {
            s.close();
            throw e instanceof PuppetProtocolException ? e : new javax.net.ssl.SSLException(e.getMessage(), e);
        }
        s.setSoTimeout(timeout);
        return s;
    }

    /** Reads the connector's first byte; anything but a TLS handshake record is answered with an alert and refused. */
    private static int firstByteOfTls(Socket plain) throws IOException {
        plain.setSoTimeout(HANDSHAKE_TIMEOUT_MILLIS);
        InputStream in = plain.getInputStream();
        int b = in.read();
        if (b == HANDSHAKE) {
            return b;
        }
        if (b >= 0) {
            OutputStream o = plain.getOutputStream();
            o.write(UNEXPECTED_MESSAGE_ALERT);
            o.flush();
            in.skipNBytes(in.available()); // the rest of its version word: unread, it would turn our close into a reset
            plain.shutdownOutput();
        }
        plain.close();
        throw new PuppetProtocolException(b < 0 ? "TLS: the peer hung up before the handshake"
                : "TLS: the peer does not use TLS (it sent etherpuppet's protocol version): give it the same --secret or --tls-* flags");
    }

    /** True when the failure (or its cause: the JDK wraps it) is the peer closing or resetting the connection. */
    private static boolean hungUp(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EOFException || t instanceof SocketException) {
                return true;
            }
        }
        return false;
    }

    /** True when two bytes can start a TLS record: a content type and the version's major byte. */
    static boolean isTlsRecord(int firstTwoBytes) {
        int type = firstTwoBytes >>> 8;
        return type >= FIRST_CONTENT_TYPE && type <= LAST_CONTENT_TYPE && (firstTwoBytes & 0xff) == RECORD_VERSION_MAJOR;
    }

    /**
     * In TLS 1.3 the connector's handshake ends before the listener has checked the connector's
     * certificate: the listener says "accepted" with one byte, so a refusal shows here (as the
     * listener's alert) and not as a broken pipe later.
     */
    private static void confirm(SSLSocket s, boolean connector) throws IOException {
        if (!connector) {
            s.getOutputStream().write(1);
            s.getOutputStream().flush();
            return;
        }
        int b = s.getInputStream().read();
        if (b != 1) {
            throw new PuppetProtocolException("TLS: the listener did not accept the session" + (b < 0 ? " (it hung up)" : ""));
        }
    }

    /**
     * The connector proves first; the listener reads and checks that proof before it sends its own,
     * so a peer that does not know the secret gets no bytes computed from it.
     */
    private void prove(SSLSocket s, boolean connector) throws IOException {
        byte[] exported = ((javax.net.ssl.ExtendedSSLSession) s.getSession()).exportKeyingMaterialData(LABEL, null, PROOF);
        if (connector) {
            send(s, proof(exported, true));
        }
        byte[] theirs = new byte[PROOF];
        try {
            new DataInputStream(s.getInputStream()).readFully(theirs);
        } catch (IOException e) {
            throw new PuppetProtocolException(connector ? "TLS: the listener refused our proof of the shared secret (it has a different one)"
                    : "TLS: the peer hung up instead of proving it knows the shared secret");
        }
        if (!MessageDigest.isEqual(theirs, proof(exported, !connector))) {
            throw new PuppetProtocolException("TLS: the peer does not know the shared secret");
        }
        if (!connector) {
            send(s, proof(exported, false));
        }
    }

    private static void send(SSLSocket s, byte[] proof) throws IOException {
        OutputStream o = s.getOutputStream();
        o.write(proof);
        o.flush();
    }

    private byte[] proof(byte[] exported, boolean connector) throws IOException {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(proofKey, "HmacSHA256"));
            mac.update((connector ? "connector" : "listener").getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(exported);
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    /** An EC key and self-signed certificate for this run, made by the JDK's keytool. */
    private static KeyManager[] throwawayKey() throws IOException, GeneralSecurityException {
        Path dir = Files.createTempDirectory("tapline-puppet");
        Path store = dir.resolve("key.p12");
        String pass = java.util.HexFormat.of().formatHex(new java.security.SecureRandom().generateSeed(8));
        try {
            Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
            Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "puppet", "-keyalg", "EC", "-groupname",
                    "secp256r1", "-dname", "CN=tapline puppet", "-validity", "2", "-storetype", "PKCS12", "-keystore",
                    store.toString(), "-storepass", pass).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IOException("keytool could not make a key: " + out.strip());
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(store)) {
                ks.load(in, pass.toCharArray());
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pass.toCharArray());
            return kmf.getKeyManagers();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while making a key");
        } finally {
            Files.deleteIfExists(store);
            Files.deleteIfExists(dir);
        }
    }

    /** Shared-secret mode: the certificate proves nothing; the secret proof after the handshake does. */
    static final class AnyPeer implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
