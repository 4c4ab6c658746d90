package io.barrage.worker.engine;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * A tiny loopback HTTP server for client tests: each route answers with scripted bytes (SSE events
 * with gaps, stalls, aborted connections, error statuses) and the server counts open connections and
 * records every request's id header and body.
 */
final class ScriptedServer implements AutoCloseable {
  final Map<String, Function<HttpRequest, HttpResponse>> routes = new ConcurrentHashMap<>();
  final Queue<String> ids = new ConcurrentLinkedQueue<>();
  final Queue<String> bodies = new ConcurrentLinkedQueue<>();
  final Queue<String> authHeaders = new ConcurrentLinkedQueue<>();
  final AtomicInteger open = new AtomicInteger();
  final AtomicInteger maxOpen = new AtomicInteger();
  final AtomicInteger accepted = new AtomicInteger();
  private final ServerBinding binding;
  private final Materializer mat;
  private final boolean https;

  ScriptedServer(ActorSystem system) throws Exception {
    this(system, null);
  }

  /** @param tls serve https with this identity; null = plain http */
  ScriptedServer(ActorSystem system, io.barrage.simulator.tls.ServerTls tls) throws Exception {
    this.https = tls != null;
    mat = Materializer.matFromSystem(system);
    var at = Http.get(system).newServerAt("127.0.0.1", 0);
    if (tls != null) at = at.enableHttps(org.apache.pekko.http.javadsl.ConnectionContext.httpsServer(tls.context()));
    // a real server's accept backlog (uvicorn 2048, the simulator 4096), not Pekko's 100: a thousand
    // connects at once would otherwise wait for SYN retransmits
    CompletionStage<ServerBinding> b = at
        .withSettings(org.apache.pekko.http.javadsl.settings.ServerSettings.create(system).withBacklog(4096)).connectionSource()
        .to(Sink.foreach(conn -> {
          accepted.incrementAndGet();
          maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
          conn.handleWith(Flow.of(HttpRequest.class).map(this::handle).watchTermination((m, f) -> {
            f.whenComplete((d, e) -> open.decrementAndGet());
            return m;
          }), mat);
        }))
        .run(mat);
    binding = b.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  String baseUrl() {
    return (https ? "https" : "http") + "://127.0.0.1:" + binding.localAddress().getPort();
  }

  private HttpResponse handle(HttpRequest req) {
    req.getHeader("X-Barrage-Request-Id").ifPresent(h -> ids.add(h.value()));
    req.getHeader("Authorization").ifPresent(h -> authHeaders.add(h.value()));
    if (req.entity() instanceof HttpEntity.Strict s) bodies.add(s.getData().utf8String());
    else req.discardEntityBytes(mat);
    Function<HttpRequest, HttpResponse> r = routes.get(req.getUri().path());
    return r == null ? HttpResponse.create().withStatus(404) : r.apply(req);
  }

  /** SSE response: each element is written as one chunk, {@code gap} apart; then the body ends. */
  static HttpResponse sse(List<String> chunks, Duration gap) {
    return sse(src(chunks, gap));
  }

  static HttpResponse sse(Source<ByteString, ?> body) {
    return HttpResponse.create().withEntity(HttpEntities.createChunked(
        ContentTypes.create(MediaTypes.TEXT_EVENT_STREAM), body));
  }

  static Source<ByteString, ?> src(List<String> chunks, Duration gap) {
    Source<ByteString, ?> s = Source.from(chunks).map(c -> ByteString.fromString(c, UTF_8));
    // each chunk is written `gap` after the previous one (throttle would let a burst of two through)
    return gap.isZero() ? s : s.flatMapConcat(c -> Source.single(c).initialDelay(gap));
  }

  static HttpResponse json(int status, String body) {
    return HttpResponse.create().withStatus(status).withEntity(ContentTypes.APPLICATION_JSON, body);
  }

  static String tgiToken(int i) {
    return "data:{\"index\":" + i + ",\"token\":{\"id\":" + (100 + i) + ",\"text\":\" t" + i
        + "\",\"logprob\":-0.1,\"special\":false},\"generated_text\":null,\"details\":null}\n\n";
  }

  static String tgiFinal(int i, int generated) {
    return "data:{\"index\":" + i + ",\"token\":{\"id\":2,\"text\":\"</s>\",\"logprob\":-0.1,\"special\":true},"
        + "\"generated_text\":\"text\",\"details\":{\"finish_reason\":\"length\",\"generated_tokens\":" + generated
        + ",\"seed\":null,\"input_length\":3}}\n\n";
  }

  /** A complete TGI native stream of n tokens. */
  static List<String> tgiStream(int n) {
    List<String> out = new java.util.ArrayList<>();
    for (int i = 1; i < n; i++) out.add(tgiToken(i));
    out.add(tgiFinal(n, n));
    return out;
  }

  @Override
  public void close() throws Exception {
    binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
