package io.barrage.protocol.scenario;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.barrage.common.json.Mappers;
import io.barrage.common.time.DurationText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a scenario from YAML (or JSON, which is YAML) into records and validates it. Every problem
 * is reported at once with its YAML path; see {@link ScenarioValidator}.
 */
public final class ScenarioLoader {

  private static final ObjectMapper YAML = configure(Mappers.strict(new YAMLFactory()));

  private ScenarioLoader() {}

  /** The mapper used for scenarios (durations as text), shared so everyone reads YAML the same way. */
  public static ObjectMapper yamlMapper() {
    return YAML;
  }

  static ObjectMapper configure(ObjectMapper m) {
    SimpleModule durations = new SimpleModule("barrage-durations");
    durations.addDeserializer(
        Duration.class,
        new JsonDeserializer<>() {
          @Override
          public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String text = p.getValueAsString();
            try {
              return DurationText.parse(text);
            } catch (IllegalArgumentException e) {
              throw JsonMappingException.from(p, e.getMessage());
            }
          }
        });
    durations.addSerializer(
        Duration.class,
        new StdSerializer<>(Duration.class) {
          @Override
          public void serialize(Duration value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeString(DurationText.format(value));
          }
        });
    m.registerModule(durations);
    m.configure(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY, true);
    return m;
  }

  /**
   * Reads a scenario file as UTF-8, refusing one over {@link ScenarioLimits#maxFileBytes()} before
   * parsing (a 50 MB YAML comment took minutes and 2 GB). Reads at most one byte past the cap, so a
   * device or pipe that never ends is refused too.
   *
   * @throws IOException the file cannot be read or is over the cap (the message says which)
   */
  public static String readText(Path file) throws IOException {
    long cap = Math.min(ScenarioLimits.get().maxFileBytes(), Integer.MAX_VALUE - 16);
    byte[] bytes;
    try (java.io.InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes((int) cap + 1);
    }
    if (bytes.length > cap) {
      throw new IOException("more than " + cap + " bytes, the cap for a scenario file (barrage.scenario.limits.max-file-bytes;"
          + " raise it with BARRAGE_MAX_SCENARIO_FILE_BYTES)");
    }
    return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
  }

  public static Scenario load(Path file) throws InvalidScenarioException {
    String text;
    try {
      text = readText(file);
    } catch (NoSuchFileException e) {
      throw new InvalidScenarioException(List.of(new ScenarioProblem("(file)", "no such file: " + file)));
    } catch (IOException e) {
      throw new InvalidScenarioException(List.of(new ScenarioProblem("(file)", "cannot read " + file + ": " + e.getMessage())));
    }
    return parse(text, file.getParent());
  }

  /**
   * Parses and validates scenario text.
   *
   * @param baseDir directory that relative dataset paths are resolved against (may be null)
   */
  public static Scenario parse(String yaml, Path baseDir) throws InvalidScenarioException {
    JsonNode tree;
    try {
      tree = YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
      throw new InvalidScenarioException(
          List.of(new ScenarioProblem("(document)", "not valid YAML" + where + ": " + e.getOriginalMessage())));
    }
    if (tree == null || !tree.isObject()) {
      throw new InvalidScenarioException(
          List.of(new ScenarioProblem("(document)", "a scenario is a YAML mapping with name, targets and workload")));
    }
    List<ScenarioProblem> problems = new ArrayList<>();
    Scenario scenario = ScenarioBinder.bind(tree, problems);
    if (scenario != null) {
      // a value the binder rejected is null to the validator: do not report it twice as "required"
      java.util.Set<String> bound = new java.util.HashSet<>();
      for (ScenarioProblem p : problems) bound.add(p.path());
      List<ScenarioProblem> semantic = new ArrayList<>();
      ScenarioValidator.validate(scenario, baseDir, semantic);
      for (ScenarioProblem p : semantic) if (!bound.contains(p.path())) problems.add(p);
    }
    if (!problems.isEmpty()) {
      throw new InvalidScenarioException(problems);
    }
    return io.barrage.protocol.plan.Stages.withStepDuration(scenario);
  }
}
