package io.barrage.coordinator.node;

import com.typesafe.config.Config;
import io.barrage.coordinator.run.RunSettings;
import io.barrage.protocol.settings.SettingsSection;

/**
 * The coordinator module's settings: {@code barrage.coordinator} in its reference.conf, read once,
 * unknown keys refused ({@link SettingsSection}).
 *
 * @param run the run's coordination ({@code barrage.coordinator.run})
 * @param maxScenarioBytes largest scenario {@code POST /api/runs} reads ({@code
 *     barrage.coordinator.http.max-scenario-bytes}, {@code BARRAGE_MAX_SCENARIO_BYTES})
 */
public record CoordinatorSettings(RunSettings run, long maxScenarioBytes) {

  public static CoordinatorSettings fromConfig(Config root) {
    Config c = SettingsSection.of(root, "barrage.coordinator");
    return new CoordinatorSettings(RunSettings.fromConfig(root), c.getBytes("http.max-scenario-bytes"));
  }
}
