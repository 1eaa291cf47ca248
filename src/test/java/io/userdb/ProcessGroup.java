package io.userdb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The processes of one process group (Linux), found in /proc: what a shell started, its background
 * jobs included, even once they outlive it. Zombies count as gone.
 */
record ProcessGroup(long id) {

  /** The live members, by process id. */
  List<Long> members() throws IOException {
    try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
      return entries
          .map(p -> p.getFileName().toString())
          .filter(name -> name.matches("\\d+"))
          .map(Long::parseLong)
          .filter(this::liveMember)
          .toList();
    }
  }

  private boolean liveMember(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return !fields[0].equals("Z") && Long.parseLong(fields[2]) == id;
    } catch (IOException | RuntimeException e) {
      return false; // gone meanwhile
    }
  }

  /** SIGTERM, or SIGKILL, to every member but {@code spared} (-1 for none). */
  void signal(boolean kill, long spared) throws IOException {
    for (long pid : members()) {
      if (pid == spared) {
        continue;
      }
      ProcessHandle.of(pid)
          .ifPresent(
              p -> {
                if (kill) {
                  p.destroyForcibly();
                } else {
                  p.destroy();
                }
              });
    }
  }

  /** Whether every member has ended within {@code millis}. */
  boolean awaitEmpty(long millis) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000;
    while (!members().isEmpty()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(50);
    }
    return true;
  }
}
