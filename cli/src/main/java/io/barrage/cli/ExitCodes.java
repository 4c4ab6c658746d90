package io.barrage.cli;

/** The exit codes of the public command-line contract. */
public final class ExitCodes {
  public static final int OK = 0;
  /** The run ran but failed its own gates (SLO, generator saturation when failOn asks for it). */
  public static final int GATES_FAILED = 1;
  public static final int BAD_INPUT = 2;
  public static final int INTERNAL = 3;

  private ExitCodes() {}
}
