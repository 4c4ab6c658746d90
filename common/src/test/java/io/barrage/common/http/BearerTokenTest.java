package io.barrage.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BearerTokenTest {

  @Test
  void onlyTheExactTokenAfterBearerIsAccepted() {
    assertThat(BearerToken.matches("s3cret", "Bearer s3cret")).isTrue();
    assertThat(BearerToken.matches("s3cret", "bearer  s3cret ")).as("scheme case and spaces").isTrue();
    assertThat(BearerToken.matches("s3cret", "Bearer s3cre")).isFalse();
    assertThat(BearerToken.matches("s3cret", "Basic s3cret")).isFalse();
    assertThat(BearerToken.matches("s3cret", null)).isFalse();
  }

  @Test
  void aNodeWithoutATokenAcceptsNobody() {
    assertThat(BearerToken.matches(null, "Bearer ")).isFalse();
    assertThat(BearerToken.matches("", "Bearer ")).isFalse();
  }
}
