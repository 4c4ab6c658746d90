package io.barrage.common.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes the PEM files of TLS: certificates ({@code BEGIN CERTIFICATE}, one or more) and
 * unencrypted PKCS#8 private keys ({@code BEGIN PRIVATE KEY}, RSA or EC). Errors name the file and
 * what is wrong with it, never key material.
 */
public final class Pem {
  private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");

  private Pem() {}

  /** Every certificate in {@code file}, in order; at least one. */
  public static List<X509Certificate> certificates(Path file) {
    String text = read(file);
    List<X509Certificate> out = new ArrayList<>();
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      Matcher m = BLOCK.matcher(text);
      while (m.find()) {
        if (!m.group(1).equals("CERTIFICATE")) continue;
        out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(decode(file, m.group(2)))));
      }
    } catch (CertificateException e) {
      throw new IllegalArgumentException(file + ": not a valid X.509 certificate (" + e.getMessage() + ")");
    }
    if (out.isEmpty()) throw new IllegalArgumentException(file + ": no PEM certificate (-----BEGIN CERTIFICATE-----) in it");
    return out;
  }

  /** The unencrypted PKCS#8 private key in {@code file} (RSA or EC). */
  public static PrivateKey privateKey(Path file) {
    Matcher m = BLOCK.matcher(read(file));
    while (m.find()) {
      switch (m.group(1)) {
        case "PRIVATE KEY" -> {
          byte[] der = decode(file, m.group(2));
          for (String alg : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
              return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
              // try the next algorithm
            }
          }
          throw new IllegalArgumentException(file + ": the private key is neither RSA, EC nor Ed25519");
        }
        case "RSA PRIVATE KEY", "EC PRIVATE KEY" -> throw new IllegalArgumentException(file + ": a " + m.group(1)
            + " block (PKCS#1/SEC1); convert it to PKCS#8 with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8.pem");
        case "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException(file
            + ": the private key is encrypted; give an unencrypted PKCS#8 key (openssl pkcs8 -topk8 -nocrypt)");
        default -> {
          // other blocks (e.g. EC PARAMETERS) are skipped
        }
      }
    }
    throw new IllegalArgumentException(file + ": no PEM private key (-----BEGIN PRIVATE KEY-----) in it");
  }

  /** {@code cert} as a PEM block. */
  public static String encode(X509Certificate cert) {
    try {
      return "-----BEGIN CERTIFICATE-----\n"
          + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(cert.getEncoded())
          + "\n-----END CERTIFICATE-----\n";
    } catch (CertificateException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + (Files.exists(file) ? "" : ": no such file"));
    }
  }

  private static byte[] decode(Path file, String body) {
    try {
      return Base64.getMimeDecoder().decode(body.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": a PEM block is not valid base64");
    }
  }
}
