package dev.keycard.server.http;

import static dev.keycard.server.testing.TestHttp.basic;
import static dev.keycard.server.testing.TestHttp.params;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.keycard.server.testing.TestKeycard;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Nothing secret reaches the logs: not tokens, passwords, client secrets or Authorization headers. */
class LoggingTest {
  @TempDir
  Path dataDir;

  @Test
  void aWholeSessionIncludingFailuresLogsNoSecret() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    root.addAppender(captured);
    // Everything keycard logs, at every level.
    Logger keycardLogs = (Logger) LoggerFactory.getLogger("dev.keycard");
    keycardLogs.setLevel(ch.qos.logback.classic.Level.DEBUG);
    List<String> secrets = new ArrayList<>();
    try (TestKeycard keycard = TestKeycard.start(dataDir)) {
      var http = keycard.http();
      String password = "pa55word-that-must-not-leak";
      keycard.addUser("olga", password, "stream:view");
      String clientSecret = keycard.addClient("svc", "stream:view");
      secrets.add(password);
      secrets.add(clientSecret);

      JsonObject tokens = http.login("olga", password).json();
      secrets.add(tokens.getString("access_token"));
      secrets.add(tokens.getString("refresh_token"));
      http.login("olga", password + "-wrong");
      http.post("/auth/login", "application/json", "{\"username\":\"olga\",\"password\":\"" + password);
      http.me(tokens.getString("access_token"));
      http.me(tokens.getString("access_token") + "x");
      http.get("/api/v1/me?access_token=" + tokens.getString("access_token"));
      JsonObject next = http.refresh(tokens.getString("refresh_token")).json();
      secrets.add(next.getString("access_token"));
      secrets.add(next.getString("refresh_token"));
      http.refresh(tokens.getString("refresh_token")); // reuse: revokes the family
      http.postForm("/oauth2/token", params("grant_type", "client_credentials"), "Authorization", basic("svc", clientSecret));
      http.postForm("/oauth2/token", params("grant_type", "client_credentials"),
          "Authorization", basic("svc", clientSecret + "x"));
      http.postForm("/oauth2/introspect", params("token", next.getString("access_token")),
          "Authorization", basic("svc", clientSecret));
      keycard.server().stores().close();
      http.login("olga", password); // 503, logged
      http.refresh(next.getString("refresh_token"));
    } finally {
      root.detachAppender(captured);
      keycardLogs.setLevel(null);
    }
    assertThat(captured.list).isNotEmpty();
    for (ILoggingEvent event : captured.list) {
      String text = event.getFormattedMessage()
          + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()));
      for (String secret : secrets) {
        assertThat(text).doesNotContain(secret);
      }
    }
  }
}
