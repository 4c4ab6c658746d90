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
}
