package io.barrage.cli;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.barrage.protocol.settings.SettingsSection;
import io.barrage.protocol.settings.UnknownSettingsException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code barrage.jar}. Each subcommand lives in its own class; exit codes follow the
 * public contract: 0 success, 1 the run failed its own gates, 2 bad input, 3 internal error.
 */
@Command(
    name = "barrage",
    mixinStandardHelpOptions = true,
    versionProvider = BarrageMain.Version.class,
    description = "Distributed load generator for LLM serving stacks.",
    subcommands = {
      SimulateCommand.class,
      ValidateCommand.class,
      RunCommand.class,
      CoordinatorCommand.class,
      SubmitCommand.class,
      FetchCommand.class,
      WorkerCommand.class,
      ReportCommand.class,
      CompareCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class
    })
public final class BarrageMain implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns the exit code (used by tests without exiting the JVM). */
  public static int execute(String... args) {
    CommandLine cl = new CommandLine(new BarrageMain());
    try {
      // a misspelt settings section stops every command before it starts (docs/configuration.md)
      SettingsSection.refuseUnknownSections(ConfigFactory.load());
    } catch (UnknownSettingsException | ConfigException e) {
      cl.getErr().println("barrage: " + e.getMessage());
      return ExitCodes.BAD_INPUT;
    }
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          if (ex instanceof ExitException e) {
            commandLine.getErr().println(e.getMessage());
            return e.code();
          }
          for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof UnknownSettingsException e) {
              commandLine.getErr().println("barrage: " + e.getMessage());
              return ExitCodes.BAD_INPUT;
            }
          }
          commandLine.getErr().println("barrage: internal error: " + ex);
          ex.printStackTrace(commandLine.getErr());
          return ExitCodes.INTERNAL;
        });
    cl.setParameterExceptionHandler(
        (ex, a) -> {
          CommandLine c = ex.getCommandLine();
          c.getErr().println("barrage: " + ex.getMessage());
          c.usage(c.getErr());
          return ExitCodes.BAD_INPUT;
        });
    return cl.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = BarrageMain.class.getPackage().getImplementationVersion();
      return new String[] {"barrage " + (v == null ? "dev" : v)};
    }
  }
}
