package io.barrage.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder registered so the command tree is fixed; replaced by the owning issue's work. */
@Command(name = "demo", description = "(in progress)")
public final class DemoCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new ExitException(ExitCodes.INTERNAL, "barrage demo: not built yet");
  }
}
