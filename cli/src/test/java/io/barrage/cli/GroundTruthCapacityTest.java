package io.barrage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.protocol.plan.CapacitySearch;
import io.barrage.protocol.scenario.SearchBy;
import io.barrage.protocol.scenario.SearchSpec;
import io.barrage.simulator.Profile;
import io.barrage.simulator.engine.OfflineCapacity;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The capacity search driven by the simulator's engine in virtual time finds the profile's true
 * capacity exactly (the model has no noise): for a naive and a continuous-batching profile.
 */
class GroundTruthCapacityTest {

  static final SearchSpec SEARCH = new SearchSpec(SearchBy.CONCURRENCY, 1.0, 64.0, "5%", 30, null);

  /** The search's answer against the virtual-time model and how many probes it took. */
  static int[] searchOnModel(Profile p, OfflineCapacity.Objective objective) {
    List<CapacitySearch.Probe> probes = new ArrayList<>();
    while (CapacitySearch.next(SEARCH, probes) instanceof CapacitySearch.Step.Measure m) {
      OfflineCapacity.Figures f = OfflineCapacity.measure(p, (int) m.load(), CapacityProfiles.REQUESTS_PER_CLIENT, CapacityProfiles.INPUT_TOKENS,
          CapacityProfiles.NEW_TOKENS);
      probes.add(new CapacitySearch.Probe(m.load(), f.e2eP99Ms() <= objective.e2eP99Ms(), 0, 0));
    }
    Double sustained = CapacitySearch.state(probes).sustained();
    return new int[] {sustained == null ? 0 : sustained.intValue(), probes.size()};
  }

  @Test
  void theSearchOnTheVirtualTimeModelFindsTheNaiveProfilesTrueCapacity() {
    Profile p = CapacityProfiles.naive();
    OfflineCapacity.Objective slo = new OfflineCapacity.Objective(null, (double) CapacityProfiles.e2eObjectiveMs(p, 8));
    int truth = OfflineCapacity.capacity(p, slo, 64, CapacityProfiles.REQUESTS_PER_CLIENT, CapacityProfiles.INPUT_TOKENS, CapacityProfiles.NEW_TOKENS);
    assertThat(truth).as("one request at a time: c users wait c requests").isEqualTo(8);
    assertThat(searchOnModel(p, slo)[0]).isEqualTo(truth);
  }

  @Test
  void theSearchOnTheVirtualTimeModelFindsTheBatchingProfilesTrueCapacity() {
    Profile p = CapacityProfiles.batching();
    OfflineCapacity.Objective slo = new OfflineCapacity.Objective(null, (double) CapacityProfiles.e2eObjectiveMs(p, 10));
    int truth = OfflineCapacity.capacity(p, slo, 64, CapacityProfiles.REQUESTS_PER_CLIENT, CapacityProfiles.INPUT_TOKENS, CapacityProfiles.NEW_TOKENS);
    assertThat(truth).isEqualTo(10);
    assertThat(searchOnModel(p, slo)[0]).isEqualTo(truth);
    // batching: 10 users together cost less than 10 requests one after the other
    assertThat(CapacityProfiles.model(p, 10).e2eP99Ms()).isLessThan(10 * CapacityProfiles.model(p, 1).e2eP99Ms());
  }
}
