package io.barrage.worker.engine;

import io.barrage.protocol.plan.Load;
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
 * <p>Prompts: an arrival of N input tokens gets N tokens of text from {@link LengthPrompts}. A
 * Mooncake arrival's {@code hash_ids} come first, one block of {@link TraceFile#MOONCAKE_BLOCK_TOKENS}
 * tokens per id whose text depends on the id alone (equal ids, equal blocks: the shared prefixes of
 * the trace), then the rest of its length in text of its own.
 */
final class TraceReplay {
  private final List<TraceFile.Arrival> arrivals;
  private final double speedup;
  private final LengthPrompts lengths;
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

  /** The prompt and output length of arrival {@code i}. */
  PromptSource.Prompt prompt(long i) {
    TraceFile.Arrival a = arrivals.get((int) i);
    StringBuilder sb = new StringBuilder(a.inputTokens() * 5);
    int left = a.inputTokens();
    for (long h : a.hashIds()) {
      int n = Math.min(TraceFile.MOONCAKE_BLOCK_TOKENS, left);
      if (n <= 0) break;
      if (sb.length() > 0) sb.append(' ');
      sb.append(lengths.text(n, Seeds.of(seed, h, 0xB10CL)));
      left -= n;
    }
    if (left > 0) {
      if (sb.length() > 0) sb.append(' ');
      sb.append(lengths.text(left, Seeds.of(seed, i, 0x7EA1L)));
    }
    return new PromptSource.Prompt(sb.toString(), Math.max(1, a.outputTokens()));
  }
}
