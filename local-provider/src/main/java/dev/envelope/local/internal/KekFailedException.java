package dev.envelope.local.internal;

import java.security.GeneralSecurityException;

/**
 * The KEK itself failed (its token is gone, its key was destroyed, its provider refused), as
 * opposed to a wrong key or modified data ({@link javax.crypto.AEADBadTagException}). Lets the
 * engine tell "the KEK is unavailable" apart from "this key file fails authentication": Tink
 * passes a KEK's exceptions through unchanged.
 */
final class KekFailedException extends GeneralSecurityException {
  private static final long serialVersionUID = 1L;

  KekFailedException(Throwable cause) {
    super(rootMessage(cause), cause);
  }

  /** The innermost message (for SunPKCS11, the PKCS#11 return code). */
  static String rootMessage(Throwable t) {
    String message = t.getClass().getSimpleName();
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c.getMessage() != null && !c.getMessage().isBlank()) {
        message = c.getMessage();
      }
    }
    return message;
  }
}
