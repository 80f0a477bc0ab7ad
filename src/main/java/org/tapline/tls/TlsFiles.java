package org.tapline.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS contexts from PEM files as rpcapd (and tapline puppet) take them ({@code -K key.pem}, {@code -X cert.pem}),
 * with the JDK's own TLS under {@link TlsPolicy} (1.3, and 1.2 with AEAD suites only). Keys must be PKCS#8 ("BEGIN PRIVATE KEY", what OpenSSL 3
 * writes); a PKCS#1 or SEC1 key gets a message with the command that converts it.
 */
public final class TlsFiles {
    private TlsFiles() {}

    public static SSLContext serverContext(Path keyFile, Path certFile) throws IOException {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(keyManagers(keyFile, certFile), null, null);
            return TlsPolicy.restrict(ctx);
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS setup from " + keyFile + " and " + certFile + " failed: " + e.getMessage(), e);
        }
    }

    /** Key managers presenting the certificate chain in {@code certFile} with the key in {@code keyFile}. */
    public static KeyManager[] keyManagers(Path keyFile, Path certFile) throws IOException {
        try {
            List<Certificate> chain = certificates(certFile);
            PrivateKey key = privateKey(keyFile, chain.getFirst().getPublicKey().getAlgorithm());
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] none = new char[0];
            ks.setKeyEntry("tapline", key, none, chain.toArray(new Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, none);
            return kmf.getKeyManagers();
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS setup from " + keyFile + " and " + certFile + " failed: " + e.getMessage(), e);
        }
    }

    /** Trust managers that accept chains ending at a certificate in {@code pem} (a CA, or a self-signed peer). */
    public static TrustManager[] trustManagers(Path pem) throws IOException {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            int i = 0;
            for (Certificate c : certificates(pem)) {
                ks.setCertificateEntry("ca" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            return tmf.getTrustManagers();
        } catch (GeneralSecurityException e) {
            throw new IOException(pem + ": " + e.getMessage(), e);
        }
    }

    public static List<Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        List<Certificate> out = new ArrayList<>(cf.generateCertificates(new ByteArrayInputStream(read(file))));
        if (out.isEmpty()) {
            throw new IOException(file + ": no certificate in it");
        }
        return out;
    }

    public static PrivateKey privateKey(Path file, String algorithm) throws IOException, GeneralSecurityException {
        String pem = new String(read(file), StandardCharsets.US_ASCII);
        if (pem.contains("BEGIN RSA PRIVATE KEY") || pem.contains("BEGIN EC PRIVATE KEY") || pem.contains("ENCRYPTED")) {
            throw new IOException(file + ": the key must be an unencrypted PKCS#8 PEM key; convert it with "
                    + "'openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pem'");
        }
        int b = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int e = pem.indexOf("-----END PRIVATE KEY-----");
        if (b < 0 || e < b) {
            throw new IOException(file + ": no '-----BEGIN PRIVATE KEY-----' block in it");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(b + 27, e));
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    }

    private static byte[] read(Path file) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such file");
        }
    }
}
