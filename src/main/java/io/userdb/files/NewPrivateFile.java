package io.userdb.files;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Writes a file that must not exist yet, private to its owner from the first byte. The content goes
 * into a 0600 temporary file beside the target, which is then hard-linked in under the target's
 * name: link(2) fails if the name exists in any form (file, symlink, dangling symlink) and never
 * follows a link, so whatever was planted there beforehand is neither written through nor replaced,
 * and keeps its mode.
 */
public final class NewPrivateFile {

  private NewPrivateFile() {}

  /**
   * Runs {@code writeInto} on an empty private file in {@code target}'s folder, then gives that
   * file {@code target}'s name; the temporary file is gone however it ends.
   *
   * @throws FileAlreadyExistsException if {@code target} exists, even as a dangling link
   */
  public static void write(Path target, Consumer<Path> writeInto) throws IOException {
    Path absolute = target.toAbsolutePath();
    if (Files.exists(absolute, LinkOption.NOFOLLOW_LINKS)) { // early: before the work of writing
      throw new FileAlreadyExistsException(absolute.toString());
    }
    Path folder = absolute.getParent();
    Path temp =
        Files.createTempFile(
            folder,
            "." + absolute.getFileName() + ".",
            ".tmp",
            PrivateFiles.ownerOnly(folder, PrivateFiles.OWNER_FILE));
    try {
      writeInto.accept(temp);
      link(absolute, temp);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static void link(Path target, Path temp) throws IOException {
    try {
      Files.createLink(target, temp);
    } catch (FileAlreadyExistsException e) {
      throw e;
    } catch (UnsupportedOperationException | FileSystemException e) {
      // A filesystem without hard links (FAT, some network shares): a move that refuses an
      // existing target, checked just before the rename instead of by the rename itself.
      Files.move(temp, target);
    }
  }
}
