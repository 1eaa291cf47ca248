package io.userdb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Figures that tests measure for docs/RELIABILITY.md, kept under target/reliability/. */
final class Reports {

  private Reports() {}

  static void write(String name, String line) {
    try {
      Path dir = Files.createDirectories(Path.of("target", "reliability"));
      Files.writeString(dir.resolve(name), line + System.lineSeparator());
      System.out.println("reliability: " + name + ": " + line);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
