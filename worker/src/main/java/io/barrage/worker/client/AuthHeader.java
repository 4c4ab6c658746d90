package io.barrage.worker.client;

import io.barrage.protocol.scenario.Auth;
import io.barrage.protocol.scenario.ConfinedFiles;
import io.barrage.protocol.scenario.TargetSecrets;
import io.barrage.protocol.scenario.HeaderSyntax;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Resolves a target's credential from an environment variable or a file into a request header. The
 * secret never appears in a message, a log line or {@link #toString()}: errors name only where it
 * was looked for. Name and value follow {@link HeaderSyntax} (the scenario validator checked the
 * name and scheme already; a worker checks again, and the transport once more where it writes the line).
 */
public final class AuthHeader {
  private final String name;
  private final String value;
  private final String secret;

  private AuthHeader(String name, String value, String secret) {
    this.name = name;
    this.value = value;
    this.secret = secret;
  }

  /**
   * No auth configured: empty. A configured source that is missing or empty is an error, and so is
   * a secret from {@code auth.env} that {@code policy} does not allow for {@code target} (checked
   * before the variable is read).
   */
  public static Optional<AuthHeader> resolve(Auth auth, Path baseDir, URI target, TargetSecrets policy) {
    if (auth == null) return Optional.empty();
    String secret;
    if (auth.env() != null) {
      String refusal = policy.refusal(auth.env(), target.getHost(), port(target));
      if (refusal != null) throw new IllegalArgumentException(refusal);
      secret = System.getenv(auth.env());
      if (secret == null || secret.isBlank()) {
        throw new IllegalArgumentException("auth: environment variable " + auth.env() + " is not set or empty");
      }
    } else if (auth.file() != null) {
      // missing and forbidden read the same, so the error is no oracle for files elsewhere
      String refusal = ConfinedFiles.refusal("auth: secret file", auth.file());
      Path p = ConfinedFiles.resolve(auth.file(), baseDir).orElseThrow(() -> new IllegalArgumentException(refusal));
      try {
        secret = Files.readString(p).strip();
      } catch (IOException e) {
        throw new IllegalArgumentException(refusal);
      }
      if (secret.isEmpty()) throw new IllegalArgumentException("auth: secret file " + auth.file() + " is empty");
    } else {
      throw new IllegalArgumentException("auth: name the secret's source: env or file");
    }
    String name = auth.header() == null ? "Authorization" : auth.header();
    String scheme = auth.scheme() == null ? (name.equalsIgnoreCase("Authorization") ? "Bearer" : "") : auth.scheme();
    String value = scheme.isEmpty() ? secret : scheme + " " + secret;
    // a line break in the secret would inject headers into the request
    if (secret.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new IllegalArgumentException("auth: the secret from " + (auth.env() != null ? "environment variable " + auth.env()
          : "file " + auth.file()) + " contains a control character (line break?)");
    }
    if (!HeaderSyntax.isToken(name)) {
      throw new IllegalArgumentException("auth: header name " + HeaderSyntax.printable(name) + " is not a valid HTTP token");
    }
    if (!HeaderSyntax.isFieldValue(scheme)) {
      throw new IllegalArgumentException("auth: scheme " + HeaderSyntax.printable(scheme) + " has a character that is not visible ASCII, space or tab");
    }
    if (!HeaderSyntax.isFieldValue(value)) {
      // the secret itself: say where it came from, never what it is
      throw new IllegalArgumentException("auth: the secret from " + (auth.env() != null ? "environment variable " + auth.env()
          : "file " + auth.file()) + " has a character that is not visible ASCII, space or tab");
    }
    return Optional.of(new AuthHeader(name, value, secret));
  }

  private static int port(URI u) {
    if (u.getPort() > 0) return u.getPort();
    return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
  }

  public String name() {
    return name;
  }

  /** The header value, secret included: for the transports only, never for logs. */
  String value() {
    return value;
  }

  /** {@code text} with every occurrence of the secret replaced by {@code ***} (for error messages). */
  public String redact(String text) {
    return text == null ? null : text.replace(secret, "***");
  }

  @Override
  public String toString() {
    return "AuthHeader[" + name + ": ***]";
  }
}
