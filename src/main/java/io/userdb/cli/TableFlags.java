package io.userdb.cli;

import io.userdb.config.Option;
import io.userdb.config.Options;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Command-line flags made from the option table ({@link Options}), with its labels and help. The
 * values stay strings: {@link io.userdb.config.ServiceConfig} merges them with the environment and
 * the config file and validates them in one place.
 */
final class TableFlags {

  private TableFlags() {}

  /** Adds a flag to {@code command} for each option named (every option if none are). */
  static CommandSpec add(CommandSpec command, List<String> names) {
    for (Option<?> option : Options.ALL) {
      if (!names.isEmpty() && !names.contains(option.name())) {
        continue;
      }
      OptionSpec.Builder flag =
          OptionSpec.builder(option.flag())
              .paramLabel(option.label())
              .type(String.class)
              .description(option.plainHelp());
      if (option.isSwitch()) {
        flag.arity("0..1").fallbackValue("true");
      }
      command.addOption(flag.build());
    }
    return command;
  }

  /** The table's flags given on {@code command}'s line, by option name. */
  static Map<String, String> given(CommandSpec command) {
    Map<String, String> flags = new HashMap<>();
    for (OptionSpec option : command.options()) {
      String name = option.longestName().substring(2);
      if (Options.named(name) != null && option.getValue() != null) {
        flags.put(name, option.getValue());
      }
    }
    return flags;
  }
}
