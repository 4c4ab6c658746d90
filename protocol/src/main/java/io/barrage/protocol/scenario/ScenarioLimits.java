package io.barrage.protocol.scenario;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.barrage.common.time.DurationText;
import io.barrage.protocol.settings.SettingsSection;
import java.time.Duration;
import java.util.List;

/**
 * Caps on scenario values that would otherwise break a run or a node: a step of ten million hours,
 * two billion requests, a synthetic prompt of two billion tokens (a worker out of memory), a scenario
 * file of 50 MB (minutes of parsing). A person who really means a bigger value raises the cap in the
 * deployment, not in the scenario, because whoever can submit a scenario is not necessarily whoever
 * runs the nodes: {@code barrage.scenario.limits} in {@code protocol}'s {@code reference.conf}, each
 * with an environment override (set it on the coordinator and every worker alike).
 *
 * @param maxDuration longest step duration, warmup or request timeout ({@code BARRAGE_MAX_DURATION})
 * @param maxRequests most measured requests in one step ({@code BARRAGE_MAX_REQUESTS})
 * @param maxPromptTokens largest synthetic prompt length in tokens ({@code BARRAGE_MAX_PROMPT_TOKENS})
 * @param maxFileBytes largest scenario file read by the CLI ({@code BARRAGE_MAX_SCENARIO_FILE_BYTES})
 * @param maxDatasetBytes largest file a scenario's prompts read: dataset, tokenizer, length list
 *     ({@code BARRAGE_MAX_DATASET_BYTES})
 */
public record ScenarioLimits(Duration maxDuration, long maxRequests, int maxPromptTokens, long maxFileBytes, long maxDatasetBytes) {
  /** {@code max-dataset-bytes} when the configuration does not set it. */
  public static final long DEFAULT_MAX_DATASET_BYTES = 64L << 20;

  public ScenarioLimits(Duration maxDuration, long maxRequests, int maxPromptTokens, long maxFileBytes) {
    this(maxDuration, maxRequests, maxPromptTokens, maxFileBytes, DEFAULT_MAX_DATASET_BYTES);
  }

  private static volatile ScenarioLimits configured;

  /** The limits of this process ({@code barrage.scenario.limits}, read once). */
  public static ScenarioLimits get() {
    ScenarioLimits l = configured;
    if (l == null) {
      l = from(SettingsSection.of(ConfigFactory.load(), "barrage.scenario").getConfig("limits"));
      configured = l;
    }
    return l;
  }

  /** Reads {@code max-duration}, {@code max-requests}, {@code max-prompt-tokens}, {@code max-file-bytes}. */
  public static ScenarioLimits from(Config c) {
    ScenarioLimits l = new ScenarioLimits(c.getDuration("max-duration"), c.getLong("max-requests"),
        c.getInt("max-prompt-tokens"), c.getBytes("max-file-bytes"),
        c.hasPath("max-dataset-bytes") ? c.getBytes("max-dataset-bytes") : DEFAULT_MAX_DATASET_BYTES);
    if (l.maxDuration.isNegative() || l.maxDuration.isZero() || l.maxRequests < 1 || l.maxPromptTokens < 1 || l.maxFileBytes < 1
        || l.maxDatasetBytes < 1) {
      throw new IllegalArgumentException("barrage.scenario.limits: every limit must be > 0, got " + l);
    }
    return l;
  }

  /** Adds a problem, with its YAML path, for every value over a cap. */
  public void check(Scenario s, List<ScenarioProblem> out) {
    Workload w = s.workload();
    if (w == null) return;
    StepSpec st = w.step();
    if (st != null) {
      duration("workload.step.duration", st.duration(), out);
      duration("workload.step.warmup", st.warmup(), out);
      if (st.requests() != null && st.requests() > maxRequests) {
        out.add(over("workload.step.requests", Long.toString(maxRequests), "max-requests", "BARRAGE_MAX_REQUESTS"));
      }
      SearchSpec search = w.load() == null ? null : w.load().search();
      boolean searchByUsers = search != null && search.by() == SearchBy.CONCURRENCY && search.max() != null && search.max() > 0;
      if (st.requestsPerUser() != null && st.requestsPerUser() > 0 && w.load() != null && (w.load().concurrency() != null || searchByUsers)) {
        long most = searchByUsers ? (long) Math.min(search.max(), 1e12) * st.requestsPerUser()
            : w.load().concurrency().stream().filter(c -> c != null && c > 0).mapToLong(c -> (long) c * st.requestsPerUser()).max().orElse(0);
        if (most > maxRequests) {
          out.add(new ScenarioProblem("workload.step.requestsPerUser", "makes " + most + " requests at the highest concurrency; at most "
              + maxRequests + " per step (barrage.scenario.limits.max-requests; raise it with BARRAGE_MAX_REQUESTS on the coordinator and every worker)"));
        }
      }
    }
    if (w.load() != null && w.load().stages() != null) { // a ramp runs as long as its stages together
      Duration total = Duration.ZERO;
      for (LoadSpec.StageSpec stage : w.load().stages()) if (stage != null && stage.duration() != null) total = total.plus(stage.duration());
      duration("workload.load.stages", total, out);
    }
    Timeouts t = w.timeouts();
    if (t != null) {
      duration("workload.timeouts.firstToken", t.firstToken(), out);
      duration("workload.timeouts.idle", t.idle(), out);
      duration("workload.timeouts.total", t.total(), out);
    }
    PromptSpec pr = w.prompt();
    if (pr != null && pr.synthetic() != null && pr.synthetic().inputTokens() != null) {
      lengths("workload.prompt.synthetic.inputTokens.", pr.synthetic().inputTokens(), out);
      tokens("workload.prompt.synthetic.sharedPrefixTokens", pr.synthetic().sharedPrefixTokens(), out);
    }
    if (pr != null && pr.outputTokens() != null) lengths("workload.prompt.outputTokens.", pr.outputTokens(), out);
  }

  private void lengths(String p, PromptSpec.TokenDistribution d, List<ScenarioProblem> out) {
    tokens(p + "mean", d.mean(), out);
    tokens(p + "stddev", d.stddev(), out);
    tokens(p + "min", d.min(), out);
    tokens(p + "max", d.max(), out);
    tokens(p + "value", d.value(), out);
  }

  private void duration(String path, Duration d, List<ScenarioProblem> out) {
    if (d != null && d.compareTo(maxDuration) > 0) {
      out.add(over(path, DurationText.format(maxDuration), "max-duration", "BARRAGE_MAX_DURATION"));
    }
  }

  private void tokens(String path, Integer n, List<ScenarioProblem> out) {
    if (n != null && n > maxPromptTokens) {
      out.add(over(path, Integer.toString(maxPromptTokens), "max-prompt-tokens", "BARRAGE_MAX_PROMPT_TOKENS"));
    }
  }

  private static ScenarioProblem over(String path, String cap, String key, String env) {
    return new ScenarioProblem(path, "at most " + cap + " (barrage.scenario.limits." + key + "; raise it with " + env
        + " on the coordinator and every worker)");
  }
}
