package io.barrage.common.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

class MappersTest {
  record Limits(int maxTokens) {}

  @Test
  void strictRefusesAKeyItDoesNotKnowAndNamesIt() {
    assertThatThrownBy(() -> Mappers.strict().readValue("{\"maxTokens\": 5, \"maxToken\": 6}", Limits.class))
        .isInstanceOf(UnrecognizedPropertyException.class)
        .hasMessageContaining("\"maxToken\"");
  }

  @Test
  void tolerantSkipsKeysAddedByANewerWriter() throws Exception {
    assertThat(Mappers.tolerant().readValue("{\"maxTokens\": 5, \"addedLater\": true}", Limits.class)).isEqualTo(new Limits(5));
  }

  @Test
  void theFormatIsTheCallersAndThePolicyStays() throws Exception {
    assertThat(Mappers.tolerant(new YAMLFactory()).readValue("maxTokens: 5\nother: x\n", Limits.class)).isEqualTo(new Limits(5));
    assertThatThrownBy(() -> Mappers.strict(new YAMLFactory()).readValue("maxTokens: 5\nother: x\n", Limits.class))
        .isInstanceOf(UnrecognizedPropertyException.class);
  }

  @Test
  void emptyRecordsAreWrittenAsEmptyObjects() throws Exception {
    record Nothing() {}
    assertThat(Mappers.strict().writeValueAsString(new Nothing())).isEqualTo("{}");
  }
}
