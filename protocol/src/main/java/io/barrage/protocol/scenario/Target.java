package io.barrage.protocol.scenario;

/**
 * One serving stack under test.
 *
 * @param url for {@code fastapi} the full endpoint; for the other kinds the server's base URL
 * @param stream for the openai kinds, whether to stream (default true)
 * @param tls for {@code https://} urls, how the server's certificate is checked (null: the JVM's
 *     trusted authorities, host name verified)
 */
public record Target(
    String name,
    ApiKind api,
    String url,
    String model,
    Deployment deployment,
    Auth auth,
    FastapiOptions fastapi,
    Boolean stream,
    TlsOptions tls) {

  /** A target without TLS options. */
  public Target(String name, ApiKind api, String url, String model, Deployment deployment, Auth auth, FastapiOptions fastapi,
      Boolean stream) {
    this(name, api, url, model, deployment, auth, fastapi, stream, null);
  }

  public Deployment deploymentOrUnknown() {
    return deployment == null ? Deployment.unknown() : deployment;
  }

  public boolean streaming() {
    if (api == ApiKind.OPENAI_CHAT || api == ApiKind.OPENAI_COMPLETIONS) {
      return stream == null || stream;
    }
    return api.streamsByDefault();
  }
}
