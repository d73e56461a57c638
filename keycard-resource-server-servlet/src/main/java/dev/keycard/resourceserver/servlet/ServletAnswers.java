package dev.keycard.resourceserver.servlet;

import dev.keycard.resourceserver.Access;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes a verdict that is not a grant to a servlet response: the library's status, headers and JSON
 * body, as keycard answers. The filter here and the Spring adapter's refusals both write through it.
 */
public final class ServletAnswers {
  private ServletAnswers() {}

  public static void write(HttpServletResponse response, Access access, String realm) throws IOException {
    response.setStatus(access.status());
    for (Map.Entry<String, String> h : access.headers(realm).entrySet()) {
      response.setHeader(h.getKey(), h.getValue());
    }
    byte[] body = access.body().getBytes(StandardCharsets.UTF_8);
    response.setContentType("application/json");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }
}
