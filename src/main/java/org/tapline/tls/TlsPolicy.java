package org.tapline.tls;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * What TLS tapline speaks: TLS 1.3, and TLS 1.2 with ECDHE and an AEAD cipher only (no CBC, no
 * SHA-1 MAC, no RSA key transport; RFC 9325 §4.2), and no client-initiated TLS 1.2
 * renegotiation (the JDK's {@code jdk.tls.rejectClientInitiatedRenegotiation}, read when its
 * first server handshake runs, so it is set as soon as this class loads). {@link #restrict}
 * wraps a context so that every socket and engine it makes, server or client, has the policy.
 */
public final class TlsPolicy {
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    static {
        System.setProperty("jdk.tls.rejectClientInitiatedRenegotiation", "true");
    }

    private TlsPolicy() {}

    /** True for a TLS 1.3 suite or a TLS 1.2 ECDHE suite with GCM or ChaCha20-Poly1305. */
    static boolean allowed(String suite) {
        if (suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_")) {
            return true;
        }
        return suite.startsWith("TLS_ECDHE_") && (suite.contains("_GCM_") || suite.contains("_CHACHA20_POLY1305_"));
    }

    private static String[] allowed(String[] suites) {
        return Arrays.stream(suites).filter(TlsPolicy::allowed).toArray(String[]::new);
    }

    /** {@code p} with the policy's protocols and suites (in the JDK's order of preference). */
    public static SSLParameters apply(SSLParameters p) {
        p.setProtocols(PROTOCOLS);
        p.setCipherSuites(allowed(p.getCipherSuites()));
        return p;
    }

    /** A context that makes only policy sockets and engines. */
    public static SSLContext restrict(SSLContext c) {
        return new Restricted(c);
    }

    private static <S extends SSLSocket> S restrict(S s) {
        s.setSSLParameters(apply(s.getSSLParameters()));
        return s;
    }

    private static final class Restricted extends SSLContext {
        Restricted(SSLContext inner) {
            super(new Spi(inner), inner.getProvider(), inner.getProtocol());
        }
    }

    private static final class Spi extends SSLContextSpi {
        private final SSLContext inner;

        Spi(SSLContext inner) {
            this.inner = inner;
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random) throws KeyManagementException {
            inner.init(km, tm, random);
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return new Sockets(inner.getSocketFactory());
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return new ServerSockets(inner.getServerSocketFactory());
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            SSLEngine e = inner.createSSLEngine();
            e.setSSLParameters(apply(e.getSSLParameters()));
            return e;
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            SSLEngine e = inner.createSSLEngine(host, port);
            e.setSSLParameters(apply(e.getSSLParameters()));
            return e;
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return inner.getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return inner.getClientSessionContext();
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return apply(inner.getDefaultSSLParameters());
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return inner.getSupportedSSLParameters();
        }
    }

    private static final class Sockets extends SSLSocketFactory {
        private final SSLSocketFactory inner;

        Sockets(SSLSocketFactory inner) {
            this.inner = inner;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return allowed(inner.getDefaultCipherSuites());
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return inner.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket() throws IOException {
            return restrict((SSLSocket) inner.createSocket());
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return restrict((SSLSocket) inner.createSocket(s, host, port, autoClose));
        }

        @Override
        public Socket createSocket(Socket s, InputStream consumed, boolean autoClose) throws IOException {
            return restrict((SSLSocket) inner.createSocket(s, consumed, autoClose));
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return restrict((SSLSocket) inner.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return restrict((SSLSocket) inner.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return restrict((SSLSocket) inner.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
            return restrict((SSLSocket) inner.createSocket(address, port, localAddress, localPort));
        }
    }

    private static final class ServerSockets extends SSLServerSocketFactory {
        private final SSLServerSocketFactory inner;

        ServerSockets(SSLServerSocketFactory inner) {
            this.inner = inner;
        }

        private static ServerSocket restrict(ServerSocket s) {
            SSLServerSocket t = (SSLServerSocket) s;
            t.setSSLParameters(apply(t.getSSLParameters()));
            return t;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return allowed(inner.getDefaultCipherSuites());
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return inner.getSupportedCipherSuites();
        }

        @Override
        public ServerSocket createServerSocket() throws IOException {
            return restrict(inner.createServerSocket());
        }

        @Override
        public ServerSocket createServerSocket(int port) throws IOException {
            return restrict(inner.createServerSocket(port));
        }

        @Override
        public ServerSocket createServerSocket(int port, int backlog) throws IOException {
            return restrict(inner.createServerSocket(port, backlog));
        }

        @Override
        public ServerSocket createServerSocket(int port, int backlog, InetAddress bind) throws IOException {
            return restrict(inner.createServerSocket(port, backlog, bind));
        }
    }
}
