package io.barrage.worker.engine;

import io.barrage.protocol.plan.Load;
import io.barrage.protocol.plan.LoadShare;
import io.barrage.protocol.scenario.TraceFile;
import io.barrage.protocol.scenario.TraceSpec;
import java.nio.file.Path;
import java.util.List;

/**
 * One step's replay of the workload's trace: the schedule (arrival i at its trace offset divided by
 * the cell's speedup), the prompt and output length of each arrival, and how many arrivals of this
 * worker's slice were due in an interval (the offered rate). Every worker reads the same file with
 * {@link TraceFile} and keeps the arrivals whose index is in its slice, so the slices add up to the
 * one schedule exactly.
 *
 * <p>Prompts: an arrival of N input tokens gets N tokens of text from {@link LengthPrompts} (exact
 * in the scenario's tokenizer when it names one, about N without). A
 * Mooncake arrival's {@code hash_ids} come first, one block of {@link TraceFile#MOONCAKE_BLOCK_TOKENS}
 * tokens per id whose text depends on the id alone (equal ids, equal blocks: the shared prefixes of
 * the trace), then the rest of its length in text of its own.
 */
final class TraceReplay {
  private final List<TraceFile.Arrival> arrivals;
  private final double speedup;
  private volatile LengthPrompts lengths;
  private final long seed;

  TraceReplay(List<TraceFile.Arrival> arrivals, double speedup, LengthPrompts lengths, long seed) {
    this.arrivals = arrivals;
    this.speedup = speedup;
    this.lengths = lengths;
    this.seed = seed;
  }

  static TraceReplay of(TraceSpec spec, Load.Trace load, Path baseDir, long seed) {
    return new TraceReplay(TraceFile.load(spec, baseDir).arrivals(), load.speedup(), LengthPrompts.SYNTHETIC, seed);
  }

  int size() {
    return arrivals.size();
  }

  /** Scheduled offset of arrival {@code i} from the step start. */
  long offsetNanos(long i) {
    return Math.round(arrivals.get((int) i).offsetNanos() / speedup);
  }

  /** The trace's arrival sequence for the pacer: {@link ArrivalTimes#NEVER} after the last arrival. */
  ArrivalTimes arrivals() {
    return new ArrivalTimes() {
      private long index = -1;

      @Override
      public long next() {
        return ++index;
      }

      @Override
      public long offsetNanos() {
        return index < size() ? TraceReplay.this.offsetNanos(index) : NEVER;
      }
    };
  }

  /**
   * Prompts from {@code exact} from now on (a scenario with a tokenizer: set once before the step
   * sends, after calibration).
   */
  void lengths(LengthPrompts exact) {
    this.lengths = exact;
  }

  /** The prompt and output length of arrival {@code i}. */
  PromptSource.Prompt prompt(long i) {
    TraceFile.Arrival a = arrivals.get((int) i);
    long[] ids = a.hashIds();
    long[] keys = new long[ids.length];
    for (int j = 0; j < ids.length; j++) keys[j] = Seeds.of(seed, ids[j], 0xB10CL);
    String text = lengths.text(a.inputTokens(), keys, TraceFile.MOONCAKE_BLOCK_TOKENS, Seeds.of(seed, i, 0x7EA1L));
    return new PromptSource.Prompt(text, Math.max(1, a.outputTokens()), lengths.exact() ? a.inputTokens() : -1);
  }

  /**
   * The instants the arrivals of slice {@code s} are due (before the step's end and within its request
   * quota), for the offered-rate count.
   */
  long[] dueInstants(LoadShare s, long startNanos, long warmupEndNanos, long endNanos) {
    long[] out = new long[Math.max(0, size() / Math.max(1, s.sliceCount()) + 1)];
    int n = 0;
    long measured = 0;
    for (int i = s.sliceIndex(); i < size() && s.sliceCount() > 0; i += s.sliceCount()) {
      long at = startNanos + offsetNanos(i);
      if (at >= endNanos) break;
      if (at >= warmupEndNanos && s.requestQuota() >= 0 && ++measured > s.requestQuota()) break;
      out[n++] = at;
    }
    return java.util.Arrays.copyOf(out, n);
  }
}
