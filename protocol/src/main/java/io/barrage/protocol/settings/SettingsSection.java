package io.barrage.protocol.settings;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueType;
import java.util.List;
import java.util.Map;

/**
 * Reads one module's settings section ({@code barrage.<module>}) for its typed settings record,
 * refusing every key under it that no {@code reference.conf} on the class path defines: a misspelt
 * or retired setting is an error that names it, never silently ignored (docs/adr/0253). A section
 * under {@code barrage} that no module reads ({@code barrage.wroker}) is refused the same way, by
 * name, listing {@link #SECTIONS} (docs/adr/0363).
 */
public final class SettingsSection {
  /**
   * Every section under {@code barrage} that some module reads: {@code cluster} (protocol's
   * barrage-cluster.conf, read by the coordinator), {@code coordinator}, {@code scenario} (the limits,
   * protocol's reference.conf) and {@code worker}. A fixed list rather than the class path's
   * reference.conf files, so one configuration file serves every node whatever modules its class path
   * holds (a shared application.conf may set the worker's and the coordinator's settings).
   */
  public static final List<String> SECTIONS = List.of("cluster", "coordinator", "scenario", "worker");

  private SettingsSection() {}

  /**
   * The section {@code path} of {@code root}.
   *
   * @throws UnknownSettingsException naming every unknown key, e.g. {@code
   *     barrage.worker.engine.max-sse-lines}
   */
  public static Config of(Config root, String path) {
    refuseUnknownSections(root);
    return of(root, path, REFERENCE);
  }

  /**
   * Every reference.conf on the class path, without the system properties that {@code
   * ConfigFactory.defaultReference()} lays over them: a {@code -D} setting of a key no module defines
   * would otherwise count as known.
   */
  private static final Config REFERENCE = ConfigFactory.parseResources(SettingsSection.class.getClassLoader(), "reference.conf").resolve();

  /**
   * Refuses every section under {@code barrage} that is not one of {@link #SECTIONS}, naming each.
   *
   * @throws UnknownSettingsException e.g. {@code unknown settings section barrage.wroker: the sections
   *     under barrage are cluster, coordinator, scenario, worker}
   */
  public static void refuseUnknownSections(Config root) {
    if (!root.hasPathOrNull("barrage")) return;
    if (root.getIsNull("barrage") || root.getValue("barrage").valueType() != ConfigValueType.OBJECT) {
      throw new UnknownSettingsException("barrage must be a section (an object of settings sections: "
          + String.join(", ", SECTIONS) + ")");
    }
    List<String> unknown = root.getObject("barrage").keySet().stream()
        .filter(k -> !SECTIONS.contains(k))
        .map(k -> "barrage." + k)
        .sorted()
        .toList();
    if (!unknown.isEmpty()) {
      throw new UnknownSettingsException((unknown.size() == 1 ? "unknown settings section " : "unknown settings sections ")
          + String.join(", ", unknown) + ": the sections under barrage are " + String.join(", ", SECTIONS));
    }
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
      throw new UnknownSettingsException((unknown.size() == 1 ? "unknown setting " : "unknown settings ")
          + String.join(", ", unknown) + ": the settings under " + path + " are the ones its reference.conf lists");
    }
    return given;
  }
}
