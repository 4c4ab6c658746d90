package io.barrage.worker;

import com.typesafe.config.Config;
import io.barrage.protocol.settings.SettingsSection;
import io.barrage.worker.engine.EngineSettings;
import java.time.Duration;

/**
 * The worker module's settings: {@code barrage.worker} in its reference.conf, read once, unknown keys
 * refused ({@link SettingsSection}).
 *
 * @param engine the load engine ({@code barrage.worker.engine})
 * @param coordinatorLostAfter how long the coordinator may stay unreachable before this worker stops
 *     its load ({@code barrage.worker.cluster.coordinator-lost-after})
 * @param warmUp drive the engine against a loopback simulator before the first cell ({@code
 *     barrage.worker.warm-up})
 */
public record WorkerSettings(EngineSettings engine, Duration coordinatorLostAfter, boolean warmUp) {

  public static WorkerSettings fromConfig(Config root) {
    Config c = SettingsSection.of(root, "barrage.worker");
    return new WorkerSettings(EngineSettings.fromConfig(c.getConfig("engine")), c.getDuration("cluster.coordinator-lost-after"),
        c.getBoolean("warm-up"));
  }
}
