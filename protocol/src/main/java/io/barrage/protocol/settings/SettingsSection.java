package io.barrage.protocol.settings;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Map;

/**
 * Reads one module's settings section ({@code barrage.<module>}) for its typed settings record,
 * refusing every key under it that no {@code reference.conf} on the class path defines: a misspelt
 * or retired setting is an error that names it, never silently ignored (docs/adr/0253).
 */
public final class SettingsSection {
  private SettingsSection() {}

  /**
   * The section {@code path} of {@code root}.
   *
   * @throws IllegalArgumentException naming every unknown key, e.g. {@code
   *     barrage.worker.engine.max-sse-lines}
   */
  public static Config of(Config root, String path) {
    return of(root, path, ConfigFactory.defaultReference());
  }

  /** As {@link #of(Config, String)}, with the known keys taken from {@code reference}. */
  static Config of(Config root, String path, Config reference) {
    Config given = root.getConfig(path);
    Config known = reference.hasPath(path) ? reference.getConfig(path) : ConfigFactory.empty();
    List<String> unknown = given.entrySet().stream()
        .map(Map.Entry::getKey)
        .filter(k -> !known.hasPathOrNull(k))
        .map(k -> path + "." + k)
        .sorted()
        .toList();
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException((unknown.size() == 1 ? "unknown setting " : "unknown settings ")
          + String.join(", ", unknown) + ": the settings under " + path + " are the ones its reference.conf lists");
    }
    return given;
  }
}
