package io.barrage.protocol.scenario;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * The coordinator's optional allow-list of targets ({@code --allow-targets} / {@code
 * BARRAGE_ALLOW_TARGETS}): {@link HostPattern}s, comma separated. Empty allows every target; otherwise
 * a scenario with a target whose host (and port) matches none of them is refused at submission.
 */
public final class TargetAllowList {
  public static final TargetAllowList ANY = new TargetAllowList(List.of());

  private final List<String> patterns;

  private TargetAllowList(List<String> patterns) {
    this.patterns = patterns;
  }

  /** From a comma-separated list (null or blank: {@link #ANY}); a malformed pattern is an error naming it. */
  public static TargetAllowList parse(String spec) {
    if (spec == null || spec.isBlank()) return ANY;
    List<String> out = new ArrayList<>();
    for (String p : spec.split(",")) {
      if (p.isBlank()) continue;
      String problem = HostPattern.problem(p);
      if (problem != null) throw new IllegalArgumentException("--allow-targets: " + problem);
      out.add(p.strip());
    }
    return new TargetAllowList(List.copyOf(out));
  }

  public boolean allowsAll() {
    return patterns.isEmpty();
  }

  public List<String> patterns() {
    return patterns;
  }

  /** Throws, naming every target outside the list. */
  public void check(Scenario s) throws InvalidScenarioException {
    List<ScenarioProblem> p = problems(s);
    if (!p.isEmpty()) throw new InvalidScenarioException(p);
  }

  /** One problem per target outside the list, at {@code targets[i].url}. */
  public List<ScenarioProblem> problems(Scenario s) {
    List<ScenarioProblem> out = new ArrayList<>();
    if (allowsAll() || s.targets() == null) return out;
    for (int i = 0; i < s.targets().size(); i++) {
      Target t = s.targets().get(i);
      URI u;
      try {
        u = URI.create(t.url());
      } catch (RuntimeException e) {
        continue; // the validator reports a bad url
      }
      refuse(u, "targets[" + i + "].url", out);
      // the coordinator itself fetches the metrics endpoints: they are bound by the same list
      if (t.metrics() != null) {
        refuse(t.metrics().url(), "targets[" + i + "].metrics.url", out);
        refuse(t.metrics().dcgm(), "targets[" + i + "].metrics.dcgm", out);
        if (t.metrics().dcgmExporters() != null) {
          for (int j = 0; j < t.metrics().dcgmExporters().size(); j++) {
            MetricsSpec.DcgmExporter x = t.metrics().dcgmExporters().get(j);
            if (x != null) refuse(x.url(), "targets[" + i + "].metrics.dcgmExporters[" + j + "].url", out);
          }
        }
      }
    }
    return out;
  }

  private void refuse(String url, String path, List<ScenarioProblem> out) {
    if (url == null) return;
    try {
      refuse(URI.create(url), path, out);
    } catch (RuntimeException e) {
      // the validator reports a bad url
    }
  }

  private void refuse(URI u, String path, List<ScenarioProblem> out) {
    if (u.getHost() == null) return;
    int port = u.getPort() > 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    if (patterns.stream().noneMatch(p -> HostPattern.matches(p, u.getHost(), port))) {
      out.add(new ScenarioProblem(path, u.getHost() + ":" + port
          + " is not an allowed target on this coordinator (allowed: " + String.join(", ", patterns) + ")"));
    }
  }
}
