package io.barrage.simulator.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.simulator.engine.Token;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The hand-rendered TGI token event is byte for byte what Jackson's generator writes. */
class TgiTokenEventTest {
  static final String[] TEXTS = {" the", ",", " \"quoted\"", " back\\slash", " tab\there", " new\nline", " é", " 日本",
      " emoji 🙂", "\u0001", "</s>", ""};

  @Test
  void matchesTheGeneratorForManyTokens() {
    StreamFormat.Tgi format = new StreamFormat.Tgi(new GenerationParams("p", 4, null, false, null, true, false, null));
    SplittableRandom rnd = new SplittableRandom(7);
    for (int n = 0; n < 20_000; n++) {
      double logprob = switch (n % 5) {
        case 0 -> -Math.round(rnd.nextDouble() * 3_000_000) / 1_000_000.0;
        case 1 -> -rnd.nextDouble() * 1e-7;
        case 2 -> -rnd.nextDouble() * 1e4;
        case 3 -> 0.0;
        default -> -0.0021;
      };
      Token t = new Token(1 + rnd.nextInt(100_000), rnd.nextInt(200_000), TEXTS[n % TEXTS.length], logprob, n % 7 == 0,
          false, null);
      byte[] fast = TgiTokenEvent.render(t);
      byte[] reference = format.jackson(t);
      assertThat(new String(fast, StandardCharsets.UTF_8)).isEqualTo(new String(reference, StandardCharsets.UTF_8));
      assertThat(fast).isEqualTo(reference);
    }
  }
}
