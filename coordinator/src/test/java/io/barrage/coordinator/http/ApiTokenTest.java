package io.barrage.coordinator.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiTokenTest {

  @TempDir Path dir;

  @Test
  void aGeneratedTokenFileIsOwnerOnlyAndHoldsTheToken() throws Exception {
    Path file = dir.resolve("sub/api-token");
    ApiToken.Resolved r = ApiToken.resolve(null, file);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(Files.readString(file).strip()).isEqualTo(r.token());
    assertThat(r.source()).contains(file.toString()).doesNotContain(r.token());
    // and the next start reads it back
    assertThat(ApiToken.resolve(null, file).token()).isEqualTo(r.token());
  }

  @Test
  void aLinkPlantedWhereTheTokenFileGoesIsNotFollowed() throws Exception {
    // someone with write access to a shared directory points the token path at a file of theirs
    Path elsewhere = dir.resolve("attacker-reads-this");
    Path file = dir.resolve("api-token");
    Files.createSymbolicLink(file, elsewhere);
    assertThatThrownBy(() -> ApiToken.resolve(null, file)).isInstanceOf(IOException.class).hasMessageContaining("not writing the token");
    assertThat(Files.exists(elsewhere, LinkOption.NOFOLLOW_LINKS)).as("nothing written through the link").isFalse();
  }

  @Test
  void theEnvironmentWinsAndNothingIsWritten() throws Exception {
    Path file = dir.resolve("api-token");
    assertThat(ApiToken.resolve(" from-env ", file).token()).isEqualTo("from-env");
    assertThat(file).doesNotExist();
  }
}
