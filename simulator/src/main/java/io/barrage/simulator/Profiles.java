package io.barrage.simulator;

import io.barrage.simulator.SeedCalibration.SeedRow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The named profiles. Names are a public contract (scenarios and the demo refer to them). How each
 * number was chosen is in docs/simulator.md.
 */
public final class Profiles {
  public static final String TGI_FAST = "tgi-fast";
  public static final String FASTAPI_FAST = "fastapi-fast";
  public static final String FASTAPI_A100 = "fastapi-a100-llama2-13b";
  public static final String TGI_2XA4000 = "tgi-2xa4000-llama2-13b-tp2";

  static final Duration TGI_KEEP_ALIVE = Duration.ofSeconds(15);
  /** Peak dense fp16 tensor throughput, FLOP/s. */
  private static final double A10G_FLOPS = 62.5e12;
  private static final double A100_FLOPS = 312e12;
  private static final double MFU = 0.4;

  private static final Map<String, List<SeedRow>> SEEDS = seeds();
  private static final Map<String, Profile> ALL = build();

  private Profiles() {}

  /** The profile with this name; an {@link IllegalArgumentException} listing the valid names otherwise. */
  public static Profile get(String name) {
    Profile p = ALL.get(name);
    if (p == null) {
      throw new IllegalArgumentException("unknown profile '" + name + "'; valid profiles: " + String.join(", ", ALL.keySet()));
    }
    return p;
  }

  public static List<Profile> all() {
    return Collections.unmodifiableList(new ArrayList<>(ALL.values()));
  }

  public static List<String> names() {
    return List.copyOf(ALL.keySet());
  }

  /** The SageMaker seed rows each calibrated profile reproduces (for the calibration test and the docs). */
  public static Map<String, List<SeedRow>> seedRows() {
    return SEEDS;
  }

  private static Map<String, List<SeedRow>> seeds() {
    Map<String, List<SeedRow>> m = new LinkedHashMap<>();
    m.put("sagemaker-llama2-7b-gptq-g5.2xlarge", List.of(new SeedRow(5, 34.245736, 120.0941633)));
    m.put("sagemaker-llama2-13b-gptq-g5.2xlarge", List.of(new SeedRow(5, 56.237484, 71.70560104)));
    m.put("sagemaker-llama2-70b-gptq-g5.12xlarge", List.of(new SeedRow(5, 138.347928, 33.33372399)));
    m.put("sagemaker-llama2-7b-g5.12xlarge", List.of(new SeedRow(1, 16.812526, 61.45733054), new SeedRow(20, 43.99524, 449.9423027)));
    m.put("sagemaker-llama2-13b-g5.12xlarge", List.of(new SeedRow(1, 21.002715, 47.15736567)));
    m.put("sagemaker-llama2-13b-p4d.12xlarge", List.of(new SeedRow(20, 67.4027465, 668.0204881)));
    m.put("sagemaker-llama2-70b-p4d.24xlarge", List.of(new SeedRow(1, 41.348543, 24.5142928), new SeedRow(20, 59.798591, 321.5369158)));
    return Collections.unmodifiableMap(m);
  }

  private static Map<String, Profile> build() {
    Map<String, Profile> m = new LinkedHashMap<>();
    Profile.Limits tgiFastLimits = new Profile.Limits(128, 4095, 4096, 1_000_000, 16_384, 10_000);
    put(m, new Profile(TGI_FAST, "TGI-style continuous batching, sub-millisecond steps: for tests and quick demos",
        Profile.Api.TGI, Profile.EngineKind.CONTINUOUS_BATCHING, "sim/tgi-fast", "1-simulated-gpu",
        new Profile.Timing(200, 0.5, 0, 100, 0.5, 20, 0), tgiFastLimits, Profile.OutputModel.FULL_LENGTH,
        Profile.Faults.NONE, 1, TGI_KEEP_ALIVE));
    put(m, new Profile(FASTAPI_FAST, "FastAPI-style naive server (one request at a time), sub-millisecond tokens: for tests",
        Profile.Api.FASTAPI, Profile.EngineKind.NAIVE, "sim/fastapi-fast", "1-simulated-gpu",
        new Profile.Timing(300, 0, 0, 100, 0.5, 20, 0), new Profile.Limits(0, 4095, 4096, 1_000_000, 16_384, 1),
        Profile.OutputModel.FULL_LENGTH, Profile.Faults.NONE, 1, TGI_KEEP_ALIVE));
    // The FastAPI-vs-TGI article's two servers, fitted to its figures (ArticleCalibration; docs/simulator.md).
    put(m, new Profile(FASTAPI_A100, "FastAPI wrapping Llama 2 13B (fp16) on one A100 40GB: no continuous batching, fitted to the FastAPI-vs-TGI article",
        Profile.Api.FASTAPI, Profile.EngineKind.CONTINUOUS_BATCHING, "meta-llama/Llama-2-13b-chat-hf", "1-nvidia-a100-sxm4-40gb",
        ArticleCalibration.FASTAPI_TIMING, new Profile.Limits(0, 4095, 4096, 100_000_000, 1_000_000, 100_000),
        Profile.OutputModel.FULL_LENGTH, Profile.Faults.NONE, 1, TGI_KEEP_ALIVE));
    put(m, new Profile(TGI_2XA4000, "TGI continuous batching, Llama 2 13B (fp16) on 2x RTX A4000, tensor parallel 2, fitted to the FastAPI-vs-TGI article",
        Profile.Api.TGI, Profile.EngineKind.CONTINUOUS_BATCHING, "meta-llama/Llama-2-13b-chat-hf", "2-nvidia-rtx-a4000",
        ArticleCalibration.TGI_TIMING, ArticleCalibration.TGI_LIMITS, Profile.OutputModel.FULL_LENGTH,
        Profile.Faults.NONE, 1, TGI_KEEP_ALIVE));
    seeded(m, "sagemaker-llama2-7b-gptq-g5.2xlarge", "Llama 2 7B GPTQ on g5.2xlarge (1x A10G), TGI 1.0.3 on SageMaker",
        "TheBloke/Llama-2-7B-GPTQ", "1-nvidia-a10g", 7e9, 1, A10G_FLOPS);
    seeded(m, "sagemaker-llama2-13b-gptq-g5.2xlarge", "Llama 2 13B GPTQ on g5.2xlarge (1x A10G), TGI 1.0.3 on SageMaker",
        "TheBloke/Llama-2-13B-GPTQ", "1-nvidia-a10g", 13e9, 1, A10G_FLOPS);
    seeded(m, "sagemaker-llama2-70b-gptq-g5.12xlarge", "Llama 2 70B GPTQ on ml.g5.12xlarge (4x A10G), TGI 1.0.3 on SageMaker",
        "TheBloke/Llama-2-70B-GPTQ", "4-nvidia-a10g", 70e9, 4, A10G_FLOPS);
    seeded(m, "sagemaker-llama2-7b-g5.12xlarge", "Llama 2 7B fp16 on ml.g5.12xlarge (4x A10G), TGI 1.0.3 on SageMaker",
        "meta-llama/Llama-2-7b-chat-hf", "4-nvidia-a10g", 7e9, 4, A10G_FLOPS);
    seeded(m, "sagemaker-llama2-13b-g5.12xlarge", "Llama 2 13B fp16 on ml.g5.12xlarge (4x A10G), TGI 1.0.3 on SageMaker",
        "meta-llama/Llama-2-13b-chat-hf", "4-nvidia-a10g", 13e9, 4, A10G_FLOPS);
    seeded(m, "sagemaker-llama2-13b-p4d.12xlarge", "Llama 2 13B fp16 on ml.p4d (A100 40GB, as the seed table names it), TGI 1.0.3 on SageMaker",
        "meta-llama/Llama-2-13b-chat-hf", "8-nvidia-a100-sxm4-40gb", 13e9, 8, A100_FLOPS);
    seeded(m, "sagemaker-llama2-70b-p4d.24xlarge", "Llama 2 70B fp16 on ml.p4d.24xlarge (8x A100 40GB), TGI 1.0.3 on SageMaker",
        "meta-llama/Llama-2-70b-chat-hf", "8-nvidia-a100-sxm4-40gb", 70e9, 8, A100_FLOPS);
    return Collections.unmodifiableMap(m);
  }

  private static void seeded(Map<String, Profile> m, String name, String description, String model, String computeType,
      double params, int gpus, double flops) {
    double prefillPerToken = 2 * params / (gpus * flops * MFU) * 1e6;
    SeedCalibration.Calibrated c = SeedCalibration.calibrate(SEEDS.get(name), prefillPerToken);
    put(m, new Profile(name, description, Profile.Api.TGI, Profile.EngineKind.CONTINUOUS_BATCHING, model, computeType,
        c.timing(), new Profile.Limits(128, 2047, 4096, 200_000, 4096, 10_000), c.output(), Profile.Faults.NONE, 1,
        TGI_KEEP_ALIVE));
  }

  private static void put(Map<String, Profile> m, Profile p) {
    m.put(p.name(), p);
  }
}
