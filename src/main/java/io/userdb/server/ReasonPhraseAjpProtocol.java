package io.userdb.server;

import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import org.apache.coyote.Processor;
import org.apache.coyote.ajp.AjpMessage;
import org.apache.coyote.ajp.AjpNioProtocol;
import org.apache.coyote.ajp.AjpProcessor;
import org.apache.coyote.ajp.Constants;
import org.apache.tomcat.util.buf.MessageBytes;

/**
 * Tomcat's AJP connector, sending each status with its reason phrase ("404 Not Found").
 *
 * <p>mod_proxy_ajp builds the status line it sends the client from the code and the phrase AJP
 * carries. Tomcat 11's AjpProcessor writes the bare code as the phrase, whatever the response says
 * (it stopped sending phrases since clients may ignore them, and Servlet 6 has no way to set one),
 * so every answer through Apache read "HTTP/1.1 200 200". Nothing in Tomcat decides that phrase:
 * setting a message on the response changes nothing. So each processor this protocol creates gets a
 * response message that writes the phrase in that place. If a later Tomcat renames the field this
 * relies on, the connector works as Tomcat's own and says so once in the log; the Apache tests then
 * fail on the status lines.
 */
final class ReasonPhraseAjpProtocol extends AjpNioProtocol {

  private static final Logger LOG = Logger.getLogger(ReasonPhraseAjpProtocol.class.getName());
  private static final AtomicBoolean WARNED = new AtomicBoolean();
  private static final Field RESPONSE_MESSAGE = responseMessageField();

  @Override
  protected Processor createProcessor() {
    Processor processor = super.createProcessor();
    if (RESPONSE_MESSAGE != null) {
      try {
        RESPONSE_MESSAGE.set(processor, new PhrasedMessage(getPacketSize()));
      } catch (IllegalAccessException | IllegalArgumentException e) {
        warnOnce(e.toString());
      }
    }
    return processor;
  }

  private static Field responseMessageField() {
    try {
      Field field = AjpProcessor.class.getDeclaredField("responseMessage");
      field.setAccessible(true);
      return field;
    } catch (ReflectiveOperationException | RuntimeException e) {
      warnOnce(e.toString());
      return null;
    }
  }

  private static void warnOnce(String why) {
    if (WARNED.compareAndSet(false, true)) {
      LOG.warning(
          "AJP answers go out without reason phrases (Apache will show \"200 200\"): " + why);
    }
  }

  /** A response message that writes the status's reason phrase where Tomcat writes the code. */
  static final class PhrasedMessage extends AjpMessage {

    /**
     * A SEND_HEADERS message has the packet header (4 bytes), its type (1), the status (2), then
     * the phrase.
     */
    private static final int PHRASE_AT = 7;

    private static final byte[][] PHRASES = new byte[600][];

    static {
      for (int status = 100; status < PHRASES.length; status++) {
        String phrase = ReasonPhrases.of(status);
        PHRASES[status] = phrase == null ? null : phrase.getBytes(StandardCharsets.US_ASCII);
      }
    }

    PhrasedMessage(int packetSize) {
      super(packetSize);
    }

    @Override
    public void appendBytes(MessageBytes mb) {
      byte[] phrase =
          pos == PHRASE_AT && buf[4] == Constants.JK_AJP13_SEND_HEADERS ? phrase(status()) : null;
      if (phrase == null) {
        super.appendBytes(mb);
      } else {
        appendBytes(phrase, 0, phrase.length);
      }
    }

    private int status() {
      return ((buf[5] & 0xFF) << 8) | (buf[6] & 0xFF);
    }

    private static byte[] phrase(int status) {
      return status < PHRASES.length ? PHRASES[status] : null;
    }
  }
}
