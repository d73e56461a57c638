package dev.keycard.server.cli;

import dev.keycard.core.StoreUnavailableException;
import dev.keycard.server.config.EnvironmentDefaults;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code keycard}: the command line. Exit codes: 0 success, 1 failure at run time, 2 bad usage or
 * configuration (the message names the option).
 */
@Command(name = "keycard", mixinStandardHelpOptions = true, version = "keycard 0.1.0",
    description = "Bearer tokens for a live-streaming API.",
    subcommands = {ServeCommand.class, DemoCommand.class, UsersCommand.class, ClientsCommand.class,
        KeysCommand.class, StreamsCommand.class, SessionsCommand.class, SignUrlCommand.class, NginxConfigCommand.class,
        AnomaliesCommand.class},
    footer = {"", "Every option can also be set with the environment variable KEYCARD_<OPTION_IN_UPPER_SNAKE>",
        "(e.g. KEYCARD_REFRESH_IDLE_TTL) or in a --config properties file; flags win, then the environment,",
        "then the file."})
public final class KeycardCommand implements Runnable {
  final InputStream stdin;
  final Map<String, String> environment;

  KeycardCommand(InputStream stdin, Map<String, String> environment) {
    this.stdin = stdin;
    this.environment = environment;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(new CommandLine(this), "a command is required (serve, demo, users, clients, sessions, keys, streams, sign-url, nginx-config)");
  }

  public static void main(String[] args) {
    int code = execute(args, System.in, new PrintWriter(System.out, true), new PrintWriter(System.err, true),
        System.getenv());
    // serve and demo return only after shutdown; exit also for them so no stray thread keeps the JVM.
    System.exit(code);
  }

  /** The long option names of every command, without dashes. */
  private static Set<String> optionNames(CommandLine cli) {
    Set<String> names = new HashSet<>();
    for (var option : cli.getCommandSpec().options()) {
      names.add(option.longestName().replaceFirst("^-+", ""));
    }
    for (CommandLine sub : cli.getSubcommands().values()) {
      names.addAll(optionNames(sub));
    }
    return names;
  }

  /** Runs one command line; tests call this with their own streams and environment. */
  public static int execute(String[] args, InputStream in, PrintWriter out, PrintWriter err, Map<String, String> env) {
    EnvironmentDefaults defaults;
    try {
      defaults = EnvironmentDefaults.from(args, env);
    } catch (IllegalArgumentException e) {
      err.println("keycard: " + e.getMessage());
      return 2;
    }
    CommandLine cli = new CommandLine(new KeycardCommand(in, env));
    Set<String> unknown = defaults.unknownFileKeys(optionNames(cli));
    if (!unknown.isEmpty()) {
      err.println("keycard: the config file has unknown keys " + unknown + " (keys are option names without dashes,"
          + " e.g. refresh-idle-ttl=7d)");
      return 2;
    }
    cli.setOut(out).setErr(err).setDefaultValueProvider(defaults);
    cli.setParameterExceptionHandler((ex, ignored) -> {
      ex.getCommandLine().getErr().println("keycard: " + ex.getMessage());
      ex.getCommandLine().getErr().println("Run '" + ex.getCommandLine().getCommandSpec().qualifiedName()
          + " --help' for the options.");
      return 2;
    });
    cli.setExecutionExceptionHandler((ex, command, parsed) -> {
      if (ex instanceof IllegalArgumentException) {
        command.getErr().println("keycard: " + ex.getMessage());
        return 2;
      }
      if (ex instanceof StoreUnavailableException) {
        command.getErr().println("keycard: " + ex.getMessage()); // names the database, never its password
        return 1;
      }
      command.getErr().println("keycard: " + ex.getClass().getSimpleName()
          + (ex.getMessage() == null ? "" : ": " + ex.getMessage()));
      return 1;
    });
    return cli.execute(args);
  }
}
