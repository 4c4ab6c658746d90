package io.barrage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.barrage.coordinator.node.CoordinatorSettings;
import io.barrage.protocol.settings.SettingsSection;
import io.barrage.worker.WorkerSettings;
import org.junit.jupiter.api.Test;

/**
 * The known sections under {@code barrage} against the CLI's class path, which holds every module
 * (worker, coordinator, k8s, simulator): no module ships a section the check would refuse.
 */
class SettingsSectionsTest {
  @Test
  void everyModulesShippedSectionIsAKnownSectionAndEveryNodeStartsWithThem() {
    Config shipped = ConfigFactory.parseResources(SettingsSection.class.getClassLoader(), "barrage-cluster.conf")
        .withFallback(ConfigFactory.load());
    assertThat(SettingsSection.SECTIONS).containsAll(shipped.getObject("barrage").keySet());
    assertThat(shipped.getObject("barrage").keySet()).containsExactlyInAnyOrderElementsOf(SettingsSection.SECTIONS);
    // the worker's and the coordinator's settings read from that configuration
    assertThat(WorkerSettings.fromConfig(shipped)).isNotNull();
    assertThat(CoordinatorSettings.fromConfig(shipped)).isNotNull();
  }
}
