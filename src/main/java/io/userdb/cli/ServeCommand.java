package io.userdb.cli;

import io.userdb.UserdbService;
import io.userdb.config.Options;
import io.userdb.config.ServiceConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/**
 * {@code userdb serve}: runs the service until SIGTERM or Ctrl-C, then stops gracefully and exits
 * 0. Its options are built from {@link Options}, and their values stay strings here: {@link
 * ServiceConfig} merges them with the environment and the config file and validates the result in
 * one place.
 */
@Command(
    name = "serve",
    description = "Run the service (the default command).",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    modelTransformer = ServeCommand.OptionsFromTable.class)
final class ServeCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "properties file with options (key = option name)")
  Path configFile;

  /** A flag for every option in the table. */
  static final class OptionsFromTable implements IModelTransformer {
    @Override
    public CommandSpec transform(CommandSpec command) {
      return TableFlags.add(command, List.of());
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    Map<String, String> env = System.getenv();
    ServiceConfig config = ServiceConfig.load(TableFlags.given(spec), env, configFile);
    CountDownLatch stop = new CountDownLatch(1);
    // Handle the signals ourselves so that a requested stop ends with exit code 0, not 143.
    Signal.handle(new Signal("TERM"), signal -> stop.countDown());
    Signal.handle(new Signal("INT"), signal -> stop.countDown());
    try (UserdbService service = UserdbService.start(config, env, System.out)) {
      stop.await();
      System.out.println("userdb: stopping");
    }
    System.out.println("userdb: stopped");
    return 0;
  }
}
