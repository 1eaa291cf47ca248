package io.userdb.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.userdb.files.PrivateFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.logging.Logger;

/**
 * {@code --audit-log}: each committed record as one JSON line in Elastic Common Schema names, as
 * {@code userdb audit export} writes it, appended to a file created owner-only (0600) or written to
 * standard output. A line that cannot be written is logged, not fatal: the store holds the record.
 * Thread-safe: each batch of records is written and flushed whole.
 */
public final class AuditLogFile implements AuditFeed, AutoCloseable {

  private static final Logger LOG = Logger.getLogger(AuditLogFile.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The name that means standard output. */
  public static final String STDOUT = "-";

  private final PrintStream out;
  private final boolean owned;

  private AuditLogFile(PrintStream out, boolean owned) {
    this.out = out;
    this.owned = owned;
  }

  /**
   * Opens {@code target} for appending, created 0600 if missing, or standard output for {@link
   * #STDOUT}. An existing file others may read is made owner-only; a symbolic link is refused: the
   * events would go wherever whoever made it chose.
   */
  public static AuditLogFile open(String target) throws IOException {
    if (STDOUT.equals(target)) {
      return new AuditLogFile(System.out, false);
    }
    Path file = Path.of(target);
    if (file.toAbsolutePath().getParent() != null) {
      PrivateFiles.createFolders(file.toAbsolutePath().getParent());
    }
    if (Files.isSymbolicLink(file)) {
      throw new IOException("it is a symbolic link; give the file itself");
    }
    PrivateFiles.createFile(file);
    OutputStream stream =
        Files.newOutputStream(
            file, StandardOpenOption.WRITE, StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS);
    PrivateFiles.makeOwnerOnly(file);
    return new AuditLogFile(new PrintStream(stream, false, StandardCharsets.UTF_8), true);
  }

  @Override
  public void committed(List<AuditRecord> records) {
    StringBuilder lines = new StringBuilder();
    for (AuditRecord record : records) {
      try {
        lines.append(JSON.writeValueAsString(EcsEvent.of(record))).append('\n');
      } catch (JsonProcessingException e) {
        LOG.warning("audit record " + record.seq() + " not written to the audit log: " + e);
      }
    }
    synchronized (out) {
      out.print(lines);
      out.flush();
      if (out.checkError()) {
        LOG.warning("could not write " + records.size() + " records to the audit log file");
      }
    }
  }

  @Override
  public void close() {
    if (owned) {
      out.close();
    }
  }
}
