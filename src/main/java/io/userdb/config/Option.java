package io.userdb.config;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;

/**
 * One option of the server, declared once in {@link Options}. Its name is the flag ({@code
 * --http-port}), the key in a properties file ({@code http-port}) and, upper case with {@code _},
 * the environment variable ({@code USERDB_HTTP_PORT}). Its help feeds both {@code userdb serve
 * --help} and the README's options table: text in backticks is code, which the terminal shows
 * without them.
 *
 * @param name the option's name, lower case with {@code -}
 * @param label what the value is in help (PORT, DURATION)
 * @param type the type of the value, as the {@link ServiceConfig} component holding it declares it
 * @param parser reads a value; throws IllegalArgumentException saying in one line what is wrong
 * @param defaultValue the value as written when none is given; null: none, the component is null
 * @param emptyAllowed whether an empty value is a value, or "must not be empty"
 * @param check what a parsed value must satisfy, whatever the others
 * @param help what the option does, one line
 * @param shownDefault the default as help and README show it
 * @param secret whether the value must never be printed
 * @param field the {@link ServiceConfig} component that holds the value
 */
public record Option<T>(
    String name,
    String label,
    Class<T> type,
    Function<String, T> parser,
    String defaultValue,
    boolean emptyAllowed,
    Check<T> check,
    String help,
    String shownDefault,
    boolean secret,
    String field) {

  /** A rule on one value. */
  @FunctionalInterface
  public interface Check<T> {
    /** Null if the value is fine, else what is wrong with it, to follow the option's name. */
    String problem(T value);
  }

  static Option<String> text(String name, String label, String defaultValue, String help) {
    return of(name, label, String.class, Function.identity(), defaultValue, help);
  }

  static Option<Integer> number(
      String name, String label, String defaultValue, Check<Integer> check, String help) {
    return of(name, label, Integer.class, Option::parseInt, defaultValue, help).checkedBy(check);
  }

  static Option<Long> size(String name, String defaultValue, String help) {
    return of(name, "SIZE", Long.class, ByteSizes::parse, defaultValue, help);
  }

  static Option<Duration> duration(
      String name, String defaultValue, Check<Duration> check, String help) {
    return of(name, "DURATION", Duration.class, Durations::parse, defaultValue, help)
        .checkedBy(check);
  }

  /** A switch: {@code --name} alone means true. */
  static Option<Boolean> bool(String name, String help) {
    return of(name, "BOOL", Boolean.class, Option::parseBoolean, "false", help);
  }

  private static <T> Option<T> of(
      String name,
      String label,
      Class<T> type,
      Function<String, T> parser,
      String defaultValue,
      String help) {
    String shown =
        defaultValue == null || defaultValue.isEmpty() ? "none" : "`" + defaultValue + "`";
    return new Option<>(
        name,
        label,
        type,
        parser,
        defaultValue,
        false,
        value -> null,
        help,
        shown,
        false,
        fieldName(name));
  }

  Option<T> checkedBy(Check<T> rule) {
    return new Option<>(
        name,
        label,
        type,
        parser,
        defaultValue,
        emptyAllowed,
        rule,
        help,
        shownDefault,
        secret,
        field);
  }

  /** An empty value is one: "none" ({@code --default-user=}). */
  Option<T> allowingEmpty() {
    return new Option<>(
        name, label, type, parser, defaultValue, true, check, help, shownDefault, secret, field);
  }

  /** For a default that is worked out, or that means something other than its value. */
  Option<T> defaultShownAs(String text) {
    return new Option<>(
        name, label, type, parser, defaultValue, emptyAllowed, check, help, text, secret, field);
  }

  Option<T> keptSecret() {
    return new Option<>(
        name,
        label,
        type,
        parser,
        defaultValue,
        emptyAllowed,
        check,
        help,
        shownDefault,
        true,
        field);
  }

  /** For an option whose component is not named after it. */
  Option<T> storedIn(String component) {
    return new Option<>(
        name,
        label,
        type,
        parser,
        defaultValue,
        emptyAllowed,
        check,
        help,
        shownDefault,
        secret,
        component);
  }

  public String flag() {
    return "--" + name;
  }

  public String envName() {
    return ServiceConfig.envName(name);
  }

  /** Whether {@code --name} alone is a value (true). */
  public boolean isSwitch() {
    return type == Boolean.class;
  }

  /** The help without markdown, as a terminal shows it, with the default. */
  public String plainHelp() {
    return (help + " (default: " + shownDefault + ")").replace("`", "");
  }

  /**
   * The value, from the text given (null: not given) or the default, parsed and checked.
   *
   * @throws ConfigException naming the option and the problem in one line
   */
  public T resolve(String given) {
    String text = given != null ? given.strip() : defaultValue;
    if (text == null) {
      return null;
    }
    if (text.isEmpty() && !emptyAllowed) {
      throw new ConfigException(name + " must not be empty");
    }
    T value;
    try {
      value = parser.apply(text);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("bad value for " + name + ": " + e.getMessage());
    }
    String problem = check.problem(value);
    if (problem != null) {
      throw new ConfigException(name + " " + problem);
    }
    return value;
  }

  private static String fieldName(String name) {
    StringBuilder field = new StringBuilder();
    for (String word : name.split("-")) {
      field.append(
          field.length() == 0 ? word : Character.toUpperCase(word.charAt(0)) + word.substring(1));
    }
    return field.toString();
  }

  private static int parseInt(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not a whole number");
    }
  }

  private static boolean parseBoolean(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "1" -> true;
      case "false", "no", "0" -> false;
      default -> throw new IllegalArgumentException("'" + text + "' is not true or false");
    };
  }
}
