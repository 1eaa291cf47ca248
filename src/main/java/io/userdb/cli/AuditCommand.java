package io.userdb.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.userdb.audit.AuditHead;
import io.userdb.audit.AuditQuery;
import io.userdb.audit.AuditRecord;
import io.userdb.audit.AuditVerifier;
import io.userdb.audit.EcsEvent;
import io.userdb.audit.KeptHead;
import io.userdb.db.UserDatabase;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code userdb audit ...}: check the audit log's chain, and export it for a SIEM. */
@Command(
    name = "audit",
    description = "Check and export the audit log.",
    mixinStandardHelpOptions = true,
    subcommands = {AuditCommand.Verify.class, AuditCommand.Export.class})
final class AuditCommand {

  /** Records read per query while exporting. */
  private static final int PAGE = 1000;

  @Command(
      name = "verify",
      description =
          "Walk the audit log's hash chain; name the first record changed, removed or inserted"
              + " (exit 1).",
      mixinStandardHelpOptions = true)
  static final class Verify implements Callable<Integer> {
    @Mixin DatabaseOptions database;

    @Option(
        names = "--kept",
        paramLabel = "SEQ:HASH",
        description =
            "A head an earlier verify printed (its `head` line), kept where the database's writers"
                + " cannot reach: its record must still be there with that hash. Repeatable.")
    List<String> kept = List.of();

    @Override
    public Integer call() {
      List<KeptHead> heads = new ArrayList<>();
      for (String text : kept) {
        try {
          heads.add(KeptHead.parse(text));
        } catch (IllegalArgumentException e) {
          throw new CliException("--kept: " + e.getMessage());
        }
      }
      try (UserDatabase db = database.open()) {
        AuditVerifier verifier =
            AuditVerifier.walk(
                after -> db.findAudit(AuditQuery.chainAfter(after, PAGE)), db::auditHead);
        String problem = verifier.problem().orElse(null);
        if (problem != null) {
          throw new CliException(
              "audit log tampered with: "
                  + problem
                  + "; "
                  + verifier.checked()
                  + " records before it are intact");
        }
        AuditHead head = db.auditHead();
        for (KeptHead k : heads) {
          k.check(
                  verifier,
                  head,
                  seq -> KeptHead.first(db.findAudit(AuditQuery.chainAfter(seq - 1, 1)), seq))
              .ifPresent(
                  wrong -> {
                    throw new CliException("audit log rewritten: " + wrong);
                  });
          System.out.println(
              k.seq() > 0 && k.seq() < head.firstSeq()
                  ? "kept head " + k.seq() + " pruned since: the log starts at " + head.firstSeq()
                  : "kept head " + k.seq() + " found as it was");
        }
        System.out.println(
            "audit log intact: "
                + verifier.checked()
                + " records, the last "
                + verifier.lastSeq()
                + " with hash "
                + verifier.lastHash());
        System.out.println("head " + KeptHead.of(verifier));
      }
      return 0;
    }
  }

  @Command(
      name = "export",
      description =
          "Write audit records as JSON lines in Elastic Common Schema names, oldest first.",
      mixinStandardHelpOptions = true)
  static final class Export implements Callable<Integer> {
    @Mixin DatabaseOptions database;

    @Option(names = "--since", paramLabel = "TIME", description = "ISO-8601 instant, inclusive.")
    String since;

    @Option(names = "--user", paramLabel = "NAME", description = "As actor or as target.")
    String user;

    @Option(names = "--action", paramLabel = "ACTION", description = "e.g. user.login.")
    String action;

    @Override
    public Integer call() throws IOException {
      Instant from = since == null ? null : instant(since);
      ObjectMapper json = new ObjectMapper();
      PrintStream out = System.out;
      try (UserDatabase db = database.open()) {
        long after = 0;
        for (List<AuditRecord> page = db.findAudit(AuditQuery.oldest(user, action, from, 0, PAGE));
            !page.isEmpty();
            page = db.findAudit(AuditQuery.oldest(user, action, from, after, PAGE))) {
          for (AuditRecord record : page) {
            out.println(json.writeValueAsString(EcsEvent.of(record)));
          }
          after = page.get(page.size() - 1).seq();
        }
      }
      out.flush();
      return 0;
    }

    private static Instant instant(String value) {
      try {
        Instant instant = Instant.parse(value);
        instant.toEpochMilli(); // records keep milliseconds: a year past them is refused here
        return instant;
      } catch (DateTimeParseException | ArithmeticException e) {
        throw new CliException(
            "--since must be an ISO-8601 instant such as 2026-01-31T12:00:00Z, not " + value);
      }
    }
  }
}
