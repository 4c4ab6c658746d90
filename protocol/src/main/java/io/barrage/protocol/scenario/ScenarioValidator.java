package io.barrage.protocol.scenario;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.barrage.common.json.Mappers;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Semantic checks of a bound scenario; adds every problem found, with its YAML path. */
public final class ScenarioValidator {
  private ScenarioValidator() {}

  public static void validate(Scenario s, Path baseDir, List<ScenarioProblem> out) {
    if (s.name() == null || s.name().isBlank()) {
      out.add(new ScenarioProblem("name", "required"));
    }
    if (s.targets() == null || s.targets().isEmpty()) {
      out.add(new ScenarioProblem("targets", "at least one target is required"));
    } else {
      Set<String> names = new HashSet<>();
      for (int i = 0; i < s.targets().size(); i++) {
        Target t = s.targets().get(i);
        String p = "targets[" + i + "]";
        if (t == null) {
          out.add(new ScenarioProblem(p, "empty target"));
          continue;
        }
        if (t.name() == null || t.name().isBlank()) {
          out.add(new ScenarioProblem(p + ".name", "required"));
        } else if (!t.name().matches("[A-Za-z0-9._-]+")) {
          out.add(new ScenarioProblem(p + ".name", "use letters, digits, '.', '_' or '-' only (it names files)"));
        } else if (!names.add(t.name())) {
          out.add(new ScenarioProblem(p + ".name", "duplicate target name '" + t.name() + "'"));
        }
        if (t.api() == null) {
          out.add(new ScenarioProblem(p + ".api", "required: one of " + ApiKind.names()));
        }
        if (t.url() == null || t.url().isBlank()) {
          out.add(new ScenarioProblem(p + ".url", "required"));
        } else {
          try {
            URI u = URI.create(t.url());
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
              out.add(new ScenarioProblem(p + ".url", "must start with http:// or https://"));
            } else if (u.getHost() == null) {
              out.add(new ScenarioProblem(p + ".url", "has no host"));
            }
          } catch (IllegalArgumentException e) {
            out.add(new ScenarioProblem(p + ".url", "not a URL: " + e.getMessage()));
          }
        }
        MetricsSpec.validate(t.metrics(), p + ".metrics", out);
        Deployment d = t.deployment();
        if (d != null) {
          if (d.usdPerHour() != null && d.usdPerHour() < 0) {
            out.add(new ScenarioProblem(p + ".deployment.usdPerHour", "must be >= 0"));
          }
          if (d.gpus() != null && d.gpus() < 0) {
            out.add(new ScenarioProblem(p + ".deployment.gpus", "must be >= 0"));
          }
        }
        if (t.auth() != null && t.auth().env() == null && t.auth().file() == null) {
          out.add(new ScenarioProblem(p + ".auth", "name the secret's source: env or file"));
        }
        validateAuthHeader(t.auth(), p + ".auth", out);
        if (t.maxNewTokens() != null) {
          List<Integer> all = s.workload() == null || s.workload().maxNewTokens() == null ? List.of() : s.workload().maxNewTokens();
          if (t.maxNewTokens().isEmpty()) {
            out.add(new ScenarioProblem(p + ".maxNewTokens", "must not be empty; leave it out to run every workload.maxNewTokens value"));
          }
          for (int j = 0; j < t.maxNewTokens().size(); j++) {
            Integer v = t.maxNewTokens().get(j);
            if (v == null || !all.contains(v)) {
              out.add(new ScenarioProblem(p + ".maxNewTokens[" + j + "]", "must be one of workload.maxNewTokens " + all + ", got " + v));
            }
          }
        }
        if (t.tls() != null) validateTls(t, p + ".tls", baseDir, out);
        if (t.fastapi() != null) validateFastapi(t.fastapi(), p + ".fastapi", out);
      }
    }
    Workload w = s.workload();
    if (w == null) {
      out.add(new ScenarioProblem("workload", "required"));
    } else {
      validateWorkload(w, s.slo(), baseDir, out);
      TrafficValidator.validate(s, baseDir, out);
    }
    PromptChecks.validate(s, baseDir, out);
    if (s.comparison() != null && s.targets() != null) {
      if (s.comparison().baseline() != null && s.target(s.comparison().baseline()).isEmpty()) {
        out.add(new ScenarioProblem("comparison.baseline", "no target named '" + s.comparison().baseline() + "'"));
      }
      if (s.comparison().candidate() != null && s.target(s.comparison().candidate()).isEmpty()) {
        out.add(new ScenarioProblem("comparison.candidate", "no target named '" + s.comparison().candidate() + "'"));
      }
    }
    if (s.repeat() != null && (s.repeat() < 1 || s.repeat() > 100)) {
      out.add(new ScenarioProblem("repeat", "must be between 1 and 100"));
    }
    if (s.slo() != null && s.slo().maxErrorRate() != null && !(s.slo().maxErrorRate() >= 0 && s.slo().maxErrorRate() <= 1)) {
      out.add(new ScenarioProblem("slo.maxErrorRate", "must be a fraction between 0 and 1 (0.01 = 1 %), got " + s.slo().maxErrorRate()));
    }
    if (s.slo() != null && s.slo().perRequest() != null) {
      SloSpec.PerRequest pr = s.slo().perRequest();
      positive(pr.ttft(), "slo.perRequest.ttft", out);
      positive(pr.tpot(), "slo.perRequest.tpot", out);
      positive(pr.e2e(), "slo.perRequest.e2e", out);
    }
    validateBounds(s, out);
  }

  private static void positive(java.time.Duration d, String path, List<ScenarioProblem> out) {
    if (d != null && (d.isZero() || d.isNegative())) out.add(new ScenarioProblem(path, "must be a positive duration (e.g. 2s), got " + d));
  }

  /** Renders the request template with sample values the way the worker will, and checks the JSON pointers. */
  private static void validateFastapi(FastapiOptions f, String p, List<ScenarioProblem> out) {
    if (f.requestTemplate() != null) {
      try {
        byte[] body = RequestTemplate.parse(f.requestTemplate()).render("a \"sample\" prompt\nwith two lines", 128, 42);
        SAMPLE_READER.readTree(body);
      } catch (IllegalArgumentException | IOException e) {
        out.add(new ScenarioProblem(p + ".requestTemplate", e.getMessage()));
      }
    }
    pointer(f.textPath(), p + ".textPath", out);
    pointer(f.tokensPath(), p + ".tokensPath", out);
  }

  private static final ObjectMapper SAMPLE_READER = Mappers.strict();

  private static void pointer(String path, String yamlPath, List<ScenarioProblem> out) {
    if (path == null) return;
    try {
      JsonPointer.compile(path);
    } catch (IllegalArgumentException e) {
      out.add(new ScenarioProblem(yamlPath, "not a JSON pointer (e.g. /details/generated_tokens): " + e.getMessage()));
    }
  }

  /** The header a secret travels in: a CR or LF in its name or scheme would inject headers into every request. */
  private static void validateAuthHeader(Auth auth, String p, List<ScenarioProblem> out) {
    if (auth == null) return;
    if (auth.header() != null && !HeaderSyntax.isToken(auth.header())) {
      out.add(new ScenarioProblem(p + ".header", "not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only): "
          + HeaderSyntax.printable(auth.header())));
    }
    if (auth.scheme() != null && !HeaderSyntax.isFieldValue(auth.scheme())) {
      out.add(new ScenarioProblem(p + ".scheme", "may hold only visible ASCII, spaces and tabs (no line breaks): "
          + HeaderSyntax.printable(auth.scheme())));
    }
  }

  /** The caps of {@link ScenarioLimits} and ranges whose ends must be in order. */
  private static void validateBounds(Scenario s, List<ScenarioProblem> out) {
    ScenarioLimits.get().check(s, out);
  }

  private static void validateTls(Target t, String p, Path baseDir, List<ScenarioProblem> out) {
    TlsOptions tls = t.tls();
    if (t.url() != null && !t.url().startsWith("https://")) {
      out.add(new ScenarioProblem(p, "applies to https:// urls only; this target's url is not https"));
    }
    if (tls.caFile() != null && tls.skipVerify()) {
      out.add(new ScenarioProblem(p, "give caFile or insecureSkipVerify: true, not both"));
    }
    if (tls.caFile() != null) {
      Path ca = baseDir == null ? Path.of(tls.caFile()) : baseDir.resolve(tls.caFile());
      try {
        io.barrage.common.tls.Pem.certificates(ca);
      } catch (IllegalArgumentException e) {
        out.add(new ScenarioProblem(p + ".caFile", e.getMessage()));
      }
    }
  }

  private static void validateWorkload(Workload w, SloSpec slo, Path baseDir, List<ScenarioProblem> out) {
    if (w.maxNewTokens() == null || w.maxNewTokens().isEmpty()) {
      out.add(new ScenarioProblem("workload.maxNewTokens", "required: a list such as [128, 256]"));
    } else {
      for (int i = 0; i < w.maxNewTokens().size(); i++) {
        Integer v = w.maxNewTokens().get(i);
        if (v == null || v < 1 || v > 1_000_000) {
          out.add(new ScenarioProblem("workload.maxNewTokens[" + i + "]", "must be between 1 and 1000000"));
        }
      }
    }
    LoadSpec l = w.load();
    if (l == null) {
      out.add(new ScenarioProblem("workload.load", "required: concurrency, rate, stages, search or sweep"));
    } else if (l.stages() != null) {
      if (l.adaptive()) out.add(new ScenarioProblem("workload.load", "give exactly one of concurrency, rate, stages, search or sweep"));
      io.barrage.protocol.plan.Stages.validate(l, w.step(), out);
    } else {
      boolean c = l.concurrency() != null, r = l.rate() != null;
      int kinds = (c ? 1 : 0) + (r ? 1 : 0) + (l.search() != null ? 1 : 0) + (l.sweep() != null ? 1 : 0) + (l.trace() != null ? 1 : 0);
      if (kinds != 1) {
        out.add(new ScenarioProblem("workload.load", "give exactly one of concurrency, rate, stages, search, sweep or trace"));
      }
      AdaptiveLoadChecks.check(l, slo, out);
      if (c) {
        if (l.concurrency().isEmpty()) out.add(new ScenarioProblem("workload.load.concurrency", "must not be empty"));
        for (int i = 0; i < l.concurrency().size(); i++) {
          Integer v = l.concurrency().get(i);
          if (v == null || v < 1 || v > 1_000_000) {
            out.add(new ScenarioProblem("workload.load.concurrency[" + i + "]", "must be between 1 and 1000000"));
          }
        }
        if (l.arrivals() != null) {
          out.add(new ScenarioProblem("workload.load.arrivals", "only applies to rate"));
        }
      }
      if (r) {
        if (l.rate().isEmpty()) out.add(new ScenarioProblem("workload.load.rate", "must not be empty"));
        for (int i = 0; i < l.rate().size(); i++) {
          Double v = l.rate().get(i);
          if (v == null || !(v > 0) || v > 1_000_000) {
            out.add(new ScenarioProblem("workload.load.rate[" + i + "]", "must be > 0 and <= 1000000 requests/s"));
          }
        }
      }
    }
    StepSpec st = w.step();
    if (l != null && l.stages() != null) {
      // the stages set the duration; Stages.validate checked the step
    } else if (st == null) {
      out.add(new ScenarioProblem("workload.step", "required: requests or duration"));
    } else {
      int ends = (st.requests() != null ? 1 : 0) + (st.duration() != null ? 1 : 0) + (st.requestsPerUser() != null ? 1 : 0);
      if (ends != 1) {
        out.add(new ScenarioProblem("workload.step", "give exactly one of requests, requestsPerUser or duration"));
      }
      if (st.requestsPerUser() != null && st.requestsPerUser() < 1) {
        out.add(new ScenarioProblem("workload.step.requestsPerUser", "must be >= 1"));
      }
      if (st.requestsPerUser() != null && w.load() != null && (w.load().rate() != null || w.load().sweep() != null
          || w.load().search() != null && w.load().search().by() == SearchBy.RATE)) {
        out.add(new ScenarioProblem("workload.step.requestsPerUser", "only applies to concurrency (closed loop); use requests or duration with rate"));
      }
      if (st.requests() != null && st.requests() < 1) {
        out.add(new ScenarioProblem("workload.step.requests", "must be >= 1"));
      }
      if (st.duration() != null && st.duration().isNegative() || st.duration() != null && st.duration().isZero()) {
        out.add(new ScenarioProblem("workload.step.duration", "must be > 0"));
      }
      if (st.warmup() != null && st.warmup().isNegative()) {
        out.add(new ScenarioProblem("workload.step.warmup", "must be >= 0"));
      }
      if (st.duration() != null && st.warmup() != null && st.warmup().compareTo(st.duration()) >= 0) {
        out.add(new ScenarioProblem("workload.step.warmup", "must be shorter than duration"));
      }
    }
    Timeouts to = w.timeouts();
    if (to != null) {
      if (to.firstToken() != null && (to.firstToken().isZero() || to.firstToken().isNegative())) out.add(new ScenarioProblem("workload.timeouts.firstToken", "must be > 0"));
      if (to.idle() != null && (to.idle().isZero() || to.idle().isNegative())) out.add(new ScenarioProblem("workload.timeouts.idle", "must be > 0"));
      if (to.total() != null && (to.total().isZero() || to.total().isNegative())) out.add(new ScenarioProblem("workload.timeouts.total", "must be > 0"));
    }
  }
}
