package io.barrage.protocol.scenario;

/**
 * How an {@code https://} target's certificate is checked. By default against the JVM's trusted
 * authorities, with the host name (or IP address) of the URL matched against the certificate.
 *
 * @param caFile PEM file of the certificate authorities to trust instead of the JVM's (one or more
 *     {@code CERTIFICATE} blocks; relative paths are resolved against the scenario's directory)
 * @param insecureSkipVerify true turns certificate and host name checks off (self-signed test
 *     servers only: the connection is encrypted but the server is not authenticated); default false
 */
public record TlsOptions(String caFile, Boolean insecureSkipVerify) {
  public boolean skipVerify() {
    return insecureSkipVerify != null && insecureSkipVerify;
  }
}
