package io.barrage.coordinator.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * The API's bearer token: from {@code BARRAGE_API_TOKEN}, else from a token file, else generated and
 * written to that file (owner-only permissions). The token is never logged; only where it lives is.
 */
public final class ApiToken {
  public static final String ENV = "BARRAGE_API_TOKEN";

  /** The token and a sentence saying where it came from (printable; holds no secret). */
  public record Resolved(String token, String source) {}

  private ApiToken() {}

  /**
   * @param env the value of {@value #ENV} (null if unset)
   * @param file {@code --token-file}, or the default location to write a generated token
   */
  public static Resolved resolve(String env, Path file) throws IOException {
    if (env != null && !env.isBlank()) return new Resolved(env.strip(), "API token from $" + ENV);
    if (Files.isRegularFile(file)) {
      String t = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (t.isEmpty()) throw new IOException("token file " + file + " is empty");
      return new Resolved(t, "API token read from " + file);
    }
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    String t = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) Files.createDirectories(parent);
    write(file, t + "\n");
    return new Resolved(t, "API token generated and written to " + file);
  }

  /**
   * Creates the token file owner-only from the first byte: mode 600 is given to {@code open(2)}
   * itself, not set afterwards (which leaves it readable by everyone for a moment). The file must
   * not exist yet, not even as a symbolic link, so a link planted in a shared directory cannot
   * redirect the token elsewhere.
   */
  private static void write(Path file, String content) throws IOException {
    Set<OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
    try (SeekableByteChannel ch = open(file, options)) {
      while (bytes.hasRemaining()) ch.write(bytes);
    } catch (FileAlreadyExistsException e) {
      throw new IOException("token file " + file + " appeared while it was being created (or is a dangling link): not writing the token there");
    }
  }

  private static SeekableByteChannel open(Path file, Set<OpenOption> options) throws IOException {
    try {
      return Files.newByteChannel(file, options, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      return Files.newByteChannel(file, options); // not a POSIX file system: its default permissions
    }
  }

  /** Constant-time check of an {@code Authorization} header value. */
  public static boolean matches(String expected, String authorizationHeader) {
    return io.barrage.common.http.BearerToken.matches(expected, authorizationHeader);
  }
}
