package dev.keycard.server.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** Runs {@code keycard} as its {@code main} would, with no standard input and an empty environment. */
final class Cli {
  private Cli() {}

  /** @return the exit code, standard output and standard error */
  static String[] run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = KeycardCommand.execute(args, new ByteArrayInputStream(new byte[0]), new PrintWriter(out, true),
        new PrintWriter(err, true), Map.of());
    return new String[] {String.valueOf(exit), out.toString(), err.toString()};
  }
}
