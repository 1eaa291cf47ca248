package io.userdb;

import io.userdb.config.ConfigException;
import io.userdb.files.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.logging.Logger;

/**
 * The AJP shared secret when none is configured: generated once (256 random bits), kept in {@code
 * ajp-secret} in the store's local folder (else {@code data/}) with mode 0600, reused on later
 * starts. Its location is logged so an admin can hand it to Apache; its value never is.
 */
public final class AjpSecrets {

  private static final Logger LOG = Logger.getLogger(AjpSecrets.class.getName());
  public static final String FILE_NAME = "ajp-secret";

  /** The least any AJP secret may have, as ServiceConfig requires of a configured one. */
  static final int MIN_LENGTH = 32;

  private AjpSecrets() {}

  public static Path fileIn(Path folder) {
    return folder.toAbsolutePath().resolve(FILE_NAME);
  }

  /** The configured secret if given, else the stored one, generated on first use. */
  public static String resolve(String configured, Path folder) {
    if (configured != null) {
      return configured;
    }
    Path file = fileIn(folder);
    try {
      if (!Files.exists(file)) {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        PrivateFiles.createFile(file);
        // 43 characters: mod_proxy_ajp takes secrets shorter than 64.
        Files.writeString(
            file,
            Base64.getUrlEncoder().withoutPadding().encodeToString(bytes) + "\n",
            StandardCharsets.US_ASCII);
        LOG.info("generated an AJP secret in " + file + " (give it to Apache as secret=)");
      } else {
        LOG.info("using the AJP secret in " + file);
      }
      String secret = Files.readString(file, StandardCharsets.US_ASCII).strip();
      if (secret.length() < MIN_LENGTH) {
        // A file written by hand or by an old version: as weak as a short --ajp-secret.
        throw new ConfigException(
            "the AJP secret in "
                + file
                + " is shorter than "
                + MIN_LENGTH
                + " characters; delete the file to have a new one generated, and give that to Apache");
      }
      return secret;
    } catch (IOException e) {
      throw new ConfigException("cannot read or create the AJP secret file " + file + ": " + e);
    }
  }
}
