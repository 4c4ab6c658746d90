package io.barrage.protocol.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class SettingsSectionTest {
  private static final Config REFERENCE = ConfigFactory.parseString("barrage.m { a = 1s, nested { b = 2 } }");

  @Test
  void aSectionWithOnlyKnownKeysIsReturned() {
    Config root = ConfigFactory.parseString("barrage.m.a = 5s").withFallback(REFERENCE);
    assertThat(SettingsSection.of(root, "barrage.m", REFERENCE).getString("a")).isEqualTo("5s");
  }

  @Test
  void everyUnknownKeyIsNamedInOneError() {
    Config root = ConfigFactory.parseString("barrage.m { aa = 1s, nested.c = 3 }").withFallback(REFERENCE);
    assertThatThrownBy(() -> SettingsSection.of(root, "barrage.m", REFERENCE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("unknown settings barrage.m.aa, barrage.m.nested.c");
  }

  @Test
  void theShippedReferenceConfKnowsTheScenarioLimits() {
    Config root = ConfigFactory.parseString("barrage.scenario.limits.max-requests = 7").withFallback(ConfigFactory.load());
    assertThat(SettingsSection.of(root, "barrage.scenario").getLong("limits.max-requests")).isEqualTo(7);
    Config typo = ConfigFactory.parseString("barrage.scenario.limits.max-request = 7").withFallback(ConfigFactory.load());
    assertThatThrownBy(() -> SettingsSection.of(typo, "barrage.scenario"))
        .hasMessageContaining("barrage.scenario.limits.max-request");
  }

  @Test
  void aMisspeltSectionUnderBarrageIsRefusedByNameListingTheKnownOnes() {
    Config typo = ConfigFactory.parseString("barrage.wroker.engine.io-threads = 2, barrage.coordinatr {}").withFallback(ConfigFactory.load());
    assertThatThrownBy(() -> SettingsSection.of(typo, "barrage.scenario"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown settings sections barrage.coordinatr, barrage.wroker: the sections under barrage are cluster, coordinator, "
            + "scenario, worker");
    Config notASection = ConfigFactory.parseString("barrage = 3");
    assertThatThrownBy(() -> SettingsSection.refuseUnknownSections(notASection)).hasMessageStartingWith("barrage must be a section");
  }

  @Test
  void everySectionTheShippedConfigurationDefinesIsKnown() {
    Config shipped = ConfigFactory.parseResources(SettingsSection.class.getClassLoader(), "barrage-cluster.conf")
        .withFallback(ConfigFactory.load());
    SettingsSection.refuseUnknownSections(shipped);
    assertThat(shipped.getObject("barrage").keySet()).contains("cluster", "scenario");
    // a configuration that sets every node's settings at once is accepted by each of them
    Config all = ConfigFactory.parseString("barrage { worker.warm-up = off, coordinator.run {}, cluster {}, scenario.limits {} }");
    SettingsSection.refuseUnknownSections(all);
  }

  @Test
  void anUnknownKeySetAsASystemPropertyIsRefusedToo() {
    System.setProperty("barrage.scenario.limits.max-request", "7");
    try {
      ConfigFactory.invalidateCaches();
      assertThatThrownBy(() -> SettingsSection.of(ConfigFactory.load(), "barrage.scenario"))
          .isInstanceOf(UnknownSettingsException.class)
          .hasMessageStartingWith("unknown setting barrage.scenario.limits.max-request:");
    } finally {
      System.clearProperty("barrage.scenario.limits.max-request");
      ConfigFactory.invalidateCaches();
    }
  }
}
