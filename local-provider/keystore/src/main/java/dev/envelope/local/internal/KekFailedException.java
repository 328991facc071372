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
    super(Errors.rootMessage(cause), cause);
  }
}
