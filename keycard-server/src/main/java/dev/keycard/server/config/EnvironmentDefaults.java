package dev.keycard.server.config;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Option values that were not given as flags: first the environment variable
 * {@code KEYCARD_<OPTION_IN_UPPER_SNAKE>} ({@code --refresh-idle-ttl} → {@code KEYCARD_REFRESH_IDLE_TTL}),
 * then the properties file named by {@code --config} (keys are option names without dashes, e.g.
 * {@code refresh-idle-ttl=7d}), then the option's built-in default. Flags beat all of them: picocli
 * only asks this provider for options missing from the command line.
 */
public final class EnvironmentDefaults implements IDefaultValueProvider {
  private final Map<String, String> environment;
  private final Properties file;

  public EnvironmentDefaults(Map<String, String> environment, Properties file) {
    this.environment = Map.copyOf(environment);
    this.file = file;
  }

  /**
   * Reads the {@code --config} file that appears in {@code args} (or {@code KEYCARD_CONFIG}); picocli
   * applies defaults before it parses, so the file has to be found first.
   *
   * @throws IllegalArgumentException when the named file cannot be read
   */
  public static EnvironmentDefaults from(String[] args, Map<String, String> environment) {
    String path = environment.get("KEYCARD_CONFIG");
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        path = args[i + 1];
      } else if (args[i].startsWith("--config=")) {
        path = args[i].substring("--config=".length());
      }
    }
    Properties props = new Properties();
    if (path != null) {
      try (Reader r = Files.newBufferedReader(Path.of(path), StandardCharsets.UTF_8)) {
        props.load(r);
      } catch (IOException | UncheckedIOException e) {
        throw new IllegalArgumentException("cannot read the config file " + path + ": " + e.getClass().getSimpleName());
      }
    }
    return new EnvironmentDefaults(environment, props);
  }

  /** Keys of the config file that name no option in {@code known}: typos must not pass silently. */
  public java.util.Set<String> unknownFileKeys(java.util.Set<String> known) {
    java.util.Set<String> unknown = new java.util.TreeSet<>(file.stringPropertyNames());
    unknown.removeAll(known);
    return unknown;
  }

  public static String environmentName(String longOption) {
    return "KEYCARD_" + longOption.replaceFirst("^-+", "").toUpperCase(Locale.ROOT).replace('-', '_');
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec option) || !option.longestName().startsWith("--")) {
      return null;
    }
    String name = option.longestName().substring(2);
    if (name.equals("config") || name.equals("help") || name.equals("version")) {
      return null;
    }
    String fromEnv = environment.get(environmentName(name));
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv;
    }
    String fromFile = file.getProperty(name);
    return fromFile == null || fromFile.isBlank() ? null : fromFile.trim();
  }
}
