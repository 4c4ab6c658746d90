package io.barrage.worker.client;

import io.barrage.protocol.scenario.Auth;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * Resolves a target's credential from an environment variable or a file into a request header. The
 * secret never appears in a message, a log line or {@link #toString()}: errors name only where it
 * was looked for.
 */
public final class AuthHeader {
  private final HttpHeader header;

  private AuthHeader(HttpHeader header) {
    this.header = header;
  }

  /** No auth configured: empty. A configured source that is missing or empty is an error. */
  public static Optional<AuthHeader> resolve(Auth auth, Path baseDir) {
    if (auth == null) return Optional.empty();
    String secret;
    if (auth.env() != null) {
      secret = System.getenv(auth.env());
      if (secret == null || secret.isBlank()) {
        throw new IllegalArgumentException("auth: environment variable " + auth.env() + " is not set or empty");
      }
    } else if (auth.file() != null) {
      Path p = baseDir == null ? Path.of(auth.file()) : baseDir.resolve(auth.file());
      try {
        secret = Files.readString(p).strip();
      } catch (IOException e) {
        throw new IllegalArgumentException("auth: cannot read secret file " + p);
      }
      if (secret.isEmpty()) throw new IllegalArgumentException("auth: secret file " + p + " is empty");
    } else {
      throw new IllegalArgumentException("auth: name the secret's source: env or file");
    }
    String name = auth.header() == null ? "Authorization" : auth.header();
    String scheme = auth.scheme() == null ? (name.equalsIgnoreCase("Authorization") ? "Bearer" : "") : auth.scheme();
    String value = scheme.isEmpty() ? secret : scheme + " " + secret;
    return Optional.of(new AuthHeader(RawHeader.create(name, value)));
  }

  public HttpHeader header() {
    return header;
  }

  @Override
  public String toString() {
    return "AuthHeader[" + header.name() + ": ***]";
  }
}
