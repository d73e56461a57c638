package dev.keycard.server.cli;

import dev.keycard.server.config.EnvironmentDefaults;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * What {@code keycard serve} understands from the environment, for tests outside the CLI's package
 * (the deployment manifests): the {@code KEYCARD_*} name of each of its options, as
 * {@link EnvironmentDefaults} maps them, and its help text, which documents the secret variables
 * read directly.
 */
public final class ServeVariables {
  private ServeVariables() {}

  /** {@code KEYCARD_<OPTION>} for every long option of {@code serve} (help and version left out). */
  public static Set<String> optionVariables() {
    CommandLine serve = new CommandLine(new KeycardCommand(InputStream.nullInputStream(), Map.of()))
        .getSubcommands().get("serve");
    Set<String> names = new TreeSet<>();
    for (OptionSpec option : serve.getCommandSpec().options()) {
      if (!option.usageHelp() && !option.versionHelp() && option.longestName().startsWith("--")) {
        names.add(EnvironmentDefaults.environmentName(option.longestName()));
      }
    }
    return names;
  }

  /** {@code keycard serve --help}, as printed. */
  public static String help() {
    StringWriter out = new StringWriter();
    KeycardCommand.execute(new String[] {"serve", "--help"}, InputStream.nullInputStream(), new PrintWriter(out, true),
        new PrintWriter(new StringWriter(), true), Map.of());
    return out.toString();
  }
}
