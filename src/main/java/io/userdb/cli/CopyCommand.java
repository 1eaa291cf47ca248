package io.userdb.cli;

import io.userdb.audit.AuditAction;
import io.userdb.audit.AuditEvent;
import io.userdb.audit.AuditHead;
import io.userdb.config.ServiceConfig;
import io.userdb.db.DatabaseException;
import io.userdb.db.StoreSettings;
import io.userdb.db.User;
import io.userdb.db.UserDatabase;
import io.userdb.db.UserStore;
import io.userdb.db.UserStores;
import java.io.PrintStream;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code userdb copy --from SRC --to DST}: moves the users of one store to another (SQLite to
 * PostgreSQL or back) with everything that makes them who they are: hashes, roles, disabled,
 * lockout state, times. Each page is written in one transaction, overwriting a user of the same
 * name, so a second run changes nothing and a run after an interruption finishes the job. At the
 * end every user of the source is looked up in the target and compared.
 *
 * <p>Each store keeps its own audit log (one chain cannot take in another's). The target records
 * {@code user.copied} with each page, naming the source and the source's head when the copy began
 * ({@code source_head}, as {@code audit verify --kept} takes it); the source records the copy out
 * at the end, with the counts.
 */
@Command(
    name = "copy",
    description = "Copy every user from one store to another (SQLite and PostgreSQL, either way).",
    mixinStandardHelpOptions = true)
final class CopyCommand implements Callable<Integer> {

  static final int PAGE = 500;

  @Option(
      names = "--from",
      required = true,
      paramLabel = "LOCATION",
      description = "the store to read")
  String from;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "LOCATION",
      description = "the store to write; a SQLite file is created (0600) if missing")
  String to;

  @Option(
      names = "--db-password-file",
      paramLabel = "FILE",
      description =
          "the password of a store on a server, for either side; or set USERDB_DB_PASSWORD")
  String passwordFile;

  @Override
  public Integer call() {
    if (from.strip().equals(to.strip())) {
      throw new CliException("--from and --to are the same store");
    }
    String password = password();
    try (UserStore source = UserStores.open(StoreSettings.existing(from).withPassword(password));
        UserStore target =
            UserStores.open(StoreSettings.existing(to).withPassword(password).creatingIt());
        UserDatabase in = source.open();
        UserDatabase out = target.open()) {
      long total = in.countUsers();
      Progress progress = new Progress(total, System.err);
      AuditHead sourceHead = in.auditHead();
      AuditEvent copiedIn =
          AuditEvent.success(AuditAction.USER_COPIED, DatabaseOptions.origin(), null, null)
              .with("from", source.toString())
              .with("source_head", sourceHead.seq() + ":" + sourceHead.hash());
      long copied = 0;
      for (List<User> page = in.usersAfter("", PAGE);
          !page.isEmpty();
          page = in.usersAfter(last(page), PAGE)) {
        copied += out.copyInUsers(page, Instant.now(), copiedIn);
        progress.show(copied);
      }
      progress.done();
      long differing = check(in, out);
      try {
        in.appendAudit(
            AuditEvent.success(AuditAction.USER_COPIED, DatabaseOptions.origin(), null, null)
                .with("to", target.toString())
                .with("count", copied)
                .with("differing", differing),
            Instant.now());
      } catch (DatabaseException e) { // a source only readable: the copy itself is done
        System.err.println("userdb: the copy is not recorded in the source's audit log: " + e);
      }
      System.out.println(
          "copied "
              + copied
              + " users from "
              + source
              + " to "
              + target
              + "; checked: "
              + (copied - differing)
              + " of "
              + copied
              + " match");
      if (differing > 0) {
        throw new CliException(
            differing + " users differ between the stores (changed meanwhile?); run copy again");
      }
    }
    return 0;
  }

  /** The password from the file given, else the environment, as the server reads it. */
  private String password() {
    Map<String, String> flags = new HashMap<>();
    if (passwordFile != null) {
      flags.put("db-password-file", passwordFile);
    }
    return ServiceConfig.load(flags, System.getenv(), null).dbPassword();
  }

  /** How many users of the source the target holds differently (or not at all). */
  private static long check(UserDatabase in, UserDatabase out) {
    long differing = 0;
    for (List<User> page = in.usersAfter("", PAGE);
        !page.isEmpty();
        page = in.usersAfter(last(page), PAGE)) {
      for (User user : page) {
        User copy = out.findUser(user.username()).orElse(null);
        if (copy == null || !sameState(user, copy)) {
          differing++;
        }
      }
    }
    return differing;
  }

  private static String last(List<User> page) {
    return page.get(page.size() - 1).username();
  }

  private static boolean sameState(User a, User b) {
    return a.username().equals(b.username())
        && a.passwordHash().equals(b.passwordHash())
        && Objects.equals(a.displayName(), b.displayName())
        && Objects.equals(a.email(), b.email())
        && a.roles().equals(b.roles())
        && a.disabled() == b.disabled()
        && a.failedLogins() == b.failedLogins()
        && a.lockedUntil().equals(b.lockedUntil())
        && a.createdAt().equals(b.createdAt());
  }

  /** A bar on a terminal; a line per tenth elsewhere (a log keeps every line). */
  static final class Progress {
    private static final int WIDTH = 30;
    private final long total;
    private final PrintStream out;
    private final boolean terminal = System.console() != null;
    private long lastTenth = -1;

    Progress(long total, PrintStream out) {
      this.total = total;
      this.out = out;
    }

    void show(long done) {
      long percent = total == 0 ? 100 : Math.min(100, done * 100 / total);
      if (terminal) {
        int filled = (int) (percent * WIDTH / 100);
        out.print(
            "\r["
                + "#".repeat(filled)
                + " ".repeat(WIDTH - filled)
                + "] "
                + percent
                + "% "
                + done
                + "/"
                + total);
        out.flush();
      } else if (percent / 10 != lastTenth) {
        lastTenth = percent / 10;
        out.println("copied " + done + "/" + total + " (" + percent + "%)");
      }
    }

    void done() {
      if (terminal) {
        out.println();
      }
    }
  }
}
