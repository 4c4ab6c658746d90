package io.barrage.cli;

import io.barrage.coordinator.http.ApiToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** The API token of a command that calls the coordinator: {@code --token-file FILE}, else {@code $BARRAGE_API_TOKEN}. Never printed. */
final class ClientToken {
  private ClientToken() {}

  /** @param command the command's name for messages, e.g. {@code barrage fetch} */
  static String read(Path tokenFile, String command) {
    if (tokenFile != null) {
      try {
        String t = Files.readString(tokenFile).strip();
        if (t.isEmpty()) throw bad(command, "the token file " + tokenFile + " is empty");
        return t;
      } catch (NoSuchFileException e) {
        throw bad(command, "no such token file: " + tokenFile);
      } catch (IOException e) {
        throw bad(command, "cannot read the token file " + tokenFile + ": " + e.getMessage());
      }
    }
    String env = System.getenv(ApiToken.ENV);
    if (env != null && !env.isBlank()) return env.strip();
    throw bad(command, "no API token: give --token-file FILE or set $" + ApiToken.ENV);
  }

  private static ExitException bad(String command, String msg) {
    return new ExitException(ExitCodes.BAD_INPUT, command + ": " + msg);
  }
}
