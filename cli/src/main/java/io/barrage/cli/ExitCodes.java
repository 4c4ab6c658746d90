package io.barrage.cli;

import java.util.List;

/**
 * The exit codes of the public command-line contract. {@code run}, {@code coordinator --scenario}
 * and {@code submit --wait} end a run with {@link #ofRun}, so a script sees the same code whichever
 * way the run was started.
 */
public final class ExitCodes {
  /** The run completed and passed its {@code failOn} gates. */
  public static final int OK = 0;
  /** The run ran but failed its own gates (SLO, generator saturation, errors, when failOn asks for them). */
  public static final int GATES_FAILED = 1;
  public static final int BAD_INPUT = 2;
  public static final int INTERNAL = 3;
  /** The run stopped early (a stop request, the abort policy, a worker that could not run a cell). */
  public static final int ABORTED = 4;
  /** The run ended but is missing something: a lost worker or requests, or a cell that measured nothing. */
  public static final int DEGRADED = 5;
  /**
   * The run was interrupted from outside (Ctrl-C, SIGTERM, the coordinator shutting down or downed):
   * finished cells are intact, the running one is marked interrupted.
   */
  public static final int INTERRUPTED = 6;

  private ExitCodes() {}

  /**
   * A finished run's code from its outcome ({@code completed}, {@code degraded}, {@code aborted},
   * {@code interrupted}) and its failed gates: interrupted and aborted first (their figures are
   * partial), then a failed gate (the user's own verdict), then degraded.
   */
  public static int ofRun(String outcome, List<String> gateFailures) {
    if ("interrupted".equals(outcome)) return INTERRUPTED;
    if ("aborted".equals(outcome)) return ABORTED;
    if (!gateFailures.isEmpty()) return GATES_FAILED;
    if ("degraded".equals(outcome)) return DEGRADED;
    return OK;
  }
}
