package dev.keycard.core.bearer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 6750 §2.1 credentials syntax. */
class BearerCredentialsTest {
  @Test
  void readsTokenAfterBearerScheme() {
    assertThat(BearerCredentials.parse("Bearer abc.def-ghi_jkl~m+n/o=="))
        .isEqualTo(new BearerCredentials.Present("abc.def-ghi_jkl~m+n/o=="));
  }

  @Test
  void matchesSchemeCaseInsensitively() {
    assertThat(BearerCredentials.parse("bearer abc")).isEqualTo(new BearerCredentials.Present("abc"));
    assertThat(BearerCredentials.parse("BEARER abc")).isEqualTo(new BearerCredentials.Present("abc"));
  }

  @Test
  void allowsSeveralSpacesAfterScheme() {
    assertThat(BearerCredentials.parse("Bearer   abc")).isEqualTo(new BearerCredentials.Present("abc"));
  }

  @Test
  void treatsNoHeaderAndOtherSchemesAsAbsent() {
    assertThat(BearerCredentials.parse(List.of())).isInstanceOf(BearerCredentials.Absent.class);
    assertThat(BearerCredentials.parse((List<String>) null)).isInstanceOf(BearerCredentials.Absent.class);
    assertThat(BearerCredentials.parse("Basic dXNlcjpwYXNz")).isInstanceOf(BearerCredentials.Absent.class);
    assertThat(BearerCredentials.parse("Bearerabc")).isInstanceOf(BearerCredentials.Absent.class);
  }

  @Test
  void rejectsSchemeWithoutToken() {
    assertThat(BearerCredentials.parse("Bearer")).isInstanceOf(BearerCredentials.Malformed.class);
    assertThat(BearerCredentials.parse("Bearer ")).isInstanceOf(BearerCredentials.Malformed.class);
    assertThat(BearerCredentials.parse("Bearer ==")).isInstanceOf(BearerCredentials.Malformed.class);
  }

  @Test
  void rejectsCharactersOutsideB64Token() {
    assertThat(BearerCredentials.parse("Bearer abc def")).isInstanceOf(BearerCredentials.Malformed.class);
    assertThat(BearerCredentials.parse("Bearer abc,Bearer def")).isInstanceOf(BearerCredentials.Malformed.class);
    assertThat(BearerCredentials.parse("Bearer a\"b")).isInstanceOf(BearerCredentials.Malformed.class);
    assertThat(BearerCredentials.parse("Bearer ab=c")).isInstanceOf(BearerCredentials.Malformed.class);
  }

  @Test
  void rejectsTwoAuthorizationHeaders() {
    assertThat(BearerCredentials.parse(List.of("Bearer a", "Bearer b"))).isInstanceOf(BearerCredentials.Malformed.class);
  }
}
