package io.jlibp2p.examples;

import io.jlibp2p.core.identify.Identify;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * The {@code jlibp2p} command-line tool: a chat peer for newcomers, and a peer that scripts and
 * other implementations' test harnesses can drive. See {@code docs/cli.md}.
 *
 * <p>Exit codes: 0 on success, 1 when the operation failed, 2 for a usage error. An error is one
 * line on stderr (with {@code --json}, also an {@code {"ok":false,...}} line on stdout); stack
 * traces only with {@code --verbose}.
 */
// INHERIT: every subcommand takes --help and --version too, as the usage-error hint promises.
@Command(name = "jlibp2p", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT,
    versionProvider = Jlibp2pCli.Version.class,
    description = "A libp2p peer: chat, serve, ping, identify, echo and perf over TCP with noise, TLS, secio or plaintext, and yamux or mplex.",
    subcommands = {ChatCommand.class, ListenCommand.class, RelayCommand.class, PingCommand.class, IdentifyCommand.class, EchoCommand.class, PerfCommand.class, FootprintCommand.class, TrainCommand.class,
        CommandLine.HelpCommand.class})
public final class Jlibp2pCli implements Callable<Integer> {

  /** The version {@code --version} prints: the agent version identify announces. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {Identify.DEFAULT_AGENT_VERSION};
    }
  }

  /** Runs the tool and exits with its status. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the tool and returns its exit status. */
  static int run(String... args) {
    List<String> arguments = List.of(args);
    boolean verbose = arguments.contains("--verbose");
    boolean json = arguments.contains("--json");
    CommandLine cli = new CommandLine(new Jlibp2pCli());
    cli.setParameterExceptionHandler((error, args2) -> {
      if (json) {
        System.out.println(new Json().put("ok", false).put("error", error.getMessage()));
      }
      System.err.println("error: " + error.getMessage());
      System.err.println("Run '" + error.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
      return 2;
    });
    cli.setExecutionExceptionHandler((error, commandLine, parseResult) -> {
      String message = error instanceof CliException ? error.getMessage() : error.getClass().getSimpleName() + ": " + error.getMessage();
      if (json) {
        System.out.println(new Json().put("ok", false).put("error", message));
      }
      System.err.println("error: " + message);
      if (verbose) {
        error.printStackTrace();
      }
      return error instanceof CliException failure ? failure.exitCode() : 1;
    });
    return cli.execute(args);
  }

  @Override
  public Integer call() {
    CommandLine.usage(this, System.err);
    return 2;
  }
}
