package io.barrage.common.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The one place barrage makes Jackson mappers. Each mapper states what it reads (docs/adr/0251):
 *
 * <ul>
 *   <li>{@link #strict} for input a person writes (scenarios, API request bodies, CLI overrides): a
 *       key barrage does not know is an error that names it, so a typo never silently falls back to a
 *       default;
 *   <li>{@link #tolerant} for output of another program or another barrage version (summary.json
 *       and the other result files, the coordinator's API answers, the chart's settings file): keys
 *       added later are skipped, so an older reader keeps working.
 * </ul>
 *
 * Tree-only use ({@code readTree}, {@code createObjectNode}, writing) has no unknown keys; it takes
 * {@link #strict} so that the choice is never left to Jackson's defaults. Both never fail on beans
 * without properties (empty records are written as {@code {}}). Mappers are thread-safe once built:
 * keep one per use in a {@code static final} field.
 */
public final class Mappers {
  private Mappers() {}

  /** JSON, refusing unknown keys. */
  public static ObjectMapper strict() {
    return strict(new JsonFactory());
  }

  /** {@code format} (JSON, or e.g. YAML's factory), refusing unknown keys. */
  public static ObjectMapper strict(JsonFactory format) {
    return base(format).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  /** JSON, skipping unknown keys. */
  public static ObjectMapper tolerant() {
    return tolerant(new JsonFactory());
  }

  /** {@code format} (JSON, or e.g. YAML's factory), skipping unknown keys. */
  public static ObjectMapper tolerant(JsonFactory format) {
    return base(format).disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  private static ObjectMapper base(JsonFactory format) {
    return new ObjectMapper(format).disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
  }
}
