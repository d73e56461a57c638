package dev.keycard.core.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ClaimsReaderTest {
  private static ClaimsReader.Claims read(String json) {
    return ClaimsReader.read(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsTheChecklistClaimsAndSkipsOthers() {
    var c = read("{\"iss\":\"i\",\"sub\":\"s\",\"aud\":[\"a\",\"b\"],\"exp\":10,\"nbf\":5,\"iat\":5,\"jti\":\"j\","
        + "\"client_id\":\"c\",\"scope\":\"x y\",\"sid\":\"f\",\"extra\":{\"nested\":[1,2,{\"k\":null}]}}");
    assertThat(c).isNotNull();
    assertThat(c.aud).containsExactly("a", "b");
    assertThat(c.exp).isEqualTo(10L);
    assertThat(c.scope).isEqualTo("x y");
  }

  @Test
  void rejectsDuplicateClaimNames() {
    // A second "sub" or "aud" is how claim-confusion attacks smuggle a value past one parser and not another.
    assertThat(read("{\"sub\":\"alice\",\"sub\":\"admin\"}")).isNull();
    assertThat(read("{\"aud\":\"x\",\"aud\":\"keycard-api\"}")).isNull();
  }

  @Test
  void rejectsWrongTypes() {
    assertThat(read("{\"exp\":\"tomorrow\"}")).isNull();
    assertThat(read("{\"aud\":[\"a\",1]}")).isNull();
    assertThat(read("{\"sub\":null}")).isNull();
    assertThat(read("{\"exp\":1e400}")).isNull();
  }

  @Test
  void rejectsAnythingButOneObject() {
    assertThat(read("[1]")).isNull();
    assertThat(read("\"s\"")).isNull();
    assertThat(read("{} {}")).isNull();
    assertThat(read("{\"a\":1")).isNull();
    assertThat(read("not json")).isNull();
    assertThat(read("")).isNull();
  }

  @Test
  void rejectsDeepNesting() {
    assertThat(read("{\"x\":" + "[".repeat(100) + "]".repeat(100) + "}")).isNull();
  }
}
