package org.tapline.puppet;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * {@code --tls-peer-cn}: the CA's trust manager, and then the peer's certificate must name
 * {@code cn} as its subject's common name (RFC 5280 §4.1.2.6; RFC 4514 for the text form). The
 * CA alone would let any certificate it signed play either role; the name binds one.
 */
final class PeerName extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager ca;
    private final String cn;

    PeerName(TrustManager[] fromCa, String cn) {
        X509ExtendedTrustManager found = null;
        for (TrustManager t : fromCa) {
            if (t instanceof X509ExtendedTrustManager x) {
                found = x;
            }
        }
        if (found == null) {
            throw new IllegalArgumentException("--tls-peer-cn needs a CA (--tls-ca)");
        }
        this.ca = found;
        this.cn = cn;
    }

    /** The subject's CN values of a certificate (usually one), as text. */
    static java.util.List<String> commonNames(X509Certificate c) throws CertificateException {
        try {
            return new LdapName(c.getSubjectX500Principal().getName()).getRdns().stream()
                    .filter(r -> r.getType().equalsIgnoreCase("CN")).map(Rdn::getValue).map(String::valueOf).toList();
        } catch (InvalidNameException e) {
            throw new CertificateException("the peer's certificate has an unreadable subject: " + e.getMessage(), e);
        }
    }

    private void check(X509Certificate[] chain) throws CertificateException {
        java.util.List<String> names = commonNames(chain[0]);
        if (!names.contains(cn)) {
            throw new CertificateException("the peer's certificate is for CN=" + (names.isEmpty() ? "(none)" : String.join(",", names))
                    + ", not " + cn + " (--tls-peer-cn)");
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        ca.checkClientTrusted(chain, authType, socket);
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        ca.checkServerTrusted(chain, authType, socket);
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        ca.checkClientTrusted(chain, authType, engine);
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        ca.checkServerTrusted(chain, authType, engine);
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        ca.checkClientTrusted(chain, authType);
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        ca.checkServerTrusted(chain, authType);
        check(chain);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return ca.getAcceptedIssuers();
    }
}
