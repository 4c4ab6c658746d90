package io.barrage.protocol.scenario;

import java.util.List;

/**
 * One serving stack under test.
 *
 * @param url for {@code fastapi} the full endpoint; for the other kinds the server's base URL
 * @param stream for the openai kinds, whether to stream (default true)
 * @param maxNewTokens the values of {@code workload.maxNewTokens} this target runs; null = all of them
 * @param tls for {@code https://} urls, how the server's certificate is checked (null: the JVM's
 *     trusted authorities, host name verified)
 * @param metrics scraping of the stack's metrics and its GPUs' DCGM exporter (null: the default path
 *     of the api kind, every second; docs/telemetry.md)
 * @param stack the serving software, when {@code api} does not say it (see {@link #stackOrDefault()})
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
    List<Integer> maxNewTokens,
    TlsOptions tls,
    MetricsSpec metrics,
    Stack stack) {

  /** A target with the default metrics scraping, its stack said by its api kind. */
  public Target(String name, ApiKind api, String url, String model, Deployment deployment, Auth auth, FastapiOptions fastapi,
      Boolean stream, List<Integer> maxNewTokens, TlsOptions tls) {
    this(name, api, url, model, deployment, auth, fastapi, stream, maxNewTokens, tls, null, null);
  }

  /** A target that runs every {@code workload.maxNewTokens} value, without TLS options. */
  public Target(String name, ApiKind api, String url, String model, Deployment deployment, Auth auth, FastapiOptions fastapi,
      Boolean stream) {
    this(name, api, url, model, deployment, auth, fastapi, stream, null, null, null, null);
  }

  /** {@code stack}, or TGI for the {@code tgi} kinds; null when neither says (fastapi, openai without {@code stack}). */
  public Stack stackOrDefault() {
    if (stack != null) return stack;
    return api == ApiKind.TGI || api == ApiKind.TGI_STREAM ? Stack.TGI : null;
  }

  /** Whether this target has a cell at {@code maxNewTokens}. */
  public boolean runs(int maxNewTokens) {
    return this.maxNewTokens == null || this.maxNewTokens.contains(maxNewTokens);
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
