package io.barrage.common.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;

/**
 * Issues X.509 v3 certificates with RSA 2048 keys inside the JVM: a self-signed CA, or a leaf signed by
 * such a CA, for throwaway certificates (a run's cluster port, a test server). The JDK can sign and
 * parse certificates but has no public API to build one, so the TBSCertificate is DER-encoded here
 * (RFC 5280) and signed with SHA256withRSA; every result is parsed back with the JDK's
 * {@link CertificateFactory} and verified against its issuer's key before it is returned.
 *
 * <p>A CA gets basicConstraints CA:true and keyUsage keyCertSign, cRLSign (both critical); a leaf gets
 * keyUsage digitalSignature, keyEncipherment (critical), extendedKeyUsage serverAuth, clientAuth and
 * the given DNS names and IP addresses as subjectAltName. Both carry subject and authority key
 * identifiers (SHA-1 of the encoded public key).
 */
public final class CertificateIssuer {
  /** A private key and its certificate. */
  public record Issued(PrivateKey key, X509Certificate certificate) {
    /** The certificate as PEM ({@code CERTIFICATE}). */
    public String certificatePem() {
      try {
        return pem("CERTIFICATE", certificate.getEncoded());
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("cannot encode a certificate this class issued", e);
      }
    }

    /** The private key as unencrypted PKCS#8 PEM ({@code PRIVATE KEY}), which Pekko and most servers read. */
    public String keyPem() {
      return pem("PRIVATE KEY", key.getEncoded());
    }

    /** The subject and issuer only: the private key never reaches a log. */
    @Override
    public String toString() {
      return "Issued[" + certificate.getSubjectX500Principal() + " by " + certificate.getIssuerX500Principal() + "]";
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();
  // validity starts a little in the past so a peer whose clock is slightly behind accepts it
  private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  private CertificateIssuer() {}

  /** A new self-signed CA named {@code CN=commonName}, valid for {@code validity} from now. */
  public static Issued selfSignedCa(String commonName, Duration validity) throws GeneralSecurityException {
    return issue(commonName, List.of(), List.of(), true, validity, null);
  }

  /**
   * A new RSA 2048 key and a certificate for it with subject {@code CN=commonName}.
   *
   * @param dnsNames subjectAltName DNS entries (ASCII)
   * @param ipAddresses subjectAltName IP entries
   * @param ca true for a CA certificate (no subjectAltName or extendedKeyUsage then)
   * @param issuer the CA that signs it, or null for a self-signed certificate
   */
  public static Issued issue(String commonName, List<String> dnsNames, List<InetAddress> ipAddresses, boolean ca, Duration validity, Issued issuer)
      throws GeneralSecurityException {
    if (commonName == null || commonName.isBlank()) throw new IllegalArgumentException("certificate common name is empty");
    if (validity.isNegative() || validity.isZero()) throw new IllegalArgumentException("certificate validity must be positive, got " + validity);
    for (String dns : dnsNames) {
      if (dns.isEmpty() || !StandardCharsets.US_ASCII.newEncoder().canEncode(dns)) {
        throw new IllegalArgumentException("subjectAltName DNS name must be non-empty ASCII, got '" + dns + "'");
      }
    }
    if (ca && !(dnsNames.isEmpty() && ipAddresses.isEmpty())) throw new IllegalArgumentException("a CA certificate carries no subjectAltName here");
    if (issuer != null && issuer.certificate().getBasicConstraints() < 0) {
      throw new IllegalArgumentException("issuer " + issuer.certificate().getSubjectX500Principal() + " is not a CA");
    }
    KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
    gen.initialize(2048, RANDOM);
    KeyPair pair = gen.generateKeyPair();

    byte[] subject = name(commonName);
    byte[] issuerName = issuer == null ? subject : issuer.certificate().getSubjectX500Principal().getEncoded();
    byte[] spki = pair.getPublic().getEncoded(); // already a DER SubjectPublicKeyInfo
    byte[] subjectKeyId = keyId(spki);
    byte[] authorityKeyId = issuer == null ? subjectKeyId : keyId(issuer.certificate().getPublicKey().getEncoded());
    PrivateKey signer = issuer == null ? pair.getPrivate() : issuer.key();

    ByteArrayOutputStream ext = new ByteArrayOutputStream();
    if (ca) {
      ext.writeBytes(extension(OID_BASIC_CONSTRAINTS, true, seq(bool(true))));
      ext.writeBytes(extension(OID_KEY_USAGE, true, keyUsage(KU_KEY_CERT_SIGN, KU_CRL_SIGN)));
    } else {
      ext.writeBytes(extension(OID_KEY_USAGE, true, keyUsage(KU_DIGITAL_SIGNATURE, KU_KEY_ENCIPHERMENT)));
      ext.writeBytes(extension(OID_EXT_KEY_USAGE, false, seq(oid(OID_SERVER_AUTH), oid(OID_CLIENT_AUTH))));
      if (!dnsNames.isEmpty() || !ipAddresses.isEmpty()) {
        ByteArrayOutputStream names = new ByteArrayOutputStream();
        for (String dns : dnsNames) names.writeBytes(tlv(0x82, dns.getBytes(StandardCharsets.US_ASCII))); // [2] dNSName
        for (InetAddress ip : ipAddresses) names.writeBytes(tlv(0x87, ip.getAddress())); // [7] iPAddress
        ext.writeBytes(extension(OID_SUBJECT_ALT_NAME, false, tlv(0x30, names.toByteArray())));
      }
    }
    ext.writeBytes(extension(OID_SUBJECT_KEY_ID, false, tlv(0x04, subjectKeyId)));
    ext.writeBytes(extension(OID_AUTHORITY_KEY_ID, false, seq(tlv(0x80, authorityKeyId)))); // [0] keyIdentifier

    Instant now = Instant.now();
    byte[] algorithm = seq(oid(OID_SHA256_WITH_RSA), new byte[] {0x05, 0x00});
    byte[] tbs = seq(
        tlv(0xA0, integer(BigInteger.TWO)), // [0] version v3
        integer(serial()),
        algorithm,
        issuerName,
        seq(time(now.minus(CLOCK_SKEW)), time(now.plus(validity))),
        subject,
        spki,
        tlv(0xA3, tlv(0x30, ext.toByteArray()))); // [3] extensions
    Signature sig = Signature.getInstance("SHA256withRSA");
    sig.initSign(signer, RANDOM);
    sig.update(tbs);
    byte[] der = seq(tbs, algorithm, bitString(sig.sign()));

    X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    cert.verify(issuer == null ? pair.getPublic() : issuer.certificate().getPublicKey());
    return new Issued(pair.getPrivate(), cert);
  }

  /** PEM text of {@code der} with the given type ({@code CERTIFICATE}, {@code PRIVATE KEY}). */
  public static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END " + type + "-----\n";
  }

  // ---- DER (X.690) ----

  private static final String OID_COMMON_NAME = "2.5.4.3";
  private static final String OID_SHA256_WITH_RSA = "1.2.840.113549.1.1.11";
  private static final String OID_BASIC_CONSTRAINTS = "2.5.29.19";
  private static final String OID_KEY_USAGE = "2.5.29.15";
  private static final String OID_EXT_KEY_USAGE = "2.5.29.37";
  private static final String OID_SUBJECT_ALT_NAME = "2.5.29.17";
  private static final String OID_SUBJECT_KEY_ID = "2.5.29.14";
  private static final String OID_AUTHORITY_KEY_ID = "2.5.29.35";
  private static final String OID_SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String OID_CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final int KU_DIGITAL_SIGNATURE = 0;
  private static final int KU_KEY_ENCIPHERMENT = 2;
  private static final int KU_KEY_CERT_SIGN = 5;
  private static final int KU_CRL_SIGN = 6;

  static byte[] tlv(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
    out.write(tag);
    int len = content.length;
    if (len < 0x80) {
      out.write(len);
    } else {
      int bytes = (32 - Integer.numberOfLeadingZeros(len) + 7) / 8;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) out.write(len >>> (8 * i));
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  static byte[] seq(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) out.writeBytes(p);
    return tlv(0x30, out.toByteArray());
  }

  static byte[] integer(BigInteger v) {
    return tlv(0x02, v.toByteArray()); // two's complement, minimal: what DER wants
  }

  static byte[] bool(boolean v) {
    return new byte[] {0x01, 0x01, (byte) (v ? 0xFF : 0x00)};
  }

  static byte[] bitString(byte[] bytes) {
    byte[] content = new byte[bytes.length + 1]; // no unused bits
    System.arraycopy(bytes, 0, content, 1, bytes.length);
    return tlv(0x03, content);
  }

  static byte[] oid(String dotted) {
    String[] arcs = dotted.split("\\.");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(Integer.parseInt(arcs[0]) * 40 + Integer.parseInt(arcs[1]));
    for (int i = 2; i < arcs.length; i++) {
      long arc = Long.parseLong(arcs[i]);
      int groups = Math.max(1, (64 - Long.numberOfLeadingZeros(arc) + 6) / 7);
      for (int g = groups - 1; g >= 0; g--) out.write((int) ((arc >>> (7 * g)) & 0x7F) | (g > 0 ? 0x80 : 0));
    }
    return tlv(0x06, out.toByteArray());
  }

  /** UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 4.1.2.5), in seconds, UTC. */
  static byte[] time(Instant t) {
    ZonedDateTime z = t.atZone(ZoneOffset.UTC);
    if (z.getYear() < 2050) return tlv(0x17, z.format(DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'")).getBytes(StandardCharsets.US_ASCII));
    return tlv(0x18, z.format(DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'")).getBytes(StandardCharsets.US_ASCII));
  }

  /** KeyUsage BIT STRING with the given bit numbers set and trailing zero bits dropped (DER). */
  static byte[] keyUsage(int... bits) {
    int highest = 0;
    int value = 0;
    for (int b : bits) {
      value |= 0x80 >>> b;
      highest = Math.max(highest, b);
    }
    return tlv(0x03, new byte[] {(byte) (7 - highest), (byte) value}); // bits 0..7 fit one byte
  }

  private static byte[] name(String commonName) {
    byte[] atv = seq(oid(OID_COMMON_NAME), tlv(0x0C, commonName.getBytes(StandardCharsets.UTF_8))); // UTF8String
    return seq(tlv(0x31, atv)); // RDNSequence of one SET
  }

  private static byte[] extension(String id, boolean critical, byte[] value) {
    return critical ? seq(oid(id), bool(true), tlv(0x04, value)) : seq(oid(id), tlv(0x04, value));
  }

  private static byte[] keyId(byte[] spki) throws GeneralSecurityException {
    return MessageDigest.getInstance("SHA-1").digest(spki);
  }

  private static BigInteger serial() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    b[0] = (byte) ((b[0] & 0x7F) | 0x40); // positive, 16 bytes, never zero
    return new BigInteger(b);
  }
}
