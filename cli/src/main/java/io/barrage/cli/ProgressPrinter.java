package io.barrage.cli;

import io.barrage.coordinator.run.RunObserver;
import io.barrage.coordinator.run.RunStatus;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Terminal progress: one line per cell every couple of seconds (bar, requests done, tokens/s,
 * errors, in flight, workers), a final line when the cell is done, and worker losses as they happen.
 */
final class ProgressPrinter implements RunObserver {
  private final PrintStream out;
  private final long everyNanos;
  private RunStatus previous;
  private long lastPrintNanos;
  private int eventsShown;

  ProgressPrinter(PrintStream out, long everyMillis) {
    this.out = out;
    this.everyNanos = everyMillis * 1_000_000L;
  }

  @Override
  public synchronized void update(RunStatus s) {
    if (previous != null && previous.cell() != null && !previous.cell().equals(s.cell())) {
      out.println(line(previous, true));
      lastPrintNanos = 0;
    }
    for (; eventsShown < s.events().size(); eventsShown++) {
      var e = s.events().get(eventsShown);
      if (e.kind() == io.barrage.protocol.results.WorkerEvent.Kind.JOINED) continue;
      out.printf(Locale.ROOT, "  ! worker %s %s%s: %s (%s)%n", e.workerId(),
          e.kind().name().toLowerCase(Locale.ROOT), e.cellId() == null ? "" : " in " + e.cellId(), e.detail(), e.lossText());
    }
    long now = System.nanoTime();
    if (s.phase() == RunStatus.Phase.FINISHED) {
      if (s.cell() != null && previous != null && previous.phase() != RunStatus.Phase.FINISHED) out.println(line(s, true));
    } else if (s.cell() != null && s.phase() == RunStatus.Phase.RUNNING && now - lastPrintNanos >= everyNanos) {
      out.println(line(s, false));
      lastPrintNanos = now;
    } else if (s.cell() == null && (previous == null || !s.message().equals(previous.message()))) {
      out.println("  " + s.message());
    }
    previous = s;
  }

  static String line(RunStatus s, boolean done) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "[%d/%d] %-28s ", s.cellIndex(), s.cellCount(), s.cell()));
    if (s.requestsPlanned() > 0) {
      int width = 20;
      int filled = (int) Math.min(width, width * s.requestsDone() / s.requestsPlanned());
      b.append('[').append("#".repeat(filled)).append("-".repeat(width - filled)).append("] ");
      b.append(String.format(Locale.ROOT, "%d/%d req", s.requestsDone(), s.requestsPlanned()));
    } else {
      b.append(String.format(Locale.ROOT, "%d req", s.requestsDone()));
    }
    if (done) {
      b.append(String.format(Locale.ROOT, "  %d tokens  %d errors  done", s.outputTokens(), s.errors()));
    } else {
      long workers = s.workers().stream().filter(w -> w.state().equals("running")).count();
      b.append(String.format(Locale.ROOT, "  %.0f tok/s  %d err  %d in flight  %d worker(s)", s.tokensPerSecond(), s.errors(), s.inFlight(), workers));
    }
    return b.toString();
  }
}
