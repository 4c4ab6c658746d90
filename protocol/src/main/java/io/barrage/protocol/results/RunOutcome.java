package io.barrage.protocol.results;

/** How a run ended (sealed, not a string). */
public sealed interface RunOutcome {
  String key();

  record Completed() implements RunOutcome {
    public String key() { return "completed"; }
  }

  /** It finished, but something was missing (a lost worker, a lost interval); {@code reason} says what. */
  record Degraded(String reason) implements RunOutcome {
    public String key() { return "degraded"; }
  }

  /** It stopped early (user stop, abort policy, fatal error); what was measured is kept. */
  record Aborted(String reason) implements RunOutcome {
    public String key() { return "aborted"; }
  }

  /**
   * It was cut short from outside the run: Ctrl-C / SIGTERM of the process, or the coordinator's
   * actor system shutting down (e.g. downed). Finished cells are intact; the running cell is marked
   * cut and its window is the time it really measured.
   */
  record Interrupted(String reason) implements RunOutcome {
    public String key() { return "interrupted"; }
  }

  /** The outcome as people read it: {@code completed}, or {@code aborted: <reason>}. */
  default String text() {
    return text(key(), reason());
  }

  /** {@link #text()} of an outcome read back from summary.json: its key and its reason (nullable). */
  static String text(String key, String reason) {
    return reason == null ? key : key + ": " + reason;
  }

  /** The reason of a non-completed outcome, null for {@link Completed}. */
  default String reason() {
    if (this instanceof Degraded d) return d.reason();
    if (this instanceof Aborted a) return a.reason();
    if (this instanceof Interrupted i) return i.reason();
    return null;
  }
}
