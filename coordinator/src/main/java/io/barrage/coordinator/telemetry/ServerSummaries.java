package io.barrage.coordinator.telemetry;

import io.barrage.coordinator.report.model.Numbers;
import io.barrage.coordinator.report.model.ServerSummary;
import io.barrage.coordinator.report.model.Timeline;
import io.barrage.protocol.results.ServerTelemetry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns one cell's scrapes ({@link ServerTelemetry}) into its {@code server} object (mean and max of
 * each canonical series, the server's token count over the cell and its check against barrage's,
 * energy per output token) and into the points of timeline.json (docs/telemetry.md).
 */
public final class ServerSummaries {
  private ServerSummaries() {}

  /** The tokens/s series derived from the token counter. */
  public static final String TOKENS_PER_SECOND = "tokensGeneratedPerSecond";

  /**
   * @param outputTokens the cell's outputTokens (tokens of its ok requests)
   * @param clientTokens the client's own count ({@code tokens.client}), null when it counted none
   * @param failedOrWarmup requests the server served that barrage's count leaves out (errors, warm-up)
   * @param usdPer1MTokens the cell's cost, shown beside the energy
   */
  public static ServerSummary of(ServerTelemetry t, long outputTokens, Long clientTokens, long failedOrWarmup, Double usdPer1MTokens) {
    if (t == null) return null;
    List<ServerTelemetry.Sample> stack = kind(t, "stack"), gpu = kind(t, "dcgm");
    Map<String, ServerSummary.Series> series = new LinkedHashMap<>();
    for (Canonical c : Canonical.stack()) summarise(c, stack, series);
    for (Canonical c : Canonical.gpu()) if (c.kind != Canonical.Kind.COUNTER) summarise(c, gpu, series);
    Long tokens = counterIncrease(stack, Canonical.TOKENS_GENERATED.key);
    ServerSummary.TokenCheck check = null;
    if (tokens != null) {
      long client = clientTokens != null ? clientTokens : outputTokens;
      String source = clientTokens != null ? "client" : "outputTokens";
      String note = failedOrWarmup > 0 && tokens != client
          ? "the cell had " + failedOrWarmup + " failed or warm-up request(s): the server counts their tokens, barrage does not"
          : null;
      check = new ServerSummary.TokenCheck(tokens, client, source, tokens - client, tokens == client, note);
    }
    ServerSummary.Energy energy = energy(gpu, tokens, outputTokens, usdPer1MTokens);
    List<ServerSummary.Endpoint> endpoints = new ArrayList<>();
    for (ServerTelemetry.Endpoint e : t.endpoints()) {
      endpoints.add(new ServerSummary.Endpoint(e.kind(), e.url(), e.ok(), e.missing(), e.errors(), e.credentialNote(), e.node(), e.gpus(),
          e.gpuSelection()));
    }
    ServerTelemetry.Gpus g = t.gpus();
    ServerSummary.Gpus gpus = g == null ? null : new ServerSummary.Gpus(g.exporters(), g.gpus(), g.partial(), g.missing());
    return new ServerSummary(t.stack(), series, tokens, check, energy, endpoints, new TreeMap<>(t.raw()), gpus);
  }

  /** One point per scrape: gauges as read, the token counter as a rate and durations as a mean since the previous scrape. */
  public static List<Timeline.ServerPoint> points(ServerTelemetry t) {
    List<Timeline.ServerPoint> out = new ArrayList<>();
    if (t == null) return out;
    for (String kind : List.of("stack", "dcgm")) {
      List<ServerTelemetry.Sample> s = kind(t, kind);
      for (int i = 0; i < s.size(); i++) {
        ServerTelemetry.Sample cur = s.get(i), prev = i == 0 ? null : s.get(i - 1);
        Map<String, Double> v = new TreeMap<>();
        for (Canonical c : kind.equals("stack") ? Canonical.stack() : Canonical.gpu()) {
          Double x = cur.values().get(c.key);
          if (c.kind == Canonical.Kind.COUNTER) {
            if (prev == null || x == null || prev.values().get(c.key) == null || cur.epochMs() <= prev.epochMs()) continue;
            double d = increase(prev.values().get(c.key), x);
            if (c == Canonical.TOKENS_GENERATED) v.put(TOKENS_PER_SECOND, Numbers.round(d * 1000.0 / (cur.epochMs() - prev.epochMs()), 3));
          } else if (x != null) {
            v.put(c.key, Numbers.round(x * c.scale, 4));
          } else if (prev != null) {
            Double m = intervalMean(prev, cur, c);
            if (m != null) v.put(c.key, Numbers.round(m, 4));
          }
        }
        out.add(new Timeline.ServerPoint(cur.epochMs(), kind, v));
      }
    }
    out.sort((a, b) -> Long.compare(a.epochMs(), b.epochMs()));
    return out;
  }

  private static List<ServerTelemetry.Sample> kind(ServerTelemetry t, String kind) {
    List<ServerTelemetry.Sample> out = new ArrayList<>();
    for (ServerTelemetry.Sample s : t.samples()) if (s.kind().equals(kind)) out.add(s);
    return out;
  }

  private static void summarise(Canonical c, List<ServerTelemetry.Sample> samples, Map<String, ServerSummary.Series> out) {
    if (c.kind == Canonical.Kind.COUNTER) {
      // its rate over time: the cell's mean (all tokens ÷ the span) and the fastest interval
      List<ServerTelemetry.Sample> with = having(samples, c.key);
      if (with.size() < 2) return;
      double max = 0, total = 0;
      for (int i = 1; i < with.size(); i++) {
        double d = increase(with.get(i - 1).values().get(c.key), with.get(i).values().get(c.key));
        long dt = with.get(i).epochMs() - with.get(i - 1).epochMs();
        total += d;
        if (dt > 0) max = Math.max(max, d * 1000.0 / dt);
      }
      long span = with.get(with.size() - 1).epochMs() - with.get(0).epochMs();
      out.put(TOKENS_PER_SECOND, new ServerSummary.Series(span > 0 ? Numbers.round(total * 1000.0 / span, 3) : null, Numbers.round(max, 3), "tokens/s"));
      return;
    }
    List<ServerTelemetry.Sample> gauges = having(samples, c.key);
    if (!gauges.isEmpty()) {
      double sum = 0, max = Double.NEGATIVE_INFINITY;
      for (ServerTelemetry.Sample s : gauges) {
        double x = s.values().get(c.key) * c.scale;
        sum += x;
        max = Math.max(max, x);
      }
      out.put(c.key, new ServerSummary.Series(Numbers.round(sum / gauges.size(), 4), Numbers.round(max, 4), c.unit));
      return;
    }
    // a mean of deltas: a histogram's sum ÷ count, or llama.cpp's busy slots ÷ decode calls
    List<ServerTelemetry.Sample> pairs = having(samples, c.sumKey());
    pairs.removeIf(s -> s.values().get(c.countKey()) == null);
    if (pairs.size() < 2) return;
    Double max = null;
    for (int i = 1; i < pairs.size(); i++) {
      Double m = intervalMean(pairs.get(i - 1), pairs.get(i), c);
      if (m != null) max = max == null ? m : Math.max(max, m);
    }
    Double mean = intervalMean(pairs.get(0), pairs.get(pairs.size() - 1), c);
    out.put(c.key, new ServerSummary.Series(Numbers.round(mean, 4), Numbers.round(max, 4), c.unit));
  }

  private static Double intervalMean(ServerTelemetry.Sample a, ServerTelemetry.Sample b, Canonical c) {
    Double s0 = a.values().get(c.sumKey()), s1 = b.values().get(c.sumKey()), n0 = a.values().get(c.countKey()), n1 = b.values().get(c.countKey());
    if (s0 == null || s1 == null || n0 == null || n1 == null) return null;
    double dn = n1 - n0;
    if (dn <= 0) return null;
    return (s1 - s0) / dn * c.scale;
  }

  private static List<ServerTelemetry.Sample> having(List<ServerTelemetry.Sample> samples, String key) {
    List<ServerTelemetry.Sample> out = new ArrayList<>();
    for (ServerTelemetry.Sample s : samples) if (s.values().get(key) != null) out.add(s);
    return out;
  }

  /** A counter's increase between two readings; a drop means it restarted from zero. */
  private static double increase(double before, double after) {
    return after >= before ? after - before : after;
  }

  /** A counter's increase over the samples (restarts counted from zero); null with fewer than two readings. */
  static Long counterIncrease(List<ServerTelemetry.Sample> samples, String key) {
    List<ServerTelemetry.Sample> with = having(samples, key);
    if (with.size() < 2) return null;
    double total = 0;
    for (int i = 1; i < with.size(); i++) total += increase(with.get(i - 1).values().get(key), with.get(i).values().get(key));
    return Math.round(total);
  }

  private static ServerSummary.Energy energy(List<ServerTelemetry.Sample> gpu, Long serverTokens, long outputTokens, Double usdPer1M) {
    List<ServerTelemetry.Sample> power = having(gpu, Canonical.GPU_POWER.key);
    List<ServerTelemetry.Sample> counter = having(gpu, Canonical.GPU_ENERGY.key);
    Double joules = null;
    String source = null;
    double seconds;
    if (counter.size() >= 2) {
      double j = 0;
      for (int i = 1; i < counter.size(); i++) {
        j += increase(counter.get(i - 1).values().get(Canonical.GPU_ENERGY.key), counter.get(i).values().get(Canonical.GPU_ENERGY.key));
      }
      joules = j;
      source = "energy-counter";
      seconds = (counter.get(counter.size() - 1).epochMs() - counter.get(0).epochMs()) / 1000.0;
    } else if (power.size() >= 2) {
      double j = 0;
      for (int i = 1; i < power.size(); i++) {
        double dt = (power.get(i).epochMs() - power.get(i - 1).epochMs()) / 1000.0;
        j += dt * (power.get(i).values().get(Canonical.GPU_POWER.key) + power.get(i - 1).values().get(Canonical.GPU_POWER.key)) / 2;
      }
      joules = j;
      source = "power-integral";
      seconds = (power.get(power.size() - 1).epochMs() - power.get(0).epochMs()) / 1000.0;
    } else {
      return null;
    }
    double maxPower = 0;
    for (ServerTelemetry.Sample s : power) maxPower = Math.max(maxPower, s.values().get(Canonical.GPU_POWER.key));
    boolean server = serverTokens != null && serverTokens > 0;
    long tokens = server ? serverTokens : outputTokens;
    Double perToken = tokens > 0 ? joules / tokens : null;
    return new ServerSummary.Energy(Numbers.round(joules, 3), Numbers.round(seconds, 3), seconds > 0 ? Numbers.round(joules / seconds, 3) : null,
        power.isEmpty() ? null : Numbers.round(maxPower, 3), tokens, server ? "server" : "client", Numbers.round(perToken, 6),
        perToken == null ? null : Numbers.round(perToken * 1e6, 1), perToken == null ? null : Numbers.round(perToken * 1e6 / 3.6e6, 6), usdPer1M, source);
  }
}
