package io.barrage.protocol.plan;

import io.barrage.protocol.scenario.LoadSpec;
import io.barrage.protocol.scenario.Scenario;
import io.barrage.protocol.scenario.ScenarioProblem;
import io.barrage.protocol.scenario.StepSpec;
import io.barrage.protocol.scenario.Workload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code load.stages}: checks a stage list, turns it into one {@link Load.Ramp} cell, and gives the
 * scenario's step the ramp's total duration (the stages are the only place the duration is written).
 */
public final class Stages {
  private Stages() {}

  /** Every problem of a stage list and of the step beside it, with its YAML path. */
  public static void validate(LoadSpec l, StepSpec st, List<ScenarioProblem> out) {
    List<LoadSpec.StageSpec> stages = l.stages();
    String p = "workload.load.stages";
    if (l.concurrency() != null || l.rate() != null) {
      out.add(new ScenarioProblem("workload.load", "give exactly one of concurrency, rate or stages"));
    }
    if (stages.isEmpty()) {
      out.add(new ScenarioProblem(p, "must not be empty: a list such as [{rate: 5, duration: 2m}, {rate: 50, duration: 5m}]"));
      return;
    }
    int rates = 0, users = 0;
    double peak = 0;
    long totalMs = 0;
    for (int i = 0; i < stages.size(); i++) {
      LoadSpec.StageSpec s = stages.get(i);
      String sp = p + "[" + i + "]";
      if (s == null) {
        out.add(new ScenarioProblem(sp, "empty stage: give rate or concurrency, and duration"));
        continue;
      }
      if ((s.rate() == null) == (s.concurrency() == null)) {
        out.add(new ScenarioProblem(sp, "give exactly one of rate (requests/s) or concurrency (virtual users)"));
      }
      if (s.rate() != null) {
        rates++;
        if (!(s.rate() >= 0) || s.rate() > 1_000_000) out.add(new ScenarioProblem(sp + ".rate", "must be >= 0 and <= 1000000 requests/s, got " + s.rate()));
        else peak = Math.max(peak, s.rate());
      }
      if (s.concurrency() != null) {
        users++;
        if (s.concurrency() < 0 || s.concurrency() > 1_000_000) out.add(new ScenarioProblem(sp + ".concurrency", "must be between 0 and 1000000, got " + s.concurrency()));
        else peak = Math.max(peak, s.concurrency());
      }
      if (s.duration() == null) {
        out.add(new ScenarioProblem(sp + ".duration", "required (e.g. 2m; 0s jumps to the level at once)"));
      } else if (s.duration().isNegative()) {
        out.add(new ScenarioProblem(sp + ".duration", "must be >= 0, got " + s.duration()));
      } else {
        totalMs += s.duration().toMillis();
      }
    }
    if (rates > 0 && users > 0) {
      out.add(new ScenarioProblem(p, "mixes rate and concurrency stages: a ramp moves one of them"));
    }
    if (totalMs <= 0) out.add(new ScenarioProblem(p, "the stages last 0 s in total: give at least one a duration"));
    if (peak <= 0 && rates + users == stages.size()) out.add(new ScenarioProblem(p, "every stage's level is 0: nothing would be sent"));
    if (users > 0 && l.arrivals() != null) out.add(new ScenarioProblem("workload.load.arrivals", "only applies to rate stages"));
    if (st != null) {
      if (st.requests() != null || st.requestsPerUser() != null || st.duration() != null) {
        out.add(new ScenarioProblem("workload.step", "with load.stages leave out requests, requestsPerUser and duration: the stages set how long the cell runs"));
      }
      if (st.warmup() != null && totalMs > 0 && st.warmup().toMillis() >= totalMs) {
        out.add(new ScenarioProblem("workload.step.warmup", "must be shorter than the stages together (" + Duration.ofMillis(totalMs) + ")"));
      }
    }
  }

  /** The ramp of a valid stage list. */
  public static Load.Ramp ramp(LoadSpec l) {
    List<Load.Stage> out = new ArrayList<>();
    boolean closed = false;
    for (LoadSpec.StageSpec s : l.stages()) {
      closed = s.concurrency() != null;
      out.add(new Load.Stage(closed ? s.concurrency() : s.rate(), s.duration().toMillis()));
    }
    return new Load.Ramp(out, closed, closed ? null : l.arrivalsOrDefault());
  }

  /** The scenario with the step's duration set to the ramp's total (unchanged without stages). */
  public static Scenario withStepDuration(Scenario s) {
    Workload w = s.workload();
    if (w == null || w.load() == null || w.load().stages() == null) return s;
    long ms = 0;
    for (LoadSpec.StageSpec st : w.load().stages()) ms += st.duration().toMillis();
    StepSpec step = w.step();
    StepSpec withDuration = new StepSpec(null, Duration.ofMillis(ms), step == null ? null : step.warmup(), null);
    Workload nw = new Workload(w.prompt(), w.maxNewTokens(), w.load(), withDuration, w.timeouts(), w.seed());
    return new Scenario(s.name(), s.targets(), nw, s.comparison(), s.slo(), s.failOn(), s.recommendations(), s.repeat(), s.onWorkerLoss());
  }
}
