package io.barrage.worker.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The Jackson-free fast path must answer "plain token" only where Jackson would read exactly that. */
class PlainTokenEventTest {
  static final String TGI = "{\"index\":1,\"token\":{\"id\":363,\"text\":\" for\",\"logprob\":-1.5351562,\"special\":false},"
      + "\"generated_text\":null,\"details\":null,\"top_tokens\":null}";
  static final String TGI_FINAL = "{\"index\":10,\"token\":{\"id\":2,\"text\":\"</s>\",\"logprob\":-0.1,\"special\":true},"
      + "\"generated_text\":\"x\",\"details\":{\"finish_reason\":\"length\",\"generated_tokens\":10,\"seed\":null}}";

  final PlainTokenEvent plain = new PlainTokenEvent();

  boolean matches(String s) {
    byte[] b = s.getBytes(UTF_8);
    return plain.matches(b, 0, b.length);
  }

  @Test
  void recognisesTgiIntermediateEventsAsSentByServers() {
    assertThat(matches(TGI)).isTrue();
    assertThat(matches(" { \"token\" : { \"id\" : 1, \"text\" : \"\\n\\\"é日本🙂\", \"logprob\" : -1e-3 , \"special\" : false } }\r\n")).isTrue();
    assertThat(matches("{\"token\":{},\"top_tokens\":[{\"id\":1,\"text\":\"a\"},[true,false,null,0.5E+2]],\"error\":null}")).isTrue();
  }

  @Test
  void leavesEverythingMeasurementReadsToJackson() {
    assertThat(matches(TGI_FINAL)).as("final event: server token count").isFalse();
    assertThat(matches("{\"token\":{\"id\":1},\"error\":\"overloaded\"}")).as("error").isFalse();
    assertThat(matches("{\"token\":{\"id\":1},\"details\":{\"generated_tokens\":3}}")).as("details").isFalse();
    assertThat(matches("{\"choices\":[{\"delta\":{\"content\":\"a\"}}]}")).as("OpenAI chunk").isFalse();
    assertThat(matches("{\"token\":{\"id\":1},\"usage\":{\"completion_tokens\":3}}")).as("usage").isFalse();
    assertThat(matches("{\"token\":null}")).as("no token object").isFalse();
    assertThat(matches("{\"token\":{\"id\":1},\"token\":3}")).as("last token field wins").isFalse();
    assertThat(matches("[DONE]")).isFalse();
    assertThat(matches("{}")).isFalse();
  }

  @Test
  void isNeverSureAboutWhatItDoesNotFullyCheck() {
    assertThat(matches("{\"tok\\u0065n\":{}}")).as("escape in a field name").isFalse();
    assertThat(matches("{\"token\":{\"text\":\"\\ud800\"}}")).as("unicode escape").isFalse();
    assertThat(matches("{\"token\":{\"n\":" + "1".repeat(100) + "}}")).as("long number").isFalse();
    assertThat(matches("{\"token\":{}," + "\"a\":[".repeat(40) + "]".repeat(40) + "}")).as("deep nesting").isFalse();
    assertThat(matches(TGI + " x")).as("trailing bytes").isFalse();
    byte[] bad = "{\"token\":{\"text\":\"??\"}}".getBytes(UTF_8);
    bad[18] = (byte) 0xc0; // overlong lead byte
    bad[19] = (byte) 0x80;
    assertThat(plain.matches(bad, 0, bad.length)).as("invalid UTF-8").isFalse();
  }

  @Test
  void malformedEventsStillFailTheRequest() {
    StreamEvent e = new StreamEvent();
    for (String s : List.of("{\"token\":{\"id\":1", "{\"token\":{\"id\":01}}", "{\"token\":{\"id\":1,}}", "{\"token\":{\"id\":nul}}",
        "{\"token\":{\"text\":\"a\nb\"}}", "{\"token\" {}}")) {
      byte[] b = s.getBytes(UTF_8);
      assertThat(plain.matches(b, 0, b.length)).as(s).isFalse();
      assertThatThrownBy(() -> e.read(b, 0, b.length)).as(s).isInstanceOf(IOException.class);
    }
  }

  @Test
  void readsTheEventInsideALargerBuffer() throws IOException {
    byte[] b = ("data:" + TGI + "\n\n").getBytes(UTF_8);
    StreamEvent e = new StreamEvent();
    e.read(b, 5, TGI.length());
    assertThat(e.token).isTrue();
    assertThat(e.finalEvent).isFalse();
    assertThat(plain.matches(b, 0, b.length)).isFalse();
  }

  /**
   * Bounded mutation check: 20,000 single- and double-byte corruptions of real events. Wherever the
   * fast path says "plain token", Jackson must read a token event and nothing else.
   */
  @Test
  void agreesWithJacksonOnMutatedEvents() {
    SplittableRandom rnd = new SplittableRandom(7);
    byte[] alphabet = "{}[]\":,.-+eE0123456789 \\ntrufalsnx\u00e9".getBytes(UTF_8);
    StreamEvent jackson = new StreamEvent();
    int plainCount = 0;
    for (String base : List.of(TGI, TGI_FINAL, "{\"token\":{\"id\":1,\"text\":\"a\"},\"details\":null}")) {
      byte[] orig = base.getBytes(UTF_8);
      for (int round = 0; round < 20_000 / 3; round++) {
        byte[] b = orig.clone();
        int edits = 1 + rnd.nextInt(2);
        for (int k = 0; k < edits; k++) b[rnd.nextInt(b.length)] = alphabet[rnd.nextInt(alphabet.length)];
        if (!plain.matches(b, 0, b.length)) continue;
        plainCount++;
        String s = new String(b, UTF_8);
        try {
          jackson.readWithJackson(b, 0, b.length);
        } catch (IOException ex) {
          throw new AssertionError("fast path accepted what Jackson rejects: " + s, ex);
        }
        assertThat(jackson.token).as(s).isTrue();
        assertThat(jackson.error || jackson.finalEvent || jackson.done || jackson.content || jackson.finished).as(s).isFalse();
        assertThat(jackson.serverTokens).as(s).isEqualTo(-1);
        assertThat(jackson.choices).as(s).isZero();
      }
    }
    assertThat(plainCount).as("some mutations keep the event a plain token event").isGreaterThan(100);
  }
}
