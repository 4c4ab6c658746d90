package io.barrage.protocol.settings;

/**
 * A setting or a settings section under {@code barrage} that no module reads (docs/adr/0253,
 * docs/adr/0363): bad input from the deployment, which the CLI answers with exit code 2 and the
 * message, not a stack trace.
 */
public final class UnknownSettingsException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  UnknownSettingsException(String message) {
    super(message);
  }
}
