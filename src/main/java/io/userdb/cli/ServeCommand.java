package io.userdb.cli;

import io.userdb.UserdbService;
import io.userdb.config.Options;
import io.userdb.config.ServiceConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;
import sun.misc.SignalHandler;

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

  private static final Logger LOG = Logger.getLogger(ServeCommand.class.getName());

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
  public Integer call() {
    Map<String, String> env = System.getenv();
    ServiceConfig config = ServiceConfig.load(TableFlags.given(spec), env, configFile);
    CountDownLatch stop = new CountDownLatch(1);
    Thread starter = Thread.currentThread();
    boolean[] started = {false}; // guarded by itself, with the interrupt it decides on
    // Handle the signals ourselves so that a requested stop ends with exit code 0, not 143; while
    // still starting (waiting for a database server that is not up), the stop interrupts the wait.
    SignalHandler requestStop =
        signal -> {
          synchronized (started) {
            stop.countDown();
            if (!started[0]) {
              starter.interrupt();
            }
          }
        };
    Signal.handle(new Signal("TERM"), requestStop);
    Signal.handle(new Signal("INT"), requestStop);
    UserdbService service;
    try {
      service = UserdbService.start(config, env, System.out);
    } catch (RuntimeException e) {
      if (stop.getCount() == 0) {
        LOG.log(Level.FINE, "start ended by the stop", e);
        System.out.println("userdb: stopped before it was ready");
        return 0;
      }
      throw e;
    }
    synchronized (started) {
      started[0] = true;
      Thread.interrupted(); // an interrupt meant for the start must not cut the stop's grace
    }
    try (service) {
      awaitStop(stop);
      System.out.println("userdb: stopping");
    }
    System.out.println("userdb: stopped");
    return 0;
  }

  /** Until a stop is asked for. */
  private static void awaitStop(CountDownLatch stop) {
    while (true) {
      try {
        stop.await();
        return;
      } catch (InterruptedException e) {
        // Nothing interrupts this thread once started; the latch decides.
      }
    }
  }
}
