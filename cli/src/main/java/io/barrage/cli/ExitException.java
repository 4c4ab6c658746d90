package io.barrage.cli;

/** Thrown by a subcommand to end with a message a person can act on and a contract exit code. */
public final class ExitException extends RuntimeException {
  private final int code;

  public ExitException(int code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public int code() {
    return code;
  }
}
